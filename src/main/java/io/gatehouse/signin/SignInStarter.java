package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.Protocol;
import java.time.Instant;
import org.springframework.http.ResponseEntity;

/** Sends the browser to an identity provider of one protocol, with a fresh sign-in attempt. */
public interface SignInStarter {
    Protocol protocol();

    ResponseEntity<String> start(IdentityProvider idp, LoginRequest login, Instant now);
}
