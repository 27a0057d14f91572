package io.gatehouse.idp;




/** The protocol half of an identity provider's configuration. */
public sealed interface ProtocolSettings permits SamlSettings, OidcSettings {
    Protocol protocol();
}
