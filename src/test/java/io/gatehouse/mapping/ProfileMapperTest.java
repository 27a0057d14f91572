package io.gatehouse.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.idp.Mapper;
import io.gatehouse.idp.Mapper.MapperType;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.testkit.TestIdentities;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Defaults, each mapper type, priorities, the usual claim URIs, and Entra ID's group overage. */
class ProfileMapperTest {
    private static final String WS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    private static final String MS_GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups";

    private static Mapper attribute(String name, String source, String target) {
        return new Mapper(name, MapperType.ATTRIBUTE, Optional.of(source), target, Map.of(), Optional.empty(), 0);
    }

    private static Mapper role(String name, String source, Map<String, String> valueMap, int priority) {
        return new Mapper(name, MapperType.ROLE, Optional.of(source), "role", valueMap, Optional.empty(), priority);
    }

    private static Mapper hardcoded(String name, String target, String value, int priority) {
        return new Mapper(name, MapperType.HARDCODED, Optional.empty(), target, Map.of(), Optional.of(value), priority);
    }

    private static NormalizedProfile map(BrokeredIdentity identity, Mapper... mappers) {
        return ProfileMapper.map(List.of(mappers), identity);
    }

    @Test
    void withoutMappersTheIdentitysOwnFieldsAreTheProfile() {
        BrokeredIdentity identity = TestIdentities.oidc("sub-1").email("ada@example.com").emailVerified(true)
                .givenName("Ada").familyName("Lovelace").name("Ada Lovelace").groups("eng", "admins")
                .attribute("email", "ada@example.com").attribute("locale", "en-GB").build();
        NormalizedProfile p = map(identity);
        assertThat(p.email()).contains("ada@example.com");
        assertThat(p.emailVerifiedByIdp()).contains(true);
        assertThat(p.givenName()).contains("Ada");
        assertThat(p.familyName()).contains("Lovelace");
        assertThat(p.name()).contains("Ada Lovelace");
        assertThat(p.groups()).containsExactly("eng", "admins");
        assertThat(p.groupsOverage()).isFalse();
        assertThat(p.role()).isEmpty();
        assertThat(p.team()).isEmpty();
        assertThat(p.custom()).isEmpty();
        assertThat(p.rawAttributes()).containsEntry("locale", List.of("en-GB")).hasSize(2);
    }

    @Test
    void theIdentitysOwnFieldsWinOverRawAttributes() {
        BrokeredIdentity identity = TestIdentities.saml("n").email("own@example.com")
                .attribute(WS + "emailaddress", "raw@example.com").attribute("groups", "raw-group")
                .groups("own-group").build();
        NormalizedProfile p = map(identity);
        assertThat(p.email()).contains("own@example.com");
        assertThat(p.groups()).containsExactly("own-group");
    }

    @Test
    void wsFederationAndMicrosoftClaimUrisAreRecognized() {
        BrokeredIdentity identity = TestIdentities.saml("n")
                .attribute(WS + "emailaddress", "grace@example.com")
                .attribute(WS + "givenname", "Grace")
                .attribute(WS + "surname", "Hopper")
                .attribute("http://schemas.microsoft.com/identity/claims/displayname", "Rear Admiral Hopper")
                .attribute(WS + "name", "grace@contoso.onmicrosoft.com")
                .attribute(MS_GROUPS, "0b5f6c2e-1111-2222-3333-444455556666", "7d1e0a3b-aaaa-bbbb-cccc-ddddeeeeffff")
                .build();
        NormalizedProfile p = map(identity);
        assertThat(p.email()).contains("grace@example.com");
        assertThat(p.givenName()).contains("Grace");
        assertThat(p.familyName()).contains("Hopper");
        assertThat(p.name()).contains("Rear Admiral Hopper");
        // Entra ID's .../claims/name is the UPN: a user name, not a display name
        assertThat(p.username()).contains("grace@contoso.onmicrosoft.com");
        assertThat(p.groups()).containsExactly("0b5f6c2e-1111-2222-3333-444455556666",
                "7d1e0a3b-aaaa-bbbb-cccc-ddddeeeeffff");
        assertThat(p.emailVerifiedByIdp()).isEmpty();
    }

    @Test
    void directoryAttributeNamesAreRecognizedInAnyCase() {
        BrokeredIdentity identity = TestIdentities.saml("n")
                .attribute("MAIL", "linus@example.com").attribute("givenName", "Linus").attribute("sn", "T")
                .attribute("memberOf", "cn=eng,dc=example,dc=com", "cn=ops,dc=example,dc=com")
                .attribute("groups", "cn=eng,dc=example,dc=com", "kernel")
                .attribute("uid", "linus").build();
        NormalizedProfile p = map(identity);
        assertThat(p.email()).contains("linus@example.com");
        // no display name asserted: the given and family names make one
        assertThat(p.name()).contains("Linus T");
        assertThat(p.username()).contains("linus");
        // every group attribute counts, each group once
        assertThat(p.groups()).containsExactly("cn=eng,dc=example,dc=com", "kernel", "cn=ops,dc=example,dc=com");
    }

    @Test
    void theUpnClaimNamesTheUserOnlyWhenNothingBetterDoes() {
        NormalizedProfile p = map(TestIdentities.saml("n").attribute(WS + "name", "x@contoso.com").build());
        assertThat(p.name()).contains("x@contoso.com");
        NormalizedProfile q = map(TestIdentities.oidc("s").attribute("name", "Xavier").attribute(WS + "name",
                "x@contoso.com").build());
        assertThat(q.name()).contains("Xavier");
    }

    @Test
    void theIdpsWordOnVerificationIsReadFromTheClaimAndHoldsOnlyForTheAddressItWasSaidOf() {
        assertThat(map(TestIdentities.oidc("s").email("a@example.com").attribute("email_verified", "true").build())
                .emailVerifiedByIdp()).contains(true);
        assertThat(map(TestIdentities.oidc("s").email("a@example.com").attribute("email_verified", "false").build())
                .emailVerifiedByIdp()).contains(false);
        assertThat(map(TestIdentities.saml("n").email("a@example.com").build()).emailVerifiedByIdp()).isEmpty();
        // no address, nothing verified
        assertThat(map(TestIdentities.oidc("s").emailVerified(true).build()).emailVerifiedByIdp()).isEmpty();
        // a mapper that takes the address from elsewhere leaves the IdP's word behind
        BrokeredIdentity identity = TestIdentities.oidc("s").email("a@example.com").emailVerified(true)
                .attribute("upn", "boss@example.org").build();
        Mapper fromUpn = new Mapper("upn", MapperType.ATTRIBUTE, Optional.of("upn"), "email", Map.of(),
                Optional.empty(), 0);
        NormalizedProfile p = map(identity, fromUpn);
        assertThat(p.email()).contains("boss@example.org");
        assertThat(p.emailVerifiedByIdp()).isEmpty();
        // the twin: a mapper that reads the same address keeps it
        Mapper same = new Mapper("mail", MapperType.ATTRIBUTE, Optional.of("email"), "email", Map.of(),
                Optional.empty(), 0);
        assertThat(map(identity, same).emailVerifiedByIdp()).contains(true);
    }

    @Test
    void anAttributeMapperCopiesTheFirstValueOrEveryValueForGroups() {
        BrokeredIdentity identity = TestIdentities.saml("n").email("a@example.com")
                .attribute("department", "R&D", "Legal").attribute("mailAlias", "alias@example.com")
                .attribute("teams", "red", "blue").attribute("groups", "ignored-by-mapper").build();
        NormalizedProfile p = map(identity, attribute("dept", "department", "custom.department"),
                attribute("mail", "mailAlias", "email"), attribute("grp", "teams", "groups"),
                attribute("missing", "costCenter", "custom.cost_center"),
                attribute("absent-email", "notAsserted", "given_name"));
        assertThat(p.custom()).containsExactly(Map.entry("department", "R&D"));
        assertThat(p.email()).contains("alias@example.com");
        assertThat(p.groups()).containsExactly("red", "blue");
        // a mapper whose source is not asserted leaves the field as it was
        assertThat(p.givenName()).isEmpty();
    }

    @Test
    void aSourceNamingAProfileFieldReadsItsDefault() {
        BrokeredIdentity identity = TestIdentities.saml("n").attribute(MS_GROUPS, "Admins").build();
        NormalizedProfile p = map(identity, role("admins", "groups", Map.of("admins", "admin"), 0),
                attribute("copy", "groups", "custom.first_group"));
        assertThat(p.role()).contains("admin");
        assertThat(p.custom()).containsEntry("first_group", "Admins");
    }

    @Test
    void aRoleMapperMapsAssertedValuesThroughItsValueMap() {
        BrokeredIdentity identity = TestIdentities.oidc("s").attribute("groups", "eng", "ADMINS").build();
        // group names match regardless of case
        assertThat(map(identity, role("r", "groups", Map.of("admins", "admin", "eng", "member"), 0)).role())
                .as("the first asserted value the map knows").contains("member");
        assertThat(map(identity, role("r", "groups", Map.of("admins", "admin"), 0)).role()).contains("admin");
        assertThat(map(identity, role("r", "groups", Map.of("sales", "seller"), 0)).role()).isEmpty();
    }

    @Test
    void aMapperValueAppliesWhenTheSourceIsAssertedWithAnyValue() {
        Mapper anyContractor = new Mapper("c", MapperType.ROLE, Optional.of("contractor"), "role", Map.of(),
                Optional.of("guest"), 0);
        Mapper mappedOrFallback = new Mapper("m", MapperType.ROLE, Optional.of("groups"), "role",
                Map.of("admins", "admin"), Optional.of("member"), 0);
        assertThat(map(TestIdentities.oidc("s").attribute("contractor", "acme-staffing").build(), anyContractor).role())
                .contains("guest");
        assertThat(map(TestIdentities.oidc("s").build(), anyContractor).role()).isEmpty();
        assertThat(map(TestIdentities.oidc("s").attribute("groups", "admins").build(), mappedOrFallback).role())
                .contains("admin");
        assertThat(map(TestIdentities.oidc("s").attribute("groups", "eng").build(), mappedOrFallback).role())
                .contains("member");
        assertThat(map(TestIdentities.oidc("s").build(), mappedOrFallback).role()).isEmpty();
    }

    @Test
    void aTeamMapperSetsTheTeam() {
        Mapper team = new Mapper("t", MapperType.TEAM, Optional.of("department"), "team",
                Map.of("R&D", "engineering", "Sales", "go-to-market"), Optional.empty(), 0);
        assertThat(map(TestIdentities.saml("n").attribute("department", "Sales").build(), team).team())
                .contains("go-to-market");
    }

    @Test
    void severalMatchesAreResolvedByPriorityThenByListOrder() {
        BrokeredIdentity identity = TestIdentities.oidc("s").attribute("groups", "eng", "admins").build();
        Mapper member = role("member", "groups", Map.of("eng", "member"), 10);
        Mapper admin = role("admin", "groups", Map.of("admins", "admin"), 20);
        Mapper auditor = role("auditor", "groups", Map.of("admins", "auditor"), 20);
        assertThat(map(identity, member, admin).role()).contains("admin");
        assertThat(map(identity, admin, member).role()).contains("admin");
        // equal priority: the first mapper in the list keeps the field
        assertThat(map(identity, auditor, admin).role()).contains("auditor");
        assertThat(map(identity, admin, auditor).role()).contains("admin");
        // a mapper that does not match takes no part
        assertThat(map(identity, role("sales", "groups", Map.of("sales", "seller"), 99), member).role())
                .contains("member");
    }

    @Test
    void aHardcodedMapperSetsItsValue() {
        BrokeredIdentity identity = TestIdentities.saml("n").attribute("groups", "admins").build();
        NormalizedProfile p = map(identity, hardcoded("verified", "email_verified", "true", 0),
                hardcoded("tier", "custom.tier", "gold", 0), hardcoded("team", "team", "support", 0),
                role("admin", "groups", Map.of("admins", "admin"), 5), hardcoded("everyone", "role", "viewer", 1));
        // ...except on email_verified: a mapper cannot make an address verified
        assertThat(p.emailVerifiedByIdp()).isEmpty();
        BrokeredIdentity unverified = TestIdentities.oidc("s").email("a@example.com").emailVerified(false).build();
        assertThat(map(unverified, hardcoded("verified", "email_verified", "true", 9)).emailVerifiedByIdp())
                .contains(false);
        assertThat(p.custom()).containsEntry("tier", "gold");
        assertThat(p.team()).contains("support");
        assertThat(p.role()).contains("admin");
        assertThat(map(identity, role("admin", "groups", Map.of("admins", "admin"), 0),
                hardcoded("override", "role", "owner", 1)).role()).contains("owner");
    }

    @Test
    void entraGroupOverageInOidcIsFlaggedNotDropped() {
        BrokeredIdentity identity = TestIdentities.oidc("s").email("a@example.com")
                .attribute("_claim_names", "{\"groups\":\"src1\"}")
                .attribute("_claim_sources",
                        "{\"src1\":{\"endpoint\":\"https://graph.windows.net/t/users/u/getMemberObjects\"}}")
                .build();
        NormalizedProfile p = map(identity);
        assertThat(p.groupsOverage()).isTrue();
        assertThat(p.groups()).isEmpty();
        assertThat(map(TestIdentities.oidc("s").attribute("_claim_names.groups", "src1").build()).groupsOverage())
                .isTrue();
        assertThat(map(TestIdentities.oidc("s").attribute("hasgroups", "true").build()).groupsOverage()).isTrue();
        assertThat(map(TestIdentities.oidc("s").attribute("_claim_names", "{\"roles\":\"src1\"}").build())
                .groupsOverage()).isFalse();
    }

    @Test
    void entraGroupOverageInSamlIsFlaggedNotDropped() {
        BrokeredIdentity identity = TestIdentities.saml("n")
                .attribute("http://schemas.microsoft.com/claims/groups.link",
                        "https://graph.windows.net/t/users/u/getMemberObjects")
                .attribute(MS_GROUPS, "partial-group").build();
        NormalizedProfile p = map(identity);
        assertThat(p.groupsOverage()).isTrue();
        assertThat(p.groups()).containsExactly("partial-group");
        assertThat(map(TestIdentities.saml("n").attribute(MS_GROUPS, "g").build()).groupsOverage()).isFalse();
    }

    @Test
    void blankDuplicateAndOversizedValuesAreCleaned() {
        String longName = "x".repeat(NormalizedProfile.MAX_VALUE + 50);
        BrokeredIdentity identity = TestIdentities.oidc("s").email("a".repeat(320) + "@example.com")
                .givenName("  ").name(longName).groups("eng", " eng ", "", "ops").build();
        NormalizedProfile p = map(identity);
        assertThat(p.email()).as("longer than any address").isEmpty();
        assertThat(p.givenName()).isEmpty();
        assertThat(p.name()).hasValueSatisfying(n -> assertThat(n).hasSize(NormalizedProfile.MAX_VALUE));
        assertThat(p.groups()).containsExactly("eng", "ops");
    }
}
