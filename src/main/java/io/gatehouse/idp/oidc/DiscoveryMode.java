package io.gatehouse.idp.oidc;

import io.gatehouse.idp.WireEnum;

/** When the issuer's discovery document is fetched on save. */
public enum DiscoveryMode implements WireEnum {
    /** Only when endpoints are missing; then a failed fetch refuses the configuration. */
    AUTO("auto"),
    /**
     * Always, to learn what the given endpoints don't say (the logout endpoint, PKCE methods,
     * RFC 9207 support); a failure is tolerated when every needed endpoint was given.
     */
    ALWAYS("always");

    private final String wireName;

    DiscoveryMode(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}
