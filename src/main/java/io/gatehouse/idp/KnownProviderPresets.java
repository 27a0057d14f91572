package io.gatehouse.idp;

import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What choosing a known provider means: its real defaults and quirks, filled into the request
 * wherever the admin left a field out (never overriding what was sent).
 */
final class KnownProviderPresets {
    private KnownProviderPresets() {
    }

    static ObjectNode withDefaults(ObjectNode body) {
        JsonNode knownNode = body.get("known_provider");
        if (knownNode == null || !knownNode.isString()) {
            return body;
        }
        KnownProvider known = WireEnum.parse(KnownProvider.class, knownNode.stringValue()).orElse(null);
        if (known == null) {
            return body;
        }
        ObjectNode copy = body.deepCopy();
        String protocol = text(copy, "protocol", text(copy, "provider_id", known == KnownProvider.GITHUB ? "oidc" : ""))
                .toLowerCase(Locale.ROOT);
        if (!copy.has("protocol") && !copy.has("provider_id") && known == KnownProvider.GITHUB) {
            copy.put("protocol", "oidc");
        }
        if (protocol.equals("saml") && copy.get("saml") instanceof ObjectNode saml) {
            saml(known, saml);
        } else if (protocol.equals("oidc") && copy.get("oidc") instanceof ObjectNode oidc) {
            oidc(known, oidc);
        }
        return copy;
    }

    private static void saml(KnownProvider known, ObjectNode saml) {
        switch (known) {
            case OKTA -> {
                // Okta signs the response and the assertion unless told otherwise
                setIfAbsent(saml, "want_response_signed", true);
                setIfAbsent(saml, "want_assertions_signed", true);
                setIfAbsent(saml, "name_id_format", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
            }
            case ENTRA_ID -> {
                // Entra ID signs only the assertion by default and takes AuthnRequests by HTTP-Redirect
                setIfAbsent(saml, "want_response_signed", false);
                setIfAbsent(saml, "want_assertions_signed", true);
                setIfAbsent(saml, "sso_binding", "redirect");
                setIfAbsent(saml, "name_id_format", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
            }
            case GOOGLE -> {
                // Google Workspace signs the whole response; the assertion inside is unsigned
                setIfAbsent(saml, "want_response_signed", true);
                setIfAbsent(saml, "want_assertions_signed", false);
                setIfAbsent(saml, "sso_binding", "redirect");
                setIfAbsent(saml, "name_id_format", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
            }
            case ADFS -> {
                // ADFS with Windows authentication rejects the default RequestedAuthnContext (password)
                setIfAbsent(saml, "disable_requested_authn_context", true);
                setIfAbsent(saml, "want_assertions_signed", true);
                setIfAbsent(saml, "sso_binding", "redirect");
            }
            case AUTH0, PING_IDENTITY, ONELOGIN, JUMPCLOUD -> {
                setIfAbsent(saml, "want_assertions_signed", true);
                setIfAbsent(saml, "name_id_format", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
            }
            case KEYCLOAK -> {
                // a Keycloak SAML client signs the whole document by default, not the assertion inside it
                setIfAbsent(saml, "want_response_signed", true);
                setIfAbsent(saml, "want_assertions_signed", false);
            }
            case GITHUB, CUSTOM_OIDC, CUSTOM_SAML -> {
            }
        }
    }

    private static void oidc(KnownProvider known, ObjectNode oidc) {
        switch (known) {
            case GOOGLE -> {
                setIfAbsent(oidc, "issuer", "https://accounts.google.com");
                setIfAbsent(oidc, "authorization_endpoint", "https://accounts.google.com/o/oauth2/v2/auth");
                setIfAbsent(oidc, "token_endpoint", "https://oauth2.googleapis.com/token");
                setIfAbsent(oidc, "userinfo_endpoint", "https://openidconnect.googleapis.com/v1/userinfo");
                setIfAbsent(oidc, "jwks_uri", "https://www.googleapis.com/oauth2/v3/certs");
                setIfAbsent(oidc, "scopes", "openid email profile");
            }
            case ENTRA_ID -> {
                String tenant = text(oidc, "tenant_id", "");
                if (!tenant.isEmpty() && tenant.matches("^[A-Za-z0-9.-]{1,100}$")) {
                    String base = "https://login.microsoftonline.com/" + tenant;
                    // multi-tenant issuers are templated ({tenantid}), so discovery cannot vouch for them:
                    // the endpoints are fixed here and the ID token's issuer is checked per tenant at sign-in
                    setIfAbsent(oidc, "issuer", base + "/v2.0");
                    setIfAbsent(oidc, "authorization_endpoint", base + "/oauth2/v2.0/authorize");
                    setIfAbsent(oidc, "token_endpoint", base + "/oauth2/v2.0/token");
                    setIfAbsent(oidc, "jwks_uri", base + "/discovery/v2.0/keys");
                    setIfAbsent(oidc, "userinfo_endpoint", "https://graph.microsoft.com/oidc/userinfo");
                    setIfAbsent(oidc, "end_session_endpoint", base + "/oauth2/v2.0/logout");
                }
                setIfAbsent(oidc, "scopes", "openid email profile");
            }
            case GITHUB -> {
                // GitHub speaks OAuth 2.0 only: no ID token; the user comes from its API
                setIfAbsent(oidc, "issuer", "https://github.com");
                setIfAbsent(oidc, "authorization_endpoint", "https://github.com/login/oauth/authorize");
                setIfAbsent(oidc, "token_endpoint", "https://github.com/login/oauth/access_token");
                setIfAbsent(oidc, "userinfo_endpoint", "https://api.github.com/user");
                setIfAbsent(oidc, "scopes", "read:user user:email");
                setIfAbsent(oidc, "token_endpoint_auth_method", "client_secret_post");
            }
            case AUTH0 -> {
                // Auth0's issuer carries a trailing slash; without it every ID token fails the iss check
                JsonNode issuer = oidc.get("issuer");
                if (issuer != null && issuer.isString() && issuer.stringValue().matches("^https://[^/]+\\.auth0\\.com$")) {
                    oidc.put("issuer", issuer.stringValue() + "/");
                }
            }
            case JUMPCLOUD -> setIfAbsent(oidc, "issuer", "https://oauth.id.jumpcloud.com/");
            case OKTA, PING_IDENTITY, ONELOGIN, ADFS, KEYCLOAK, CUSTOM_OIDC, CUSTOM_SAML -> {
            }
        }
    }

    private static String text(ObjectNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.stringValue() : fallback;
    }

    private static void setIfAbsent(ObjectNode node, String field, Object value) {
        if (node.has(field)) {
            return;
        }
        switch (value) {
            case Boolean b -> node.put(field, b);
            case String s -> node.put(field, s);
            default -> throw new IllegalArgumentException("unsupported preset value");
        }
    }
}
