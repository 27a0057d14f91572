package io.gatehouse.idp;

import java.time.Instant;

/**
 * The I/O half of saving an identity provider: turns a draft's SAML source into what it says
 * (parsing metadata, fetching it from a URL) and runs OIDC discovery where endpoints are missing.
 * Failures are field-level validation problems.
 */
public interface SourceResolver {

    /** The SAML IdP description of the source; throws a 422 ProblemException on the source field. */
    SamlSettings.ResolvedSamlIdp resolveSaml(SamlSettings.SamlSource source, Instant now);

    /** The settings with discovery filled in where the admin left endpoints out. */
    OidcSettings discover(OidcSettings settings, Instant now);
}
