package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.Protocol;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.ResponseEntity;

/** Sends the browser to an identity provider of one protocol, with a fresh sign-in attempt. */
public interface SignInStarter {
    Protocol protocol();

    ResponseEntity<String> start(IdentityProvider idp, LoginRequest login, Instant now);

    /**
     * A secret or key the provider's sign-ins need that cannot be opened here (its master key is
     * gone): the provider's stored secrets; a protocol adds its own keys.
     */
    default Optional<SignInFailure> unavailableSecret(IdentityProvider idp) {
        return idp.secrets().unreadable()
                .map(u -> SignInFailure.secretUnavailable("stored secret", u.sealed().keyId()));
    }
}
