package io.gatehouse.portal;

import io.gatehouse.idp.KnownProvider;
import io.gatehouse.idp.Protocol;
import io.gatehouse.idp.WireEnum;
import io.gatehouse.pages.Text;
import java.util.List;

/**
 * The identity-provider products the setup portal guides an IT admin through, each with the preset
 * ({@code known_provider}) it gives the provider and the protocols it speaks, the recommended first.
 */
public enum SetupProduct implements WireEnum {
    OKTA("okta", KnownProvider.OKTA, List.of(Protocol.SAML, Protocol.OIDC)),
    ENTRA_ID("entra_id", KnownProvider.ENTRA_ID, List.of(Protocol.SAML, Protocol.OIDC)),
    GOOGLE_WORKSPACE("google", KnownProvider.GOOGLE, List.of(Protocol.SAML)),
    ADFS("adfs", KnownProvider.ADFS, List.of(Protocol.SAML)),
    ONELOGIN("onelogin", KnownProvider.ONELOGIN, List.of(Protocol.SAML, Protocol.OIDC)),
    JUMPCLOUD("jumpcloud", KnownProvider.JUMPCLOUD, List.of(Protocol.SAML, Protocol.OIDC)),
    PING_IDENTITY("ping_identity", KnownProvider.PING_IDENTITY, List.of(Protocol.SAML, Protocol.OIDC)),
    KEYCLOAK("keycloak", KnownProvider.KEYCLOAK, List.of(Protocol.SAML, Protocol.OIDC)),
    GENERIC_SAML("custom_saml", KnownProvider.CUSTOM_SAML, List.of(Protocol.SAML)),
    GENERIC_OIDC("custom_oidc", KnownProvider.CUSTOM_OIDC, List.of(Protocol.OIDC));

    private final String wireName;
    private final KnownProvider knownProvider;
    private final List<Protocol> protocols;

    SetupProduct(String wireName, KnownProvider knownProvider, List<Protocol> protocols) {
        this.wireName = wireName;
        this.knownProvider = knownProvider;
        this.protocols = protocols;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public KnownProvider knownProvider() {
        return knownProvider;
    }

    /** The protocols the portal offers for this product, the recommended one first. */
    public List<Protocol> protocols() {
        return protocols;
    }

    public boolean supports(Protocol protocol) {
        return protocols.contains(protocol);
    }

    /** The product's name as people know it. */
    public Text title() {
        return Text.of("product." + wireName);
    }

    /** The product whose preset a provider has, if the portal knows it. */
    public static java.util.Optional<SetupProduct> of(KnownProvider known) {
        return java.util.Arrays.stream(values()).filter(p -> p.knownProvider == known).findFirst();
    }
}
