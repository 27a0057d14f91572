package io.gatehouse.mapping;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.Mapper;
import io.gatehouse.signin.BrokeredIdentity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies an identity provider's mappers to a signed-in identity: first the defaults (the
 * identity's own fields, else the usual claim and attribute names of OIDC, SAML, ADFS and Entra
 * ID), then the mappers; where several mappers set one field, the highest priority wins and on a
 * tie the first in the list. No mapper sets whether the email is verified: that is the IdP's word
 * on its own address, weighed by provisioning. Pure: no I/O, same input, same profile.
 */
public final class ProfileMapper {
    static final String CUSTOM_PREFIX = "custom.";
    private static final String MS_CLAIMS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/";
    private static final String WS_CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";

    // names are matched without regard to case; the first name that has a value wins
    static final List<String> EMAIL = List.of("email", "mail", "emailaddress", WS_CLAIMS + "emailaddress",
            "urn:oid:0.9.2342.19200300.100.1.3", "user.email");
    static final List<String> EMAIL_VERIFIED = List.of("email_verified");
    static final List<String> GIVEN_NAME = List.of("given_name", "givenName", WS_CLAIMS + "givenname", "firstName",
            "first_name", "urn:oid:2.5.4.42", "user.firstName");
    static final List<String> FAMILY_NAME = List.of("family_name", "surname", "sn", WS_CLAIMS + "surname", "lastName",
            "last_name", "urn:oid:2.5.4.4", "user.lastName");
    static final List<String> DISPLAY_NAME = List.of("name", "displayName", "display_name",
            "http://schemas.microsoft.com/identity/claims/displayname", "urn:oid:2.16.840.1.113730.3.1.241");
    // Entra ID's ".../claims/name" is the UPN, so it only names the user when nothing better does
    static final List<String> FALLBACK_NAME = List.of(WS_CLAIMS + "name", "cn", "urn:oid:2.5.4.3");
    static final List<String> USERNAME = List.of("preferred_username", "username", "uid", "login", "upn",
            WS_CLAIMS + "upn", "sAMAccountName", "urn:oid:0.9.2342.19200300.100.1.1", WS_CLAIMS + "name");
    static final List<String> GROUPS = List.of("groups", MS_CLAIMS + "groups", "memberOf", "isMemberOf",
            "http://schemas.xmlsoap.org/claims/Group", "urn:oid:1.3.6.1.4.1.5923.1.5.1.1");
    /** Entra ID's SAML overage attribute: a Graph link instead of the groups. */
    static final String SAML_GROUPS_LINK = "http://schemas.microsoft.com/claims/groups.link";

    private ProfileMapper() {
    }

    /**
     * The attribute names (lower case) of which the profile takes one value: the defaults of the
     * single-valued fields and the sources of attribute mappers into them. Groups, roles and teams
     * read every value, so an attribute that an IdP splits over several elements is still one list.
     */
    public static Set<String> singleValueSources(List<Mapper> mappers) {
        Set<String> out = new LinkedHashSet<>();
        for (List<String> names : List.of(EMAIL, EMAIL_VERIFIED, GIVEN_NAME, FAMILY_NAME, DISPLAY_NAME, FALLBACK_NAME,
                USERNAME)) {
            names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        }
        for (Mapper m : mappers) {
            if (m.type() == Mapper.MapperType.ATTRIBUTE && !m.target().equals("groups")) {
                m.source().ifPresent(s -> out.add(s.toLowerCase(Locale.ROOT)));
            }
        }
        return Set.copyOf(out);
    }

    /** The attribute names (lower case) the profile may take the email from: the defaults and email mappers' sources. */
    public static Set<String> emailSources(List<Mapper> mappers) {
        Set<String> out = new LinkedHashSet<>();
        EMAIL.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        for (Mapper m : mappers) {
            if (m.type() == Mapper.MapperType.ATTRIBUTE && m.target().equals("email")) {
                m.source().ifPresent(s -> out.add(s.toLowerCase(Locale.ROOT)));
            }
        }
        return Set.copyOf(out);
    }

    public static NormalizedProfile map(IdentityProvider idp, BrokeredIdentity identity) {
        return map(idp.mappers(), identity);
    }

    public static NormalizedProfile map(List<Mapper> mappers, BrokeredIdentity identity) {
        Map<String, List<String>> raw = identity.rawAttributes();
        Fields f = defaults(identity, raw);
        Optional<String> assertedEmail = f.email.map(String::strip);
        Map<String, Candidate> winners = new LinkedHashMap<>();
        for (int i = 0; i < mappers.size(); i++) {
            Mapper m = mappers.get(i);
            List<String> values = valuesOf(m, raw, f);
            if (values.isEmpty()) {
                continue;
            }
            Candidate c = new Candidate(m.priority(), values);
            // strictly higher only: on equal priority the earlier mapper keeps the field
            winners.merge(m.target(), c, (old, now) -> now.priority() > old.priority() ? now : old);
        }
        winners.forEach((target, c) -> f.set(target, c.values()));
        // the IdP's word on verification is about the address it asserted, not one a mapper put in its place
        Optional<Boolean> verifiedByIdp = f.email.map(String::strip).equals(assertedEmail) ? f.emailVerifiedByIdp
                : Optional.empty();
        return new NormalizedProfile(f.email, verifiedByIdp, f.givenName, f.familyName, f.name, f.username,
                f.groups, f.groupsOverage, f.role, f.team, f.custom, raw);
    }

    /** One mapper's proposal for its target: its values (all of them for groups, else the first). */
    private record Candidate(int priority, List<String> values) {
    }

    private static List<String> valuesOf(Mapper m, Map<String, List<String>> raw, Fields f) {
        return switch (m.type()) {
            case ATTRIBUTE -> {
                List<String> asserted = m.source().map(s -> source(raw, s, f)).orElse(List.of());
                yield m.target().equals("groups") ? asserted : asserted.stream().limit(1).toList();
            }
            case ROLE, TEAM -> {
                List<String> asserted = m.source().map(s -> source(raw, s, f)).orElse(List.of());
                Optional<String> mapped = throughValueMap(asserted, m.valueMap());
                if (mapped.isPresent()) {
                    yield List.of(mapped.get());
                }
                yield asserted.isEmpty() ? List.of() : m.value().map(List::of).orElse(List.of());
            }
            case HARDCODED -> m.value().map(List::of).orElse(List.of());
        };
    }

    /**
     * The first asserted value the map knows, in the IdP's order. Keys match regardless of case:
     * directory group names and Entra ID's object ids are case-insensitive.
     */
    private static Optional<String> throughValueMap(List<String> asserted, Map<String, String> valueMap) {
        for (String value : asserted) {
            String exact = valueMap.get(value);
            if (exact != null) {
                return Optional.of(exact);
            }
            for (Map.Entry<String, String> e : valueMap.entrySet()) {
                if (e.getKey().equalsIgnoreCase(value)) {
                    return Optional.of(e.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A mapper's source: an attribute or claim as asserted, else, when it names a profile field
     * ({@code groups}, {@code email}...), that field's default, so a mapper reading "groups" works
     * whatever URI the IdP put them under.
     */
    private static List<String> source(Map<String, List<String>> raw, String name, Fields f) {
        List<String> asserted = attribute(raw, name);
        if (!asserted.isEmpty()) {
            return asserted;
        }
        return switch (name) {
            case "email" -> f.email.map(List::of).orElse(List.of());
            case "email_verified" -> List.of(Boolean.toString(f.emailVerifiedByIdp.orElse(false)));
            case "given_name" -> f.givenName.map(List::of).orElse(List.of());
            case "family_name" -> f.familyName.map(List::of).orElse(List.of());
            case "name" -> f.name.map(List::of).orElse(List.of());
            case "username" -> f.username.map(List::of).orElse(List.of());
            case "groups" -> f.groups;
            default -> List.of();
        };
    }

    /** The non-blank values of an attribute: the exact name first, else the name in another case. */
    static List<String> attribute(Map<String, List<String>> raw, String name) {
        List<String> exact = raw.get(name);
        if (exact != null && exact.stream().anyMatch(v -> !v.isBlank())) {
            return exact.stream().filter(v -> !v.isBlank()).toList();
        }
        for (Map.Entry<String, List<String>> e : raw.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && e.getValue().stream().anyMatch(v -> !v.isBlank())) {
                return e.getValue().stream().filter(v -> !v.isBlank()).toList();
            }
        }
        return List.of();
    }

    private static Optional<String> first(Map<String, List<String>> raw, List<String> names) {
        for (String name : names) {
            List<String> values = attribute(raw, name);
            if (!values.isEmpty()) {
                return Optional.of(values.getFirst());
            }
        }
        return Optional.empty();
    }

    private static Fields defaults(BrokeredIdentity identity, Map<String, List<String>> raw) {
        Fields f = new Fields();
        f.email = identity.email().filter(v -> !v.isBlank()).or(() -> first(raw, EMAIL));
        f.emailVerifiedByIdp = identity.emailVerified()
                .or(() -> first(raw, EMAIL_VERIFIED).map(ProfileMapper::truthy));
        f.givenName = identity.givenName().filter(v -> !v.isBlank()).or(() -> first(raw, GIVEN_NAME));
        f.familyName = identity.familyName().filter(v -> !v.isBlank()).or(() -> first(raw, FAMILY_NAME));
        f.name = identity.name().filter(v -> !v.isBlank()).or(() -> first(raw, DISPLAY_NAME)).or(() -> {
            String joined = (f.givenName.orElse("") + " " + f.familyName.orElse("")).strip();
            return joined.isEmpty() ? Optional.empty() : Optional.of(joined);
        }).or(() -> first(raw, FALLBACK_NAME));
        f.username = first(raw, USERNAME);
        if (!identity.groups().isEmpty()) {
            f.groups = identity.groups();
        } else {
            Set<String> all = new LinkedHashSet<>();
            GROUPS.forEach(n -> all.addAll(attribute(raw, n)));
            f.groups = List.copyOf(all);
        }
        f.groupsOverage = groupsOverage(raw);
        return f;
    }

    /**
     * Entra ID leaves the groups out when a user has too many (over 150 in SAML, 200 in a JWT) and
     * points at Microsoft Graph instead: in OIDC through {@code _claim_names} / {@code _claim_sources}
     * (or {@code hasgroups} in the implicit flow), in SAML through the groups.link attribute.
     */
    static boolean groupsOverage(Map<String, List<String>> raw) {
        if (!attribute(raw, SAML_GROUPS_LINK).isEmpty() || attribute(raw, "hasgroups").stream().anyMatch(ProfileMapper::truthy)) {
            return true;
        }
        for (Map.Entry<String, List<String>> e : raw.entrySet()) {
            String key = e.getKey();
            // the claim is a JSON object: a flattened form names groups in the key, a whole one in its text
            if (key.equalsIgnoreCase("_claim_names.groups") || key.equalsIgnoreCase("_claim_names/groups")) {
                return true;
            }
            if (key.equalsIgnoreCase("_claim_names")
                    && e.getValue().stream().anyMatch(v -> v.equals("groups") || v.contains("\"groups\""))) {
                return true;
            }
        }
        return false;
    }

    static boolean truthy(String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        return s.equals("true") || s.equals("1") || s.equals("yes");
    }

    /** The profile being built: the defaults, then the mappers' winners. */
    private static final class Fields {
        Optional<String> email = Optional.empty();
        Optional<Boolean> emailVerifiedByIdp = Optional.empty();
        Optional<String> givenName = Optional.empty();
        Optional<String> familyName = Optional.empty();
        Optional<String> name = Optional.empty();
        Optional<String> username = Optional.empty();
        List<String> groups = List.of();
        boolean groupsOverage;
        Optional<String> role = Optional.empty();
        Optional<String> team = Optional.empty();
        final Map<String, String> custom = new LinkedHashMap<>();

        void set(String target, List<String> values) {
            Optional<String> first = values.stream().findFirst();
            switch (target) {
                case "email" -> email = first;
                case "email_verified" -> {
                    // a mapper cannot make an address verified: a hardcoded "true" would let an org's admin
                    // vouch for any address (the provider's response shows a warning for such a mapper)
                }
                case "given_name" -> givenName = first;
                case "family_name" -> familyName = first;
                case "name" -> name = first;
                case "username" -> username = first;
                case "groups" -> groups = new ArrayList<>(values);
                case "role" -> role = first;
                case "team" -> team = first;
                default -> {
                    // the reader allows only the fields above and custom.<name>
                    if (target.startsWith(CUSTOM_PREFIX)) {
                        first.ifPresent(v -> custom.put(target.substring(CUSTOM_PREFIX.length()), v));
                    }
                }
            }
        }
    }
}
