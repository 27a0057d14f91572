package io.gatehouse.idp;

import io.gatehouse.tenancy.OrgId;

/** Gatehouse's own URLs for one identity provider, derived from GATEHOUSE_BASE_URL. */
public record SpEndpoints(String entityId, String acsUrl, String metadataUrl, String sloUrl, String loginUrl,
                          String oidcRedirectUri, String oidcJwksUrl, String oidcFrontChannelLogoutUri,
                          String oidcPostLogoutRedirectUri) {

    public static SpEndpoints of(String baseUrl, OrgId org, IdpAlias alias) {
        String base = baseUrl + "/sso/" + org.value() + "/" + alias.value();
        return new SpEndpoints(base + "/saml/metadata", base + "/saml/acs", base + "/saml/metadata",
                base + "/saml/slo", base + "/login", base + "/oidc/callback", base + "/oidc/jwks",
                base + "/oidc/frontchannel-logout", base + "/oidc/logged-out");
    }
}
