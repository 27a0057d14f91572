package io.gatehouse.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.ProviderView;
import io.gatehouse.provisioning.ProvisioningResult.Provisioned;
import io.gatehouse.provisioning.ProvisioningResult.Refused;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestIdentities;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every provisioning rule, driven as a sign-in would drive it (brokered identities handed to
 * {@link UserProvisioning}), and checked through the users API over real HTTP.
 */
abstract class ProvisioningTests extends ApiTest {
    private static final Instant T0 = Instant.parse("2030-03-01T09:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofHours(1));
    private static final String ROLE_MAPPERS = """
            [{"name": "admins", "type": "role", "source": "groups", "value_map": {"admins": "admin"}, "priority": 10},
             {"name": "eng", "type": "role", "source": "groups", "value_map": {"eng": "member"}, "priority": 5},
             {"name": "dept", "type": "team", "source": "department", "value_map": {"R&D": "engineering"}}]""";

    @Autowired
    UserProvisioning provisioning;
    @Autowired
    ProviderDirectory directory;
    @Autowired
    UserStore store;

    private String org;
    private String key;
    private String domain;

    @BeforeEach
    void org() {
        org = createOrg(uniqueOrgId("prov"));
        key = createKey(org, "org_admin");
        domain = uniqueDomain();
    }

    // --- helpers

    private IdentityProvider idp(String org, String key, String alias, List<String> domains, String provisioning,
                                 String mappers) {
        ObjectNode body = ApiClient.parse("""
                {"alias": "%s", "display_name": "IdP %s", "protocol": "oidc",
                 "oidc": {"issuer": "https://idp.example.com", "client_id": "c", "client_secret": "s",
                          "authorization_endpoint": "https://idp.example.com/a", "token_endpoint": "https://idp.example.com/t",
                          "jwks_uri": "https://idp.example.com/k"},
                 "provisioning": %s, "mappers": %s}""".formatted(alias, alias, provisioning, mappers));
        domains.forEach(body.withArray("domains")::add);
        Reply r = api.post("/api/orgs/" + org + "/identity-providers", key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return current(org, alias);
    }

    private IdentityProvider idp(String alias, String provisioning, String mappers) {
        return idp(org, key, alias, List.of(domain), provisioning, mappers);
    }

    private IdentityProvider current(String org, String alias) {
        return directory.find(new OrgId(org), new IdpAlias(alias)).map(ProviderView::idp).orElseThrow();
    }

    private Provisioned provisioned(IdentityProvider idp, BrokeredIdentity identity, Instant now) {
        ProvisioningResult result = provisioning.provision(idp, identity, now);
        assertThat(result).isInstanceOf(Provisioned.class);
        return (Provisioned) result;
    }

    private JsonNode user(String id) {
        Reply r = api.get("/api/orgs/" + org + "/users/" + id, key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private List<String> ids(Reply r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().get("items").forEach(u -> out.add(u.get("id").asString()));
        return out;
    }

    private TestIdentities.Builder ada(IdentityProvider idp) {
        return TestIdentities.of(idp, "sub-ada").email("ada@" + domain).emailVerified(true).givenName("Ada")
                .familyName("Lovelace").name("Ada Lovelace").groups("eng");
    }

    // --- modes

    @Test
    void jitCreatesAnUnknownUserOnceAndKnowsThemAfterwards() {
        IdentityProvider idp = idp("jit", "{\"mode\": \"jit\"}", "[]");
        Provisioned first = provisioned(idp, ada(idp).build(), T0);
        assertThat(first.created()).isTrue();
        assertThat(first.user().subject()).isEqualTo("sub-ada");
        assertThat(first.user().idpId()).isEqualTo(idp.id());
        Provisioned second = provisioned(idp, ada(idp).build(), T1);
        assertThat(second.created()).isFalse();
        assertThat(second.user().id()).isEqualTo(first.user().id());

        JsonNode u = user(first.user().id());
        assertThat(u.get("identity_provider").asString()).isEqualTo("jit");
        assertThat(u.get("subject").asString()).isEqualTo("sub-ada");
        assertThat(u.get("email").asString()).isEqualTo("ada@" + domain);
        assertThat(u.get("email_verified").asBoolean()).isTrue();
        assertThat(u.get("given_name").asString()).isEqualTo("Ada");
        assertThat(u.get("groups").get(0).asString()).isEqualTo("eng");
        assertThat(u.get("groups_overage").asBoolean()).isFalse();
        assertThat(Instant.parse(u.get("created_at").asString())).isEqualTo(T0);
        assertThat(Instant.parse(u.get("last_sign_in_at").asString())).isEqualTo(T1);
    }

    @Test
    void existingOnlyRefusesUnknownUsersButAdmitsKnownOnes() {
        IdentityProvider idp = idp("known", "{\"mode\": \"jit\"}", "[]");
        String known = provisioned(idp, ada(idp).build(), T0).user().id();
        Reply patched = api.patch("/api/orgs/" + org + "/identity-providers/known", key,
                ApiClient.parse("{\"provisioning\": {\"mode\": \"existing_only\"}}"));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        idp = current(org, "known");

        ProvisioningResult stranger = provisioning.provision(idp, TestIdentities.of(idp, "sub-eve")
                .email("eve@" + domain).build(), T1);
        assertThat(stranger).isInstanceOfSatisfying(Refused.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.PROVISIONING_USER_UNKNOWN));
        Provisioned again = provisioned(idp, ada(idp).build(), T1);
        assertThat(again.created()).isFalse();
        assertThat(again.user().id()).isEqualTo(known);
        assertThat(ids(api.get("/api/orgs/" + org + "/users", key))).containsExactly(known);
    }

    @Test
    void usersAreKeyedByIdentityProviderAndSubjectNeverByEmail() {
        IdentityProvider one = idp("one", "{}", "[]");
        IdentityProvider two = idp(org, key, "two", List.of(), "{}", "[]");
        String a = provisioned(one, TestIdentities.of(one, "s-1").email("same@" + domain).build(), T0).user().id();
        String b = provisioned(one, TestIdentities.of(one, "s-2").email("same@" + domain).build(), T0).user().id();
        String c = provisioned(two, TestIdentities.of(two, "s-1").email("same@" + domain).build(), T0).user().id();
        assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
        // a changed email does not make a new user: the subject is who they are
        Provisioned renamed = provisioned(one, TestIdentities.of(one, "s-1").email("new@" + domain).build(), T1);
        assertThat(renamed.created()).isFalse();
        assertThat(renamed.user().id()).isEqualTo(a);
    }

    // --- sync modes

    private BrokeredIdentity changedAda(IdentityProvider idp) {
        return TestIdentities.of(idp, "sub-ada").email("countess@" + domain).emailVerified(false).givenName("Augusta")
                .name("Augusta Ada King").groups("ops").attribute("department", "R&D").build();
    }

    @Test
    void importTakesTheProfileOnTheFirstSignInOnly() {
        IdentityProvider idp = idp("imp", "{\"sync_mode\": \"import\"}",
                "[{\"name\": \"d\", \"type\": \"attribute\", \"source\": \"department\", \"target\": \"custom.dept\"}]");
        User first = provisioned(idp, ada(idp).build(), T0).user();
        User second = provisioned(idp, changedAda(idp), T1).user();
        assertThat(second.email()).contains("ada@" + domain);
        assertThat(second.emailVerified()).isTrue();
        assertThat(second.givenName()).contains("Ada");
        assertThat(second.familyName()).contains("Lovelace");
        assertThat(second.groups()).containsExactly("eng");
        assertThat(second.custom()).isEmpty();
        assertThat(second.updatedAt()).isEqualTo(first.updatedAt());
        assertThat(second.lastSignInAt()).isEqualTo(T1);
        JsonNode u = user(first.id());
        assertThat(u.get("email").asString()).isEqualTo("ada@" + domain);
        assertThat(Instant.parse(u.get("last_sign_in_at").asString())).isEqualTo(T1);
    }

    @Test
    void forceOverwritesTheProfileOnEverySignIn() {
        IdentityProvider idp = idp("frc", "{\"sync_mode\": \"force\"}",
                "[{\"name\": \"d\", \"type\": \"attribute\", \"source\": \"department\", \"target\": \"custom.dept\"}]");
        User first = provisioned(idp, ada(idp).build(), T0).user();
        User second = provisioned(idp, changedAda(idp), T1).user();
        assertThat(second.email()).contains("countess@" + domain);
        assertThat(second.emailVerified()).isFalse();
        assertThat(second.givenName()).contains("Augusta");
        // no longer asserted: gone
        assertThat(second.familyName()).isEmpty();
        assertThat(second.groups()).containsExactly("ops");
        assertThat(second.custom()).containsEntry("dept", "R&D");
        assertThat(second.updatedAt()).isEqualTo(T1);
        JsonNode u = user(first.id());
        assertThat(u.get("email").asString()).isEqualTo("countess@" + domain);
        assertThat(u.get("family_name").isNull()).isTrue();
        assertThat(u.get("custom").get("dept").asString()).isEqualTo("R&D");
    }

    @Test
    void legacyKeepsTheStoredProfileButFillsWhatItLacks() {
        IdentityProvider idp = idp("leg", "{\"sync_mode\": \"legacy\"}",
                "[{\"name\": \"d\", \"type\": \"attribute\", \"source\": \"department\", \"target\": \"custom.dept\"}]");
        User first = provisioned(idp, TestIdentities.of(idp, "sub-ada").email("ada@" + domain).givenName("Ada")
                .build(), T0).user();
        assertThat(first.familyName()).isEmpty();
        assertThat(first.groups()).isEmpty();
        User second = provisioned(idp, TestIdentities.of(idp, "sub-ada").email("countess@" + domain)
                .givenName("Augusta").familyName("King").groups("ops").attribute("department", "R&D").build(), T1).user();
        assertThat(second.email()).contains("ada@" + domain);
        assertThat(second.givenName()).contains("Ada");
        assertThat(second.familyName()).contains("King");
        assertThat(second.groups()).containsExactly("ops");
        assertThat(second.custom()).containsEntry("dept", "R&D");
        JsonNode u = user(first.id());
        assertThat(u.get("family_name").asString()).isEqualTo("King");
        assertThat(u.get("given_name").asString()).isEqualTo("Ada");
    }

    @Test
    void forceKeepsTheStoredGroupsWhenTheIdpReportsAnOverage() {
        IdentityProvider idp = idp("ovr", "{\"sync_mode\": \"force\"}", "[]");
        provisioned(idp, ada(idp).build(), T0);
        User second = provisioned(idp, TestIdentities.of(idp, "sub-ada").email("ada@" + domain)
                .attribute("_claim_names", "{\"groups\":\"src1\"}").build(), T1).user();
        assertThat(second.groups()).containsExactly("eng");
        assertThat(second.groupsOverage()).isTrue();
        assertThat(user(second.id()).get("groups_overage").asBoolean()).isTrue();
    }

    // --- role management

    @Test
    void underIdpRoleManagementTheMappersSetRoleAndTeamAtEverySignIn() {
        IdentityProvider idp = idp("idpr", "{\"role_management\": \"idp\", \"sync_mode\": \"force\"}", ROLE_MAPPERS);
        User first = provisioned(idp, ada(idp).groups("eng", "admins").attribute("department", "R&D").build(), T0)
                .user();
        assertThat(first.role()).contains("admin");
        assertThat(first.team()).contains("engineering");
        User demoted = provisioned(idp, ada(idp).groups("eng").build(), T1).user();
        assertThat(demoted.role()).contains("member");
        // no longer asserted, and no default: removed
        User removed = provisioned(idp, ada(idp).groups("sales").build(), T1.plusSeconds(60)).user();
        assertThat(removed.role()).isEmpty();
        assertThat(removed.team()).isEmpty();
        JsonNode u = user(first.id());
        assertThat(u.get("role").isNull()).isTrue();
        assertThat(u.get("team").isNull()).isTrue();
    }

    @Test
    void underIdpRoleManagementAnUnassertedRoleFallsBackToTheDefault() {
        IdentityProvider idp = idp("idpd", """
                {"role_management": "idp", "default_role": "viewer", "default_team": "everyone"}""", ROLE_MAPPERS);
        User first = provisioned(idp, ada(idp).groups("admins").build(), T0).user();
        assertThat(first.role()).contains("admin");
        assertThat(first.team()).contains("everyone");
        // import sync does not freeze roles: role management idp re-reads them every time
        User second = provisioned(idp, ada(idp).groups("sales").build(), T1).user();
        assertThat(second.role()).contains("viewer");
        assertThat(second.team()).contains("everyone");
    }

    @Test
    void underManualRoleManagementTheFirstSignInSetsTheRoleAndTheApiKeepsIt() {
        IdentityProvider idp = idp("man", """
                {"role_management": "manual", "sync_mode": "force", "default_role": "viewer"}""", ROLE_MAPPERS);
        User mapped = provisioned(idp, ada(idp).groups("admins").build(), T0).user();
        assertThat(mapped.role()).as("the mapped role").contains("admin");
        User defaulted = provisioned(idp, TestIdentities.of(idp, "sub-bob").email("bob@" + domain).groups("sales")
                .build(), T0).user();
        assertThat(defaulted.role()).as("the default role").contains("viewer");
        assertThat(defaulted.team()).isEmpty();

        Reply patched = api.patch("/api/orgs/" + org + "/users/" + defaulted.id(), key,
                ApiClient.parse("{\"role\": \"auditor\", \"team\": \"finance\"}"));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(patched.json().get("role").asString()).isEqualTo("auditor");
        // neither the next sign-in (other groups, force sync) nor the mappers undo it
        User after = provisioned(idp, TestIdentities.of(idp, "sub-bob").email("bob@" + domain).groups("admins")
                .build(), T1).user();
        assertThat(after.role()).contains("auditor");
        assertThat(after.team()).contains("finance");
        assertThat(after.groups()).containsExactly("admins");
    }

    @Test
    void theDefaultsApplyOnTheFirstSignInWhenNoMapperMatches() {
        IdentityProvider idp = idp("dflt", "{\"default_role\": \"member\", \"default_team\": \"general\"}", "[]");
        User u = provisioned(idp, ada(idp).build(), T0).user();
        assertThat(u.role()).contains("member");
        assertThat(u.team()).contains("general");
        JsonNode json = user(u.id());
        assertThat(json.get("role").asString()).isEqualTo("member");
        assertThat(json.get("team").asString()).isEqualTo("general");
    }

    // --- email domains

    @Test
    void anEmailOutsideTheOrgsDomainsIsRefused() {
        IdentityProvider idp = idp("dom", "{}", "[]");
        String otherDomain = uniqueDomain();
        // the domains of every IdP of the org count, not only this one's
        idp(org, key, "dom2", List.of(otherDomain), "{}", "[]");

        assertThat(provisioned(idp, TestIdentities.of(idp, "s-1").email("a@" + domain.toUpperCase()).build(), T0)
                .created()).isTrue();
        assertThat(provisioned(idp, TestIdentities.of(idp, "s-2").email("b@" + otherDomain).build(), T0).created())
                .isTrue();
        for (String email : List.of("c@evil.example.org", "d@sub." + domain, "no-domain", "e@" + domain + ".evil.com")) {
            ProvisioningResult r = provisioning.provision(idp, TestIdentities.of(idp, "s-" + email).email(email).build(),
                    T0);
            assertThat(r).as(email).isInstanceOfSatisfying(Refused.class,
                    x -> assertThat(x.reason()).isEqualTo(RejectReason.PROVISIONING_EMAIL_DOMAIN_NOT_ALLOWED));
        }
        // a known user whose IdP now asserts a foreign address is refused too
        ProvisioningResult moved = provisioning.provision(idp, TestIdentities.of(idp, "s-1").email("a@elsewhere.example.net")
                .build(), T1);
        assertThat(moved).isInstanceOfSatisfying(Refused.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.PROVISIONING_EMAIL_DOMAIN_NOT_ALLOWED));
        // no email at all: nothing to check
        assertThat(provisioned(idp, TestIdentities.of(idp, "s-3").build(), T0).created()).isTrue();
        assertThat(ids(api.get("/api/orgs/" + org + "/users", key))).hasSize(3);
    }

    @Test
    void anIdpMayBeAllowedAnyEmailDomain() {
        IdentityProvider idp = idp("anydom", "{\"allow_any_email_domain\": true}", "[]");
        Reply shown = api.get("/api/orgs/" + org + "/identity-providers/anydom", key);
        assertThat(shown.json().at("/provisioning/allow_any_email_domain").asBoolean()).isTrue();
        assertThat(provisioned(idp, TestIdentities.of(idp, "s").email("guest@partner.example.org").build(), T0)
                .created()).isTrue();
        // the IdP's word on an address of a domain nobody claims counts, where the domain can be anyone's
        assertThat(provisioned(idp, TestIdentities.of(idp, "s-2").email("guest@partner.example.org").emailVerified(true)
                .build(), T0).user().emailVerified()).isTrue();
        assertThat(provisioned(idp, TestIdentities.of(idp, "s-3").email("root@localhost").emailVerified(true)
                .build(), T0).user().emailVerified()).isFalse();
    }

    @Test
    void anOrgWithoutDomainsChecksNoEmail() {
        IdentityProvider idp = idp(org, key, "nodom", List.of(), "{}", "[]");
        assertThat(provisioned(idp, TestIdentities.of(idp, "s").email("anyone@anywhere.example.org").build(), T0)
                .created()).isTrue();
    }

    @Test
    void anotherOrgsClaimCountsThroughADisabledProvider() {
        String victimDomain = uniqueDomain();
        OtherOrg victim = otherOrgListing(victimDomain);
        disable(victim.id(), victim.key(), "corp");
        IdentityProvider any = idp(org, key, "any", List.of(), "{\"allow_any_email_domain\": true}", "[]");

        assertThat(provisioning.provision(any, TestIdentities.of(any, "s-1").email("ceo@" + victimDomain)
                .emailVerified(true).build(), T0)).isInstanceOfSatisfying(Refused.class, r -> {
                    assertThat(r.reason()).isEqualTo(RejectReason.PROVISIONING_EMAIL_DOMAIN_CLAIMED_ELSEWHERE);
                    assertThat(r.failure().detail()).contains(victimDomain).doesNotContain(victim.id());
                });
        // the twin: the claim dropped, the address is the IdP's to assert
        Reply dropped = api.patch("/api/orgs/" + victim.id() + "/identity-providers/corp", victim.key(),
                ApiClient.parse("{\"domains\": []}"));
        assertThat(dropped.status()).as(dropped.text()).isEqualTo(200);
        Provisioned p = provisioned(any, TestIdentities.of(any, "s-1").email("ceo@" + victimDomain)
                .emailVerified(true).build(), T0);
        assertThat(p.user().emailVerified()).isTrue();
    }

    @Test
    void routingsChoiceOfOrgCountsAsAClaimToo() {
        // the victim's enabled provider lists the parent; this org lists the subdomain on a disabled one
        String parent = uniqueDomain();
        otherOrgListing(parent);
        idp(org, key, "hr", List.of("hr." + parent), "{}", "[]");
        disable(org, key, "hr");
        IdentityProvider any = idp(org, key, "any", List.of(), "{\"allow_any_email_domain\": true}", "[]");

        // routing sends hr.<parent> to the victim while this org's provider for it is off: not this org's to vouch for
        assertThat(provisioning.provision(any, TestIdentities.of(any, "s-1").email("a@hr." + parent).build(), T0))
                .isInstanceOfSatisfying(Refused.class,
                        r -> assertThat(r.reason())
                                .isEqualTo(RejectReason.PROVISIONING_EMAIL_DOMAIN_CLAIMED_ELSEWHERE));
        // the twin: with its provider on, the subdomain routes here, and it is the org's own
        Reply enabled = api.patch("/api/orgs/" + org + "/identity-providers/hr", key,
                ApiClient.parse("{\"enabled\": true}"));
        assertThat(enabled.status()).as(enabled.text()).isEqualTo(200);
        Provisioned p = provisioned(any, TestIdentities.of(any, "s-1").email("a@hr." + parent).build(), T0);
        assertThat(p.user().emailVerified()).as("the org's own domain").isTrue();
    }

    /** Another org, with its key; its provider "corp" lists the domain. */
    private record OtherOrg(String id, String key) {
    }

    private OtherOrg otherOrgListing(String domain) {
        String id = createOrg(uniqueOrgId("victim"));
        OtherOrg other = new OtherOrg(id, createKey(id, "org_admin"));
        idp(other.id(), other.key(), "corp", List.of(domain), "{}", "[]");
        return other;
    }

    private void disable(String org, String key, String alias) {
        Reply r = api.patch("/api/orgs/" + org + "/identity-providers/" + alias, key,
                ApiClient.parse("{\"enabled\": false}"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    // --- concurrency

    @Test
    void concurrentFirstSignInsCreateOneUser() throws Exception {
        IdentityProvider idp = idp("race", "{\"sync_mode\": \"force\"}", "[]");
        List<Provisioned> done = atOnce(8, n -> provisioned(idp, ada(idp).givenName("Ada " + n).build(), T0.plusSeconds(n)));
        assertThat(done.stream().filter(Provisioned::created)).hasSize(1);
        assertThat(done.stream().map(p -> p.user().id()).distinct()).hasSize(1);
        assertThat(ids(api.get("/api/orgs/" + org + "/users", key))).hasSize(1);
    }

    @Test
    void concurrentSignInsOfAKnownUserEachLandOnce() throws Exception {
        IdentityProvider idp = idp("race-known", "{\"sync_mode\": \"force\"}", "[]");
        String id = provisioned(idp, ada(idp).build(), T0).user().id();
        List<Provisioned> done = atOnce(8, n -> provisioned(idp, ada(idp).givenName("Ada " + n).build(), T1.plusSeconds(n)));
        assertThat(done).allSatisfy(p -> {
            assertThat(p.created()).isFalse();
            assertThat(p.user().id()).isEqualTo(id);
        });
        // every sign-in wrote once, none over a version it had not read: eight updates after the insert
        UserStore.Versioned stored = store.findBySubject(new OrgId(org), idp.id(), ada(idp).build().subject())
                .orElseThrow();
        assertThat(stored.version()).isEqualTo(8);
        assertThat(done.stream().map(p -> p.user().givenName().orElseThrow()))
                .contains(stored.user().givenName().orElseThrow());
    }

    /** The same sign-in work started by n threads at the same instant, as n nodes would. */
    private static <T> List<T> atOnce(int n, java.util.function.IntFunction<T> work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int node = i;
                results.add(pool.submit(() -> {
                    start.await();
                    return work.apply(node);
                }));
            }
            List<T> done = new ArrayList<>();
            for (Future<T> f : results) {
                done.add(f.get());
            }
            return done;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWriteOverAVersionItDidNotReadIsRefused() {
        IdentityProvider idp = idp("stale", "{\"role_management\": \"manual\"}", "[]");
        String subject = ada(idp).build().subject();
        provisioned(idp, ada(idp).build(), T0);
        UserStore.Versioned read = store.findBySubject(new OrgId(org), idp.id(), subject).orElseThrow();
        // an admin changes the role between the sign-in's read and its write
        Reply patched = api.patch("/api/orgs/" + org + "/users/" + read.user().id(), key,
                ApiClient.parse("{\"role\": \"admin\"}"));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(store.updateIfVersion(read.user().withRoleAndTeam(java.util.Optional.of("viewer"),
                java.util.Optional.empty(), T1), read.version())).isFalse();
        // the twin: the version just read is written
        UserStore.Versioned fresh = store.findBySubject(new OrgId(org), idp.id(), subject).orElseThrow();
        assertThat(fresh.user().role()).contains("admin");
        assertThat(store.updateIfVersion(fresh.user(), fresh.version())).isTrue();
        // and a sign-in after the PATCH keeps the admin's role (manual role management)
        assertThat(provisioned(idp, ada(idp).build(), T1).user().role()).contains("admin");
    }

    // --- the users API

    @Test
    void usersAreListedInPagesAndFiltered() {
        IdentityProvider a = idp("list-a", "{}", "[]");
        IdentityProvider b = idp(org, key, "list-b", List.of(), "{}", "[]");
        String u1 = provisioned(a, TestIdentities.of(a, "1").email("one@" + domain).build(), T0).user().id();
        String u2 = provisioned(a, TestIdentities.of(a, "2").email("two@" + domain).build(), T0.plusSeconds(1)).user().id();
        String u3 = provisioned(b, TestIdentities.of(b, "3").email("One@" + domain).build(), T0.plusSeconds(2)).user().id();

        Reply page1 = api.get("/api/orgs/" + org + "/users?limit=2", key);
        assertThat(ids(page1)).containsExactly(u1, u2);
        String cursor = page1.json().get("next_cursor").asString();
        Reply page2 = api.get("/api/orgs/" + org + "/users?limit=2&cursor=" + cursor, key);
        assertThat(ids(page2)).containsExactly(u3);
        assertThat(page2.json().get("next_cursor").isNull()).isTrue();

        assertThat(ids(api.get("/api/orgs/" + org + "/users?idp=list-b", key))).containsExactly(u3);
        assertThat(ids(api.get("/api/orgs/" + org + "/users?idp=list-a", key))).containsExactly(u1, u2);
        assertThat(ids(api.get("/api/orgs/" + org + "/users?idp=nobody", key))).isEmpty();
        assertThat(ids(api.get("/api/orgs/" + org + "/users?email=ONE@" + domain, key))).containsExactly(u1, u3);
        assertThat(ids(api.get("/api/orgs/" + org + "/users?idp=list-a&email=one@" + domain, key)))
                .containsExactly(u1);

        Reply badAlias = api.get("/api/orgs/" + org + "/users?idp=Not_An_Alias", key);
        assertThat(badAlias.status()).isEqualTo(422);
        assertThat(badAlias.errorCodes()).containsExactly("idp:invalid_format");
        assertThat(api.get("/api/orgs/" + org + "/users?limit=0", key).status()).isEqualTo(422);
        Reply csv = api.get("/api/orgs/" + org + "/users", key, "Accept", "text/csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.text()).contains(u1).contains("identity_provider");
        Reply hal = api.get("/api/orgs/" + org + "/users/" + u1, key, "Accept", "application/hal+json");
        assertThat(hal.json().at("/_links/self/href").asString()).isEqualTo("/api/orgs/" + org + "/users/" + u1);
    }

    @Test
    void anotherOrgsUsersAreNotFound() {
        IdentityProvider idp = idp("mine", "{}", "[]");
        String mine = provisioned(idp, ada(idp).build(), T0).user().id();
        String other = createOrg(uniqueOrgId("other"));
        String otherKey = createKey(other, "org_admin");

        assertThat(api.get("/api/orgs/" + org + "/users/" + mine, otherKey).status()).isEqualTo(404);
        assertThat(api.get("/api/orgs/" + org + "/users", otherKey).status()).isEqualTo(404);
        assertThat(api.patch("/api/orgs/" + org + "/users/" + mine, otherKey,
                ApiClient.parse("{\"role\": \"admin\"}")).status()).isEqualTo(404);
        // the id under the other org's path: not there either, even for the platform admin
        assertThat(api.get("/api/orgs/" + other + "/users/" + mine, otherKey).status()).isEqualTo(404);
        assertThat(api.get("/api/orgs/" + other + "/users/" + mine, ADMIN).status()).isEqualTo(404);
        assertThat(ids(api.get("/api/orgs/" + other + "/users", ADMIN))).isEmpty();
        assertThat(api.get("/api/orgs/no-such-org-here/users", ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/orgs/" + org + "/users/no-such-user", key).status()).isEqualTo(404);
        assertThat(api.get("/api/orgs/" + org + "/users", null).status()).isEqualTo(401);
    }

    @Test
    void patchChangesRoleAndTeamOnlyUnderManualRoleManagement() {
        IdentityProvider manual = idp("pm", "{\"role_management\": \"manual\", \"default_role\": \"member\"}", "[]");
        IdentityProvider managed = idp(org, key, "pi", List.of(), "{\"role_management\": \"idp\"}", "[]");
        String m = provisioned(manual, ada(manual).build(), T0).user().id();
        String i = provisioned(managed, ada(managed).build(), T0).user().id();
        String path = "/api/orgs/" + org + "/users/";

        Reply refused = api.patch(path + i, key, ApiClient.parse("{\"role\": \"admin\"}"));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("code").asString()).isEqualTo("role_managed_by_idp");
        assertThat(refused.json().get("detail").asString()).contains("role_management");

        Reply readOnly = api.patch(path + m, key, ApiClient.parse("{\"email\": \"x@" + domain + "\", \"rank\": 1}"));
        assertThat(readOnly.status()).isEqualTo(422);
        assertThat(readOnly.errorCodes()).containsExactlyInAnyOrder("email:read_only", "rank:unknown_field");
        assertThat(api.patch(path + m, key, ApiClient.parse("{\"role\": 7}")).errorCodes())
                .containsExactly("role:type");
        assertThat(api.patch(path + m, key, ApiClient.parse("{\"role\": \"" + "r".repeat(201) + "\"}")).status())
                .isEqualTo(422);

        String viewer = createKey(org, "viewer");
        assertThat(api.get(path + m, viewer).status()).isEqualTo(200);
        assertThat(api.patch(path + m, viewer, ApiClient.parse("{\"role\": \"admin\"}")).status()).isEqualTo(403);
        assertThat(api.patch(path + m, createKey(org, "idp_manager"), ApiClient.parse("{\"role\": \"admin\"}"))
                .status()).isEqualTo(403);

        Reply ok = api.patch(path + m, key, ApiClient.parse("{\"role\": \"admin\", \"team\": \"core\"}"));
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.json().get("role").asString()).isEqualTo("admin");
        assertThat(ok.json().get("team").asString()).isEqualTo("core");
        Reply cleared = api.patch(path + m, key, ApiClient.parse("{\"team\": null}"));
        assertThat(cleared.json().get("team").isNull()).isTrue();
        assertThat(cleared.json().get("role").asString()).isEqualTo("admin");
        assertThat(user(m).get("role").asString()).isEqualTo("admin");

        JsonNode events = api.get("/api/orgs/" + org + "/events?category=configuration", key).json().get("items");
        List<JsonNode> updates = new ArrayList<>();
        events.forEach(e -> {
            if (e.get("type").asString().equals("user.updated")) {
                updates.add(e);
            }
        });
        assertThat(updates).hasSize(2);
        JsonNode latest = updates.getFirst();
        assertThat(latest.get("target").asString()).isEqualTo(m);
        assertThat(latest.get("actor").asString()).startsWith("api-key:");
        assertThat(latest.at("/details/team/from").asString()).isEqualTo("core");
        assertThat(latest.at("/details/team/to").isNull()).isTrue();
        assertThat(latest.at("/details/identity_provider").asString()).isEqualTo("pm");
        // personal data stays out of the event
        assertThat(latest.toString()).doesNotContain("ada@").doesNotContain("Lovelace");
    }

    @Test
    void deletingTheIdentityProviderDeletesItsUsers() {
        IdentityProvider idp = idp("gone", "{}", "[]");
        String id = provisioned(idp, ada(idp).build(), T0).user().id();
        assertThat(api.delete("/api/orgs/" + org + "/identity-providers/gone", key).status()).isEqualTo(204);
        assertThat(api.get("/api/orgs/" + org + "/users/" + id, key).status()).isEqualTo(404);
    }
}
