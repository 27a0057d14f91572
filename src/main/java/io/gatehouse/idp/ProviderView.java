package io.gatehouse.idp;

/**
 * A registered identity provider as the sign-in runtime reads it from {@link ProviderDirectory}: the
 * provider with its protocol's settings already typed, so that runtime code switches on the view
 * instead of casting {@link IdentityProvider#settings()}.
 */
public sealed interface ProviderView permits SamlProvider, OidcProvider {
    /** The provider itself: its names, state, mappers, provisioning and secrets. */
    IdentityProvider idp();

    /**
     * The view of a provider, by its settings. The directory's views come from the store's cache,
     * made once per decoded version; this is for a provider read some other way.
     */
    static ProviderView of(IdentityProvider idp) {
        return switch (idp.settings()) {
            case SamlSettings saml -> new SamlProvider(idp, saml);
            case OidcSettings oidc -> new OidcProvider(idp, oidc);
        };
    }
}
