package io.gatehouse.idp;

/** A SAML identity provider with its SAML settings. */
public record SamlProvider(IdentityProvider idp, SamlSettings saml) implements ProviderView {
    public SamlProvider {
        if (idp.settings() != saml) {
            throw new IllegalArgumentException("the settings are not this provider's");
        }
    }
}
