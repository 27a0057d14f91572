package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.Protocol;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.ResponseEntity;

/** Sends the browser to an identity provider to end its session there (single logout), when the IdP can. */
public interface SignOutStarter {
    Protocol protocol();

    /** The redirect (or form) to the IdP; empty when the IdP has no logout endpoint. */
    Optional<ResponseEntity<String>> signOut(IdentityProvider idp, SsoSessions.SsoSession session, Instant now);
}
