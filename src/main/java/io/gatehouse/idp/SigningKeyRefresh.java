package io.gatehouse.idp;

import java.time.Instant;
import java.util.Optional;

/**
 * For the SAML ACS: re-reads a provider's metadata URL when a response is signed by a key its
 * certificates lack (the IdP may have rotated it), rate-limited per provider.
 */
public interface SigningKeyRefresh {
    /** The provider as re-read, present only when its signing certificates changed. */
    Optional<SamlProvider> refreshSigningKeys(SamlProvider provider, Instant now);
}
