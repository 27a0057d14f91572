package io.gatehouse.tenancy;

import java.util.Optional;

/**
 * How an org's pages look: its name, its accent colour and its logo (named by type and hash, so a
 * page can link a URL that changes whenever the logo does).
 */
public record Branding(OrgId org, String name, Optional<AccentColor> accent, Optional<LogoRef> logo) {

    /** The stored logo's type and SHA-256 (hex), without its bytes. */
    public record LogoRef(Logo.Type type, String sha256, int size) {
    }
}
