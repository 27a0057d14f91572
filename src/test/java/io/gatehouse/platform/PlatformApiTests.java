package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Organizations, API keys and events, and what is (not) kept in the database. */
abstract class PlatformApiTests extends ApiTest {
    @Autowired
    DataSource dataSource;

    @Test
    void organizationsLifecycle() {
        String id = uniqueOrgId("life");
        Reply created = api.post("/api/orgs", ADMIN, ApiClient.object().put("id", id).put("name", "Life Inc."));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/orgs/" + id);
        assertThat(created.json().get("sso_enabled").asBoolean()).isTrue();
        assertThat(created.json().get("max_identity_providers").asInt()).isEqualTo(10);
        Reply again = api.post("/api/orgs", ADMIN, ApiClient.object().put("id", id).put("name", "Again"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("org_exists");

        Reply patched = api.patch("/api/orgs/" + id, ADMIN, ApiClient.parse("{\"sso_enabled\": false}"));
        assertThat(patched.json().get("sso_enabled").asBoolean()).isFalse();
        assertThat(patched.json().get("name").asString()).isEqualTo("Life Inc.");

        List<String> ids = new ArrayList<>();
        api.get("/api/orgs?limit=200", ADMIN).json().get("items").forEach(o -> ids.add(o.get("id").asString()));
        assertThat(ids).contains(id);

        assertThat(api.delete("/api/orgs/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/orgs/" + id, ADMIN).status()).isEqualTo(404);
    }

    @Test
    void onlyThePlatformAdminManagesOrganizations() {
        String org = createOrg(uniqueOrgId("own"));
        String orgAdmin = createKey(org, "org_admin");
        assertThat(api.post("/api/orgs", orgAdmin, ApiClient.object().put("id", uniqueOrgId("x")).put("name", "X"))
                .status()).isEqualTo(403);
        assertThat(api.get("/api/orgs", orgAdmin).status()).isEqualTo(403);
        assertThat(api.get("/api/orgs/" + org, orgAdmin).status()).isEqualTo(200);
        assertThat(api.delete("/api/orgs/" + org, orgAdmin).status()).isEqualTo(403);
        assertThat(api.get("/api/orgs", null).status()).isEqualTo(401);
    }

    @Test
    void keysAreShownOnceStoredHashedAndRevocable() {
        String org = createOrg(uniqueOrgId("keys"));
        Reply issued = api.post("/api/orgs/" + org + "/api-keys", ADMIN,
                ApiClient.object().put("name", "deploy").put("role", "org_admin"));
        assertThat(issued.status()).isEqualTo(201);
        String key = issued.json().get("key").asString();
        String keyId = issued.json().get("id").asString();
        assertThat(key).startsWith("gh_");

        Reply listed = api.get("/api/orgs/" + org + "/api-keys", key);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.text()).contains(keyId).doesNotContain(key);
        String stored = JdbcClient.create(dataSource).sql("select key_hash from api_keys where id = ?").param(keyId)
                .query(String.class).single();
        assertThat(stored).hasSize(64).isNotEqualTo(key);

        // an org admin may mint keys for its own org
        Reply minted = api.post("/api/orgs/" + org + "/api-keys", key,
                ApiClient.object().put("name", "viewer").put("role", "viewer"));
        assertThat(minted.status()).isEqualTo(201);
        Reply badRole = api.post("/api/orgs/" + org + "/api-keys", key,
                ApiClient.object().put("name", "root").put("role", "superuser"));
        assertThat(badRole.status()).isEqualTo(422);
        assertThat(badRole.errorCodes()).containsExactly("role:invalid_value");

        assertThat(api.delete("/api/orgs/" + org + "/api-keys/" + keyId, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/orgs/" + org, key).status()).isEqualTo(401);
    }

    @Test
    void clientSecretsAreEncryptedAtRestAndRedactedFromEvents() {
        String org = createOrg(uniqueOrgId("atrest"));
        Reply created = api.post("/api/orgs/" + org + "/identity-providers", ADMIN, ApiClient.parse("""
                {"alias": "vault", "display_name": "Vault", "protocol": "oidc",
                 "oidc": {"issuer": "https://idp.example.com", "client_id": "c", "client_secret": "plain-text-secret-42",
                          "authorization_endpoint": "https://idp.example.com/a", "token_endpoint": "https://idp.example.com/t",
                          "jwks_uri": "https://idp.example.com/k"}}"""));
        assertThat(created.status()).isEqualTo(201);
        String row = JdbcClient.create(dataSource)
                .sql("select config || coalesce(secrets, '') from identity_providers where org_id = ?").param(org)
                .query(String.class).single();
        assertThat(row).doesNotContain("plain-text-secret-42");
        String events = JdbcClient.create(dataSource).sql("select details from events where org_id = ?").param(org)
                .query(String.class).list().toString();
        assertThat(events).doesNotContain("plain-text-secret-42");
        Reply read = api.get("/api/orgs/" + org + "/events", ADMIN);
        assertThat(read.text()).doesNotContain("plain-text-secret-42").contains("\"client_secret\":\"**********\"");
    }

    @Test
    void eventsRecordWhoChangedWhatNewestFirst() {
        String org = createOrg(uniqueOrgId("events"));
        String key = createKey(org, "idp_manager");
        String viewer = createKey(org, "viewer");
        api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "ev", "display_name": "Ev", "protocol": "saml",
                 "saml": {"entity_id": "https://idp", "sso_url": "https://idp/sso",
                          "cert_fingerprint": "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD",
                          "cert_fingerprint_algorithm": "sha1"}}"""));
        api.patch("/api/orgs/" + org + "/identity-providers/ev", key, ApiClient.parse("{\"enabled\": false}"));
        api.delete("/api/orgs/" + org + "/identity-providers/ev", key);
        Reply events = api.get("/api/orgs/" + org + "/events?limit=3", viewer);
        assertThat(events.status()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        for (JsonNode e : events.json().get("items")) {
            types.add(e.get("type").asString());
        }
        assertThat(types).containsExactly("identity_provider.deleted", "identity_provider.updated",
                "identity_provider.created");
        JsonNode update = events.json().get("items").get(1);
        assertThat(update.get("actor").asString()).startsWith("api-key:key_");
        assertThat(update.at("/details/before/enabled").asBoolean()).isTrue();
        assertThat(update.at("/details/after/enabled").asBoolean()).isFalse();
        assertThat(update.get("trace_id").asString()).isNotBlank();
        String next = events.json().get("next_cursor").asString();
        Reply older = api.get("/api/orgs/" + org + "/events?cursor=" + next, viewer);
        assertThat(older.json().get("items").get(0).get("type").asString()).isEqualTo("api_key.created");
        Reply csv = api.get("/api/orgs/" + org + "/events", viewer, "Accept", "text/csv");
        assertThat(csv.text()).startsWith("id,category,type,actor");
    }
}
