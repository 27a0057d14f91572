package io.gatehouse.idp.oidc;

import io.gatehouse.idp.WireEnum;

/** How Gatehouse authenticates to the IdP's token endpoint. */
public enum TokenEndpointAuthMethod implements WireEnum {
    CLIENT_SECRET_BASIC("client_secret_basic", true),
    CLIENT_SECRET_POST("client_secret_post", true),
    CLIENT_SECRET_JWT("client_secret_jwt", true),
    PRIVATE_KEY_JWT("private_key_jwt", false),
    TLS_CLIENT_AUTH("tls_client_auth", false),
    SELF_SIGNED_TLS_CLIENT_AUTH("self_signed_tls_client_auth", false),
    NONE("none", false);

    private final String wireName;
    private final boolean usesClientSecret;

    TokenEndpointAuthMethod(String wireName, boolean usesClientSecret) {
        this.wireName = wireName;
        this.usesClientSecret = usesClientSecret;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public boolean usesClientSecret() {
        return usesClientSecret;
    }

    public boolean usesTlsClientCertificate() {
        return this == TLS_CLIENT_AUTH || this == SELF_SIGNED_TLS_CLIENT_AUTH;
    }
}
