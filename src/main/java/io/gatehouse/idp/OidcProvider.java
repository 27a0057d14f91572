package io.gatehouse.idp;

/** An OpenID Connect (or OAuth 2.0) identity provider with its OIDC settings. */
public record OidcProvider(IdentityProvider idp, OidcSettings oidc) implements ProviderView {
    public OidcProvider {
        if (idp.settings() != oidc) {
            throw new IllegalArgumentException("the settings are not this provider's");
        }
    }
}
