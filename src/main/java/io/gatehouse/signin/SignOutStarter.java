package io.gatehouse.signin;

import io.gatehouse.idp.ProviderView;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.ResponseEntity;

/**
 * Sends the browser to an identity provider to end its session there (single logout), when the IdP
 * can; {@code P} is the view of that protocol's providers.
 */
public interface SignOutStarter<P extends ProviderView> {
    /** The redirect (or form) to the IdP; empty when the IdP has no logout endpoint. */
    Optional<ResponseEntity<String>> signOut(P provider, SsoSessions.SsoSession session, Instant now);
}
