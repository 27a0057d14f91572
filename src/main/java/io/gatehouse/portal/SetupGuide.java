package io.gatehouse.portal;

import io.gatehouse.idp.Protocol;
import io.gatehouse.pages.Text;
import java.util.List;
import java.util.Optional;

/**
 * What an IT admin does in one product's console to connect it to Gatehouse over one protocol, in the
 * product's own words (its menu names, its field labels).
 *
 * @param steps        the steps in the product's console, in order; they refer to the values to copy by the
 *                     names the portal shows them under (ACS URL, Entity ID, Redirect URI...)
 * @param claims       the attributes (SAML) or claims (OIDC) to send
 * @param nameIdFormat SAML: the NameID format to choose, in the product's terms
 * @param idpSide      where the admin finds what Gatehouse needs back: the metadata (SAML) or the issuer,
 *                     client id and secret (OIDC)
 */
public record SetupGuide(SetupProduct product, Protocol protocol, List<Text> steps, List<ClaimToSend> claims,
                         Optional<Text> nameIdFormat, Text idpSide) {

    public SetupGuide {
        steps = List.copyOf(steps);
        claims = List.copyOf(claims);
    }

    /**
     * One attribute or claim the IdP should send.
     *
     * @param meaning      what it carries ("Email address")
     * @param name         the name to send it under, as Gatehouse reads it without a mapper
     * @param productValue the product's expression for the value (Okta's {@code user.email}), where it has one
     * @param required     whether sign-in fails without it
     */
    public record ClaimToSend(Text meaning, String name, Optional<String> productValue, boolean required) {
    }

    /** The guide for a product and one of its protocols. */
    public static SetupGuide of(SetupProduct product, Protocol protocol) {
        if (!product.supports(protocol)) {
            throw new IllegalArgumentException(product.wireName() + " is not offered over " + protocol.wireName());
        }
        return SetupGuides.guide(product, protocol);
    }
}
