package io.gatehouse.portal;

import io.gatehouse.idp.Protocol;
import io.gatehouse.pages.Text;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The guides' content: how many steps each product's guide has (their texts are in the {@code guides}
 * bundles) and the attributes or claims to send, under names Gatehouse reads without a mapper (see
 * {@code io.gatehouse.mapping.ProfileMapper}).
 */
final class SetupGuides {
    private static final String WS_CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";

    private SetupGuides() {
    }

    /** One guide's content: its number of steps and the claims to send. */
    private record Content(int steps, List<SetupGuide.ClaimToSend> claims) {
    }

    static SetupGuide guide(SetupProduct product, Protocol protocol) {
        Content content = switch (protocol) {
            case SAML -> saml(product);
            case OIDC -> oidc(product);
        };
        String prefix = "guide." + product.wireName() + "." + protocol.wireName();
        List<Text> steps = IntStream.rangeClosed(1, content.steps()).mapToObj(n -> Text.of(prefix + "." + n)).toList();
        Optional<Text> nameIdFormat = protocol == Protocol.SAML
                ? Optional.of(Text.of("nameid." + product.wireName())) : Optional.empty();
        return new SetupGuide(product, protocol, steps, content.claims(), nameIdFormat, Text.of(prefix + ".idp_side"));
    }

    private static Content saml(SetupProduct product) {
        return switch (product) {
            case OKTA -> new Content(6, claims("email", "user.email", "firstName", "user.firstName", "lastName",
                    "user.lastName", "groups", "Matches regex .*"));
            // Entra ID's default claims carry the WS-Federation claim URIs, which Gatehouse reads as they are
            case ENTRA_ID -> new Content(6, claims(WS_CLAIMS + "emailaddress", "user.mail", WS_CLAIMS + "givenname",
                    "user.givenname", WS_CLAIMS + "surname", "user.surname",
                    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", "Groups assigned to the application"));
            case GOOGLE_WORKSPACE -> new Content(7, claims("email", "Primary email", "firstName", "First name",
                    "lastName", "Last name", "groups", "Group membership"));
            case ADFS -> new Content(6, claims(WS_CLAIMS + "emailaddress", "E-Mail-Addresses", WS_CLAIMS + "givenname",
                    "Given-Name", WS_CLAIMS + "surname", "Surname", "http://schemas.xmlsoap.org/claims/Group",
                    "Token-Groups - Unqualified Names"));
            case ONELOGIN -> new Content(5, claims("email", "Email", "givenName", "First Name", "surname", "Last Name",
                    "groups", "User Roles"));
            case JUMPCLOUD -> new Content(5, claims("email", "email", "firstName", "firstname", "lastName", "lastname",
                    "groups", "Include group attribute"));
            case PING_IDENTITY -> new Content(5, claims("email", "Email Address", "firstName", "Given Name", "lastName",
                    "Family Name", "groups", "Group Names"));
            case KEYCLOAK -> new Content(6, claims("email", "User Property: email", "givenName",
                    "User Property: firstName", "surname", "User Property: lastName", "groups", "Group list"));
            case GENERIC_SAML -> new Content(5, claims("email", null, "givenName", null, "surname", null, "groups", null));
            case GENERIC_OIDC -> throw offers(product, Protocol.SAML);
        };
    }

    private static Content oidc(SetupProduct product) {
        return switch (product) {
            case OKTA -> new Content(4, oidcClaims("Groups claim filter: Matches regex .*"));
            case ENTRA_ID -> new Content(5, oidcClaims("Add groups claim"));
            case ONELOGIN -> new Content(5, oidcClaims("Parameters: Groups"));
            case JUMPCLOUD -> new Content(4, oidcClaims("Include group attribute"));
            case PING_IDENTITY -> new Content(5, oidcClaims("Group Names"));
            case KEYCLOAK -> new Content(4, oidcClaims("Group Membership"));
            case GENERIC_OIDC -> new Content(5, oidcClaims(null));
            case GOOGLE_WORKSPACE, ADFS, GENERIC_SAML -> throw offers(product, Protocol.OIDC);
        };
    }

    /** The standard claims of the scopes email and profile, and groups as the product sends them. */
    private static List<SetupGuide.ClaimToSend> oidcClaims(String groupsValue) {
        return claims("email", null, "given_name", null, "family_name", null, "groups", groupsValue);
    }

    /** Email (required), first name, last name and groups: each a name and the product's value for it, or null. */
    private static List<SetupGuide.ClaimToSend> claims(String email, String emailValue, String givenName,
                                                       String givenNameValue, String familyName,
                                                       String familyNameValue, String groups, String groupsValue) {
        return List.of(
                new SetupGuide.ClaimToSend(Text.of("claim.email"), email, Optional.ofNullable(emailValue), true),
                new SetupGuide.ClaimToSend(Text.of("claim.given_name"), givenName, Optional.ofNullable(givenNameValue),
                        false),
                new SetupGuide.ClaimToSend(Text.of("claim.family_name"), familyName,
                        Optional.ofNullable(familyNameValue), false),
                new SetupGuide.ClaimToSend(Text.of("claim.groups"), groups, Optional.ofNullable(groupsValue), false));
    }

    private static IllegalArgumentException offers(SetupProduct product, Protocol protocol) {
        return new IllegalArgumentException(product.wireName() + " is not offered over " + protocol.wireName());
    }
}
