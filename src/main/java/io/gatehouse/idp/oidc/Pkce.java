package io.gatehouse.idp.oidc;

import io.gatehouse.idp.WireEnum;

/** Proof Key for Code Exchange method. */
public enum Pkce implements WireEnum {
    S256("S256"),
    PLAIN("plain"),
    DISABLED("disabled");

    private final String wireName;

    Pkce(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}
