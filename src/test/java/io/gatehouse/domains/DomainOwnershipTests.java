package io.gatehouse.domains;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestDiscoveryServer;
import io.gatehouse.testkit.TestDnsServer;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Domain ownership over real HTTP, the TXT lookups answered by a real DNS server ({@link TestDnsServer},
 * which the test application's {@code GATEHOUSE_DNS_SERVERS} names): states, events, conflicts between orgs.
 */
abstract class DomainOwnershipTests extends ApiTest {
    private static final TestDnsServer DNS = TestDnsServer.shared();
    private static final Duration TTL = Duration.ofMinutes(5);
    @Autowired
    JdbcClient jdbc;
    private TestDiscoveryServer discovery;
    private String org;
    private String key;

    @BeforeEach
    void setUp() {
        discovery = new TestDiscoveryServer();
        org = createOrg(uniqueOrgId("dom"));
        key = createKey(org, "idp_manager");
    }

    @AfterEach
    void tearDown() {
        discovery.close();
    }

    private Reply createProvider(String inOrg, String withKey, String alias, String... domains) {
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", "Acme").put("protocol", "oidc");
        var list = body.putArray("domains");
        for (String d : domains) {
            list.add(d);
        }
        body.putObject("oidc").put("issuer", discovery.issuer()).put("client_id", "client-1")
                .put("client_secret", "s3cr3t-value-never-shown");
        return api.post("/api/orgs/" + inOrg + "/identity-providers", withKey, body);
    }

    private JsonNode domainOf(String inOrg, String domain) {
        Reply r = api.get("/api/orgs/" + inOrg + "/domains", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        for (JsonNode d : r.json().get("items")) {
            if (d.get("domain").asString().equals(domain)) {
                return d;
            }
        }
        return null;
    }

    private Reply verify(String inOrg, String withKey, String domain, ObjectNode body) {
        return api.post("/api/orgs/" + inOrg + "/domains/" + domain + "/verify", withKey, body);
    }

    private Reply verify(String domain) {
        return verify(org, key, domain, ApiClient.object());
    }

    /** Publishes the org's challenge for the domain on the test DNS server. */
    private void publish(String inOrg, String domain) {
        JsonNode v = domainOf(inOrg, domain).get("verification");
        DNS.txt(v.get("name").asString(), TTL, "v=spf1 -all", v.get("value").asString());
    }

    private List<String> eventTypes(String inOrg) {
        Reply r = api.get("/api/orgs/" + inOrg + "/events?category=configuration&limit=200", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        r.json().get("items").forEach(e -> types.add(e.get("type").asString() + " " + e.get("target").asString()));
        return types;
    }

    private void age(String inOrg, String domain, Duration by) {
        jdbc.sql("update idp_domains set claimed_at = ? where org_id = ? and domain = ?")
                .params(Timestamp.from(Instant.now().minus(by)), inOrg, domain).update();
    }

    @Test
    void aNewDomainIsPendingWithItsRecordToPublish() {
        String domain = uniqueDomain();
        assertThat(createProvider(org, key, "okta", domain).status()).isEqualTo(201);
        JsonNode d = domainOf(org, domain);
        assertThat(d.get("status").asString()).isEqualTo("pending");
        assertThat(d.get("identity_provider").asString()).isEqualTo("okta");
        assertThat(d.get("verified_at").isNull()).isTrue();
        assertThat(d.get("method").isNull()).isTrue();
        assertThat(d.get("include_subdomains").asBoolean()).isFalse();
        assertThat(d.at("/verification/type").asString()).isEqualTo("dns_txt");
        assertThat(d.at("/verification/name").asString()).isEqualTo("_gatehouse-challenge." + domain);
        assertThat(d.at("/verification/value").asString()).matches("gatehouse-verification=[0-9a-f]{32}");
        // the org's key reads it too; another org's key does not reach it
        assertThat(api.get("/api/orgs/" + org + "/domains", key).status()).isEqualTo(200);
        String other = createOrg(uniqueOrgId("dom-other"));
        assertThat(api.get("/api/orgs/" + org + "/domains", createKey(other, "org_admin")).status()).isEqualTo(404);
    }

    @Test
    void theRecordVerifiesTheDomain() {
        String domain = uniqueDomain();
        createProvider(org, key, "okta", domain);
        publish(org, domain);
        Reply r = verify(domain);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("verified");
        assertThat(r.json().get("method").asString()).isEqualTo("dns");
        assertThat(r.json().get("verified_at").isNull()).isFalse();
        assertThat(domainOf(org, domain).get("status").asString()).isEqualTo("verified");
        assertThat(eventTypes(org)).contains("domain.verified " + domain);
    }

    @Test
    void whatTheLookupFoundIsSaidWhenItDoesNotProveTheDomain() {
        String missing = uniqueDomain();
        String wrong = uniqueDomain();
        String broken = uniqueDomain();
        createProvider(org, key, "okta", missing, wrong, broken);
        DNS.txt("_gatehouse-challenge." + wrong, TTL, "gatehouse-verification=0123456789abcdef0123456789abcdef");
        DNS.servfail("_gatehouse-challenge." + broken);

        Reply r = verify(missing);
        assertThat(r.status()).as(r.text()).isEqualTo(422);
        assertThat(r.json().get("code").asString()).isEqualTo("domain_not_verified");
        assertThat(r.json().get("detail").asString()).contains("does not exist (NXDOMAIN)",
                domainOf(org, missing).at("/verification/value").asString());
        assertThat(verify(wrong).json().get("detail").asString()).contains("none with the expected value",
                "another token");
        assertThat(verify(broken).json().get("detail").asString()).contains("SERVFAIL");

        JsonNode after = domainOf(org, missing);
        assertThat(after.get("status").asString()).isEqualTo("pending");
        assertThat(after.get("last_result").asString()).contains("NXDOMAIN");
        assertThat(after.get("last_checked_at").isNull()).isFalse();
        assertThat(eventTypes(org)).contains("domain.verification_failed " + missing,
                "domain.verification_failed " + wrong, "domain.verification_failed " + broken)
                .doesNotContain("domain.verified " + missing);
    }

    @Test
    void aDnsServerThatDoesNotAnswerIsATimeout() {
        String domain = uniqueDomain();
        createProvider(org, key, "okta", domain);
        DNS.silent("_gatehouse-challenge." + domain);
        Reply r = verify(domain);
        assertThat(r.status()).as(r.text()).isEqualTo(422);
        assertThat(r.json().get("detail").asString()).contains("did not answer", "in time");
        assertThat(domainOf(org, domain).get("status").asString()).isEqualTo("pending");
    }

    @Test
    void thePlatformKeyMayVerifyByHandAndAnOrgKeyMayNot() {
        String domain = uniqueDomain();
        createProvider(org, key, "okta", domain);
        ObjectNode manual = ApiClient.object().put("method", "manual");
        Reply refused = verify(org, createKey(org, "org_admin"), domain, manual);
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(domainOf(org, domain).get("status").asString()).isEqualTo("pending");

        Reply r = verify(org, ADMIN, domain, manual.put("include_subdomains", true));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("method").asString()).isEqualTo("manual");
        assertThat(r.json().get("include_subdomains").asBoolean()).isTrue();
        assertThat(eventTypes(org)).contains("domain.verified " + domain);
        // no such claim, or a method that does not exist
        assertThat(verify(org, ADMIN, uniqueDomain(), ApiClient.object().put("method", "manual")).status())
                .isEqualTo(404);
        assertThat(verify(org, key, domain, ApiClient.object().put("method", "email")).status()).isEqualTo(422);
    }

    @Test
    void aVerifiedDomainStaysVerifiedAcrossProviderUpdatesAndKeepsItsToken() {
        String domain = uniqueDomain();
        createProvider(org, key, "okta", domain);
        String token = domainOf(org, domain).at("/verification/value").asString();
        publish(org, domain);
        assertThat(verify(domain).status()).isEqualTo(200);

        Reply renamed = api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.object().put("display_name", "Acme SSO"));
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        assertThat(domainOf(org, domain).get("status").asString()).isEqualTo("verified");

        String added = uniqueDomain();
        ObjectNode twoDomains = ApiClient.object();
        twoDomains.putArray("domains").add(domain).add(added);
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key, twoDomains).status()).isEqualTo(200);
        assertThat(domainOf(org, domain).get("status").asString()).isEqualTo("verified");
        assertThat(domainOf(org, added).get("status").asString()).isEqualTo("pending");

        // moved to another provider of the org: claimed anew, with the same token
        ObjectNode onlyAdded = ApiClient.object();
        onlyAdded.putArray("domains").add(added);
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key, onlyAdded).status()).isEqualTo(200);
        assertThat(domainOf(org, domain)).isNull();
        assertThat(createProvider(org, key, "entra", domain).status()).isEqualTo(201);
        JsonNode moved = domainOf(org, domain);
        assertThat(moved.get("identity_provider").asString()).isEqualTo("entra");
        assertThat(moved.at("/verification/value").asString()).isEqualTo(token);
    }

    @Test
    void aDomainVerifiedByOneOrgCannotBeClaimedByAnother() {
        String domain = uniqueDomain();
        createProvider(org, key, "okta", domain);
        publish(org, domain);
        assertThat(verify(domain).status()).isEqualTo(200);

        String other = createOrg(uniqueOrgId("dom-b"));
        Reply r = createProvider(other, ADMIN, "okta", domain);
        assertThat(r.status()).as(r.text()).isEqualTo(409);
        assertThat(r.json().get("code").asString()).isEqualTo("domain_taken");
        assertThat(r.errorCodes()).containsExactly("domains[0]:domain_taken");
    }

    @Test
    void aFreshPendingClaimBlocksAnotherOrgsProofAndAStaleOneIsReleased() {
        String domain = uniqueDomain();
        createProvider(org, key, "okta", domain, uniqueDomain());
        String configuredBefore = api.get("/api/orgs/" + org + "/identity-providers/okta", ADMIN).json()
                .get("configuration_changed_at").asString();
        String other = createOrg(uniqueOrgId("dom-b"));
        Reply second = createProvider(other, ADMIN, "entra", domain);
        assertThat(second.status()).as("a pending claim elsewhere does not block: " + second.text()).isEqualTo(201);
        publish(other, domain);

        Reply blocked = verify(other, ADMIN, domain, ApiClient.object());
        assertThat(blocked.status()).as(blocked.text()).isEqualTo(409);
        assertThat(blocked.json().get("code").asString()).isEqualTo("domain_taken");
        assertThat(blocked.json().get("detail").asString()).contains("can be released from");
        assertThat(domainOf(other, domain).get("status").asString()).isEqualTo("pending");

        age(org, domain, Duration.ofDays(15));
        Reply proven = verify(other, ADMIN, domain, ApiClient.object());
        assertThat(proven.status()).as(proven.text()).isEqualTo(200);
        assertThat(proven.json().get("status").asString()).isEqualTo("verified");
        assertThat(domainOf(org, domain)).isNull();
        JsonNode okta = api.get("/api/orgs/" + org + "/identity-providers/okta", ADMIN).json();
        assertThat(okta.get("domains").toString()).doesNotContain(domain);
        assertThat(okta.get("configuration_changed_at").asString()).isNotEqualTo(configuredBefore);
        assertThat(okta.get("status").asString()).isEqualTo("active");
        assertThat(eventTypes(org)).contains("identity_provider.domain_released okta", "domain.released " + domain);
        assertThat(eventTypes(other)).contains("domain.verified " + domain);
    }

    @Test
    void twoOrgsVerifyingAtOnceEndWithOneOwner() throws Exception {
        String domain = uniqueDomain();
        List<String> orgs = List.of(org, createOrg(uniqueOrgId("dom-b")));
        for (String o : orgs) {
            assertThat(createProvider(o, ADMIN, "okta", domain).status()).isEqualTo(201);
            age(o, domain, Duration.ofDays(20));
        }
        // both records published: each org could prove the domain alone
        JsonNode a = domainOf(orgs.get(0), domain).get("verification");
        JsonNode b = domainOf(orgs.get(1), domain).get("verification");
        DNS.txt(a.get("name").asString(), TTL, a.get("value").asString(), b.get("value").asString());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Callable<Reply>> calls = orgs.stream()
                .<Callable<Reply>>map(o -> () -> verify(o, ADMIN, domain, ApiClient.object())).toList();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Reply> f : pool.invokeAll(calls)) {
            statuses.add(f.get().status());
        }
        pool.shutdown();
        assertThat(statuses).containsExactlyInAnyOrder(200, 409);
        assertThat(jdbc.sql("select count(*) from idp_domains where domain = ? and status = 'verified'").param(domain)
                .query(Integer.class).single()).isEqualTo(1);
    }
}
