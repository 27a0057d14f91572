package io.gatehouse.idp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestDiscoveryServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The native identity-provider API over real HTTP; run on H2 and on PostgreSQL by its subclasses. */
abstract class IdentityProviderApiTests extends ApiTest {
    private TestDiscoveryServer discovery;
    private String org;
    private String key;

    @BeforeEach
    void setUp() {
        discovery = new TestDiscoveryServer();
        org = createOrg(uniqueOrgId("idp"));
        key = createKey(org, "idp_manager");
    }

    @AfterEach
    void tearDown() {
        discovery.close();
    }

    private String base() {
        return "/api/orgs/" + org + "/identity-providers";
    }

    private ObjectNode oidc(String alias) {
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", "Acme OIDC").put("protocol", "oidc");
        body.putArray("domains").add(uniqueDomain());
        body.putObject("oidc").put("issuer", discovery.issuer()).put("client_id", "client-1")
                .put("client_secret", "s3cr3t-value-never-shown");
        return body;
    }

    @Test
    void createsAnOidcProviderFromDiscoveryAndReadsItBack() {
        Reply created = api.post(base(), key, oidc("acme-oidc"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(base() + "/acme-oidc");
        assertThat(created.header("X-Trace-Id")).isNotBlank();
        JsonNode idp = created.json();
        assertThat(idp.get("id").asString()).isNotBlank();
        assertThat(idp.get("org").asString()).isEqualTo(org);
        assertThat(idp.get("protocol").asString()).isEqualTo("oidc");
        assertThat(idp.get("enabled").asBoolean()).isTrue();
        assertThat(idp.at("/oidc/client_secret").asString()).isEqualTo("**********");
        assertThat(idp.at("/oidc/token_endpoint_auth_method").asString()).isEqualTo("client_secret_basic");
        assertThat(idp.at("/oidc/pkce").asString()).isEqualTo("S256");
        assertThat(idp.at("/oidc/id_token_signed_response_alg").asString()).isEqualTo("RS256");
        assertThat(idp.at("/oidc/scopes").toString()).isEqualTo("[\"openid\",\"email\",\"profile\"]");
        assertThat(idp.at("/oidc/discovered/token_endpoint").asString()).isEqualTo(discovery.issuer() + "/token");
        assertThat(idp.at("/oidc/discovered/jwks_uri").asString()).isEqualTo(discovery.issuer() + "/jwks");
        assertThat(idp.get("redirect_uri").asString())
                .isEqualTo("https://sso.gatehouse.test/sso/" + org + "/acme-oidc/oidc/callback");
        assertThat(idp.get("login_url").asString()).isEqualTo("https://sso.gatehouse.test/sso/" + org + "/acme-oidc/login");
        assertThat(idp.get("mapper_count").asInt()).isZero();
        assertThat(created.text()).doesNotContain("s3cr3t-value-never-shown");

        Reply read = api.get(base() + "/acme-oidc", key);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(idp);
        assertThat(discovery.requests()).isEqualTo(1);

        Reply events = api.get("/api/orgs/" + org + "/events", key);
        assertThat(events.text()).contains("identity_provider.created").doesNotContain("s3cr3t-value-never-shown");
    }

    @Test
    void discoveryWithAnotherIssuerIsRefused() {
        discovery.serve(TestDiscoveryServer.standardDocument("https://evil.example.com"));
        Reply r = api.post(base(), key, oidc("mixup"));
        assertThat(r.status()).as(r.text()).isEqualTo(422);
        assertThat(r.json().at("/errors/0/field").asString()).isEqualTo("oidc.issuer");
        assertThat(countIdps(org)).isZero();
    }

    @Test
    void aliasIsUniqueInTheOrg() {
        assertThat(api.post(base(), key, oidc("dup")).status()).isEqualTo(201);
        Reply second = api.post(base(), key, oidc("dup"));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("code").asString()).isEqualTo("alias_taken");
        assertThat(second.header("Content-Type")).startsWith("application/problem+json");
    }

    /**
     * A domain is listed by one provider of an org; another org may claim it too while it is pending
     * (proof by DNS decides, see DomainOwnershipTests, which also holds a verified domain to its org).
     */
    @Test
    void aDomainIsListedOncePerOrgAndPendingClaimsDoNotBlockOtherOrgs() {
        ObjectNode first = oidc("first");
        String domain = first.get("domains").get(0).asString();
        assertThat(api.post(base(), key, first).status()).isEqualTo(201);

        ObjectNode again = oidc("again");
        ((tools.jackson.databind.node.ArrayNode) again.get("domains")).removeAll().add(domain.toUpperCase());
        Reply r = api.post(base(), key, again);
        assertThat(r.status()).as(r.text()).isEqualTo(409);
        assertThat(r.json().get("code").asString()).isEqualTo("domain_taken");
        assertThat(r.errorCodes()).containsExactly("domains[0]:domain_taken");

        String otherOrg = createOrg(uniqueOrgId("other"));
        ObjectNode second = oidc("second");
        ((tools.jackson.databind.node.ArrayNode) second.get("domains")).removeAll().add(domain.toUpperCase());
        Reply pendingElsewhere = api.post("/api/orgs/" + otherOrg + "/identity-providers", ADMIN, second);
        assertThat(pendingElsewhere.status()).as(pendingElsewhere.text()).isEqualTo(201);
        assertThat(countIdps(otherOrg)).isEqualTo(1);
    }

    @Test
    void concurrentCreationsNeverExceedTheQuota() throws Exception {
        String small = createOrg(uniqueOrgId("rush"), true, 3);
        List<Callable<Reply>> creations = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ObjectNode body = oidc("rush-" + i);
            creations.add(() -> api.post("/api/orgs/" + small + "/identity-providers", ADMIN, body));
        }
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<String> outcomes = new ArrayList<>();
        for (Future<Reply> f : pool.invokeAll(creations)) {
            Reply r = f.get();
            outcomes.add(r.status() == 201 ? "created" : r.status() + ":" + r.json().get("code").asString());
        }
        pool.shutdown();
        assertThat(outcomes).containsOnly("created", "403:quota_exceeded");
        assertThat(outcomes.stream().filter("created"::equals)).hasSize(3);
        assertThat(countIdps(small)).isEqualTo(3);
    }

    @Test
    void concurrentClaimsOfOneDomainInOneOrgLeaveExactlyOneWinner() throws Exception {
        // another org's pending claim does not block (DomainOwnershipTests races verifications across orgs);
        // within one org a domain is listed by one provider, even when six are created at once
        String domain = uniqueDomain();
        String racing = createOrg(uniqueOrgId("race"));
        List<Callable<Integer>> claims = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ObjectNode body = oidc("race-" + i);
            ((tools.jackson.databind.node.ArrayNode) body.get("domains")).removeAll().add(domain);
            claims.add(() -> api.post("/api/orgs/" + racing + "/identity-providers", ADMIN, body).status());
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : pool.invokeAll(claims)) {
            statuses.add(f.get());
        }
        pool.shutdown();
        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
        Reply owners = api.get("/api/orgs/" + racing + "/identity-providers?domain=" + domain, ADMIN);
        assertThat(owners.status()).isEqualTo(200);
        assertThat(owners.json().get("items").size()).isEqualTo(1);
    }

    @Test
    void planLimitsAreEnforced() {
        String small = createOrg(uniqueOrgId("small"), true, 1);
        assertThat(api.post("/api/orgs/" + small + "/identity-providers", ADMIN, oidc("one")).status()).isEqualTo(201);
        Reply over = api.post("/api/orgs/" + small + "/identity-providers", ADMIN, oidc("two"));
        assertThat(over.status()).isEqualTo(403);
        assertThat(over.json().get("code").asString()).isEqualTo("quota_exceeded");
        // a taken alias is named before the quota; a refused creation holds no place
        Reply sameAlias = api.post("/api/orgs/" + small + "/identity-providers", ADMIN, oidc("one"));
        assertThat(sameAlias.json().get("code").asString()).isEqualTo("alias_taken");
        // a deletion gives its place back, and a later plan change counts what exists
        assertThat(api.delete("/api/orgs/" + small + "/identity-providers/one", ADMIN).status()).isEqualTo(204);
        assertThat(api.post("/api/orgs/" + small + "/identity-providers", ADMIN, oidc("two")).status()).isEqualTo(201);
        assertThat(api.post("/api/orgs/" + small + "/identity-providers", ADMIN, oidc("three")).status()).isEqualTo(403);
        assertThat(api.patch("/api/orgs/" + small, ADMIN, ApiClient.parse("{\"max_identity_providers\":2}")).status()).isEqualTo(200);
        assertThat(api.post("/api/orgs/" + small + "/identity-providers", ADMIN, oidc("three")).status()).isEqualTo(201);

        String noSso = createOrg(uniqueOrgId("nosso"), false, 10);
        Reply refused = api.post("/api/orgs/" + noSso + "/identity-providers", ADMIN, oidc("any"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asString()).isEqualTo("sso_not_enabled");
        assertThat(countIdps(noSso)).isZero();
    }

    @Test
    void credentialsAndRolesAreChecked() {
        assertThat(api.post(base(), key, oidc("mine")).status()).isEqualTo(201);
        assertThat(api.get(base(), null).status()).isEqualTo(401);
        assertThat(api.get(base(), "gh_not-a-real-key").status()).isEqualTo(401);
        assertThat(api.send("GET", base(), null, null, null, "X-API-Key", key).status()).isEqualTo(200);
        assertThat(api.get(base() + "?api_key=" + key, null).status()).isEqualTo(200);

        String viewer = createKey(org, "viewer");
        assertThat(api.get(base() + "/mine", viewer).status()).isEqualTo(200);
        Reply forbidden = api.post(base(), viewer, oidc("viewer-made"));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("code").asString()).isEqualTo("forbidden");
        assertThat(api.delete(base() + "/mine", viewer).status()).isEqualTo(403);

        String stranger = createKey(createOrg(uniqueOrgId("stranger")), "org_admin");
        assertThat(api.get(base() + "/mine", stranger).status()).isEqualTo(404);
        assertThat(api.get(base(), stranger).status()).isEqualTo(404);
        assertThat(api.delete(base() + "/mine", stranger).status()).isEqualTo(404);
        assertThat(api.get(base() + "/mine", key).status()).isEqualTo(200);
        // an idp_manager may not mint keys
        assertThat(api.post("/api/orgs/" + org + "/api-keys", key,
                ApiClient.object().put("name", "x").put("role", "org_admin")).status()).isEqualTo(403);
    }

    @Test
    void patchKeepsTheSecretUnlessItsDestinationChanges() {
        assertThat(api.post(base(), key, oidc("patchy")).status()).isEqualTo(201);
        Reply renamed = api.patch(base() + "/patchy", key, ApiClient.parse("{\"display_name\": \"Renamed\"}"));
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        assertThat(renamed.json().get("display_name").asString()).isEqualTo("Renamed");
        assertThat(renamed.json().at("/oidc/client_secret").asString()).isEqualTo("**********");

        ObjectNode moveIssuer = ApiClient.parse("{\"oidc\": {\"issuer\": \"https://attacker.example.net\","
                + " \"authorization_endpoint\": \"https://attacker.example.net/a\", \"token_endpoint\":"
                + " \"https://attacker.example.net/t\", \"jwks_uri\": \"https://attacker.example.net/k\"}}");
        Reply refused = api.patch(base() + "/patchy", key, moveIssuer);
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.errorCodes()).containsExactly("oidc.client_secret:secret_required");
        assertThat(api.get(base() + "/patchy", key).json().at("/oidc/issuer").asString()).isEqualTo(discovery.issuer());

        ((ObjectNode) moveIssuer.get("oidc")).put("client_secret", "a-new-secret");
        Reply moved = api.patch(base() + "/patchy", key, moveIssuer);
        assertThat(moved.status()).as(moved.text()).isEqualTo(200);
        assertThat(moved.json().at("/oidc/issuer").asString()).isEqualTo("https://attacker.example.net");
    }

    @Test
    void putReplacesAndAGetResponseCanBeSentBack() {
        Reply created = api.post(base(), key, oidc("roundtrip"));
        ObjectNode back = (ObjectNode) created.json();
        back.put("display_name", "Round trip");
        back.put("enabled", false);
        Reply put = api.put(base() + "/roundtrip", key, back);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.json().get("enabled").asBoolean()).isFalse();
        assertThat(put.json().at("/oidc/client_secret").asString()).isEqualTo("**********");

        ObjectNode rename = back.deepCopy();
        rename.put("alias", "renamed");
        Reply refused = api.put(base() + "/roundtrip", key, rename);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.errorCodes()).containsExactly("alias:immutable");
    }

    @Test
    void deleteRemovesTheProviderAndFreesItsDomain() {
        ObjectNode body = oidc("gone");
        assertThat(api.post(base(), key, body).status()).isEqualTo(201);
        assertThat(api.delete(base() + "/gone", key).status()).isEqualTo(204);
        assertThat(api.get(base() + "/gone", key).status()).isEqualTo(404);
        assertThat(api.delete(base() + "/gone", key).status()).isEqualTo(404);
        assertThat(api.post(base(), key, body).status()).isEqualTo(201);
    }

    @Test
    void listsWithCursorPagingAndFilters() {
        for (int i = 0; i < 5; i++) {
            ObjectNode body = oidc("p" + i);
            body.put("enabled", i % 2 == 0);
            assertThat(api.post(base(), key, body).status()).isEqualTo(201);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = api.get(base() + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), key);
            assertThat(page.status()).isEqualTo(200);
            page.json().get("items").forEach(i -> seen.add(i.get("alias").asString()));
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asString();
        } while (cursor != null);
        assertThat(seen).containsExactly("p0", "p1", "p2", "p3", "p4");
        assertThat(api.get(base() + "?enabled=false", key).json().get("items")).hasSize(2);
        assertThat(api.get(base() + "?protocol=saml", key).json().get("items")).isEmpty();
        assertThat(api.get(base() + "?protocol=ldap", key).status()).isEqualTo(422);
        assertThat(api.get(base() + "?limit=0", key).status()).isEqualTo(422);
        assertThat(api.get(base() + "?cursor=!!!", key).status()).isEqualTo(422);
    }

    @Test
    void negotiatesTheResponseFormat() {
        assertThat(api.post(base(), key, oidc("formats")).status()).isEqualTo(201);
        Reply xml = api.get(base() + "/formats", key, "Accept", "application/xml");
        assertThat(xml.status()).isEqualTo(200);
        assertThat(xml.text()).startsWith("<identity_provider>").contains("<alias>formats</alias>");
        Reply textXml = api.get(base() + "/formats", key, "Accept", "text/xml");
        assertThat(textXml.header("Content-Type")).startsWith("text/xml");
        Reply hal = api.get(base() + "/formats", key, "Accept", "application/hal+json");
        assertThat(hal.json().at("/_links/self/href").asString()).isEqualTo(base() + "/formats");
        Reply csv = api.get(base(), key, "Accept", "text/csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.text().lines().findFirst().orElseThrow()).startsWith("id,org,alias");
        assertThat(csv.text()).contains("formats");
        assertThat(api.get(base() + "/formats", key, "Accept", "text/csv").status()).isEqualTo(406);
        Reply html = api.get(base(), key, "Accept", "text/html");
        assertThat(html.status()).isEqualTo(406);
        assertThat(html.json().get("code").asString()).isEqualTo("not_acceptable");
    }

    @Test
    void knownProviderPresetsFillRealDefaults() {
        ObjectNode google = ApiClient.parse("""
                {"alias": "google", "display_name": "Google", "protocol": "oidc", "known_provider": "google",
                 "oidc": {"client_id": "123.apps.googleusercontent.com", "client_secret": "x"}}""");
        Reply r = api.post(base(), key, google);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/oidc/issuer").asString()).isEqualTo("https://accounts.google.com");
        assertThat(r.json().at("/oidc/authorization_endpoint").asString())
                .isEqualTo("https://accounts.google.com/o/oauth2/v2/auth");
        assertThat(r.json().at("/oidc/jwks_uri").asString()).isEqualTo("https://www.googleapis.com/oauth2/v3/certs");

        ObjectNode entra = ApiClient.parse("""
                {"alias": "entra", "display_name": "Entra", "protocol": "oidc", "known_provider": "entra_id",
                 "oidc": {"tenant_id": "organizations", "client_id": "abc", "client_secret": "x"}}""");
        Reply e = api.post(base(), key, entra);
        assertThat(e.status()).as(e.text()).isEqualTo(201);
        assertThat(e.json().at("/oidc/issuer").asString()).isEqualTo("https://login.microsoftonline.com/organizations/v2.0");
        assertThat(e.json().at("/oidc/token_endpoint").asString())
                .isEqualTo("https://login.microsoftonline.com/organizations/oauth2/v2.0/token");

        ObjectNode github = ApiClient.parse("""
                {"alias": "github", "display_name": "GitHub", "known_provider": "github",
                 "oidc": {"client_id": "Iv1.abc", "client_secret": "x"}}""");
        Reply g = api.post(base(), key, github);
        assertThat(g.status()).as(g.text()).isEqualTo(201);
        assertThat(g.json().get("protocol").asString()).isEqualTo("oidc");
        assertThat(g.json().at("/oidc/userinfo_endpoint").asString()).isEqualTo("https://api.github.com/user");
        assertThat(g.json().at("/oidc/scopes").toString()).doesNotContain("openid");

        ObjectNode mismatch = github.deepCopy().put("alias", "github-saml").put("protocol", "saml");
        mismatch.remove("oidc");
        mismatch.putObject("saml").put("metadata_url", "https://example.com/md");
        Reply m = api.post(base(), key, mismatch);
        assertThat(m.status()).isEqualTo(422);
        assertThat(m.errorCodes()).contains("known_provider:protocol_mismatch");
    }
}
