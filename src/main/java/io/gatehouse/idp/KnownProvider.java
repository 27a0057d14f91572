package io.gatehouse.idp;

import java.util.EnumSet;
import java.util.Set;

/** Identity-provider products whose defaults and quirks Gatehouse knows. */
public enum KnownProvider implements WireEnum {
    OKTA("okta", EnumSet.allOf(Protocol.class)),
    ENTRA_ID("entra_id", EnumSet.allOf(Protocol.class)),
    AUTH0("auth0", EnumSet.allOf(Protocol.class)),
    GOOGLE("google", EnumSet.allOf(Protocol.class)),
    GITHUB("github", EnumSet.of(Protocol.OIDC)),
    PING_IDENTITY("ping_identity", EnumSet.allOf(Protocol.class)),
    ONELOGIN("onelogin", EnumSet.allOf(Protocol.class)),
    ADFS("adfs", EnumSet.allOf(Protocol.class)),
    JUMPCLOUD("jumpcloud", EnumSet.allOf(Protocol.class)),
    KEYCLOAK("keycloak", EnumSet.allOf(Protocol.class)),
    CUSTOM_OIDC("custom_oidc", EnumSet.of(Protocol.OIDC)),
    CUSTOM_SAML("custom_saml", EnumSet.of(Protocol.SAML));

    private final String wireName;
    private final Set<Protocol> protocols;

    KnownProvider(String wireName, Set<Protocol> protocols) {
        this.wireName = wireName;
        this.protocols = protocols;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public boolean supports(Protocol protocol) {
        return protocols.contains(protocol);
    }
}
