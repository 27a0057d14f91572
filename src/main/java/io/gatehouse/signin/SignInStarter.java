package io.gatehouse.signin;

import io.gatehouse.idp.ProviderView;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.ResponseEntity;

/**
 * Sends the browser to an identity provider of one protocol, with a fresh sign-in attempt; {@code P}
 * is the view of that protocol's providers.
 */
public interface SignInStarter<P extends ProviderView> {
    ResponseEntity<String> start(P provider, LoginRequest login, Instant now);

    /**
     * A secret or key the provider's sign-ins need that cannot be opened here (its master key is
     * gone): the provider's stored secrets; a protocol adds its own keys.
     */
    default Optional<SignInFailure> unavailableSecret(P provider) {
        return provider.idp().secrets().unreadable()
                .map(u -> SignInFailure.secretUnavailable("stored secret", u.sealed().keyId()));
    }
}
