package io.gatehouse.idp;

/** The sign-in protocol an identity provider speaks. */
public enum Protocol implements WireEnum {
    SAML("saml"),
    OIDC("oidc");

    private final String wireName;

    Protocol(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}
