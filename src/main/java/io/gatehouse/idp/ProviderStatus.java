package io.gatehouse.idp;

/**
 * Where an identity provider stands: only an {@link #ACTIVE} one is chosen by routing,
 * {@code /oauth2/authorize}, its login URL or an IdP-initiated sign-in. A {@link #DRAFT} (being set
 * up, never active yet) and an {@link #INACTIVE} one (turned off) only run test sign-ins.
 */
public enum ProviderStatus implements WireEnum {
    DRAFT("draft"),
    ACTIVE("active"),
    INACTIVE("inactive");

    private final String wireName;

    ProviderStatus(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}
