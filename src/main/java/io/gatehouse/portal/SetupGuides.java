package io.gatehouse.portal;

import io.gatehouse.idp.Protocol;
import io.gatehouse.pages.Text;
import java.util.List;
import java.util.Optional;

/** The guides' content: each product's steps, in the {@code guides} bundles. */
final class SetupGuides {
    private SetupGuides() {
    }

    static SetupGuide guide(SetupProduct product, Protocol protocol) {
        String prefix = "guide." + product.wireName() + "." + protocol.wireName();
        List<SetupGuide.ClaimToSend> claims = protocol == Protocol.SAML
                ? List.of(new SetupGuide.ClaimToSend(Text.of("claim.email"), "email", Optional.empty(), true),
                        new SetupGuide.ClaimToSend(Text.of("claim.given_name"), "givenName", Optional.empty(), false),
                        new SetupGuide.ClaimToSend(Text.of("claim.family_name"), "surname", Optional.empty(), false),
                        new SetupGuide.ClaimToSend(Text.of("claim.groups"), "groups", Optional.empty(), false))
                : List.of(new SetupGuide.ClaimToSend(Text.of("claim.email"), "email", Optional.empty(), true),
                        new SetupGuide.ClaimToSend(Text.of("claim.given_name"), "given_name", Optional.empty(), false),
                        new SetupGuide.ClaimToSend(Text.of("claim.family_name"), "family_name", Optional.empty(), false),
                        new SetupGuide.ClaimToSend(Text.of("claim.groups"), "groups", Optional.empty(), false));
        return new SetupGuide(product, protocol, List.of(Text.of(prefix + ".1")), claims,
                protocol == Protocol.SAML ? Optional.of(Text.of("nameid.email")) : Optional.empty(),
                Text.of(prefix + ".idp_side"));
    }
}
