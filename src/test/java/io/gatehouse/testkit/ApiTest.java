package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.node.ObjectNode;

/** Base of the API tests: a real server on a random port and helpers to set up orgs and keys. */
public abstract class ApiTest {
    @LocalServerPort
    protected int port;
    protected ApiClient api;
    protected static final String ADMIN = GatehouseInitializers.ADMIN_KEY;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    /** A fresh org id, so tests never collide on shared databases. */
    protected static String uniqueOrgId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh email domain. */
    protected static String uniqueDomain() {
        return "d" + UUID.randomUUID().toString().substring(0, 10) + ".example.com";
    }

    protected String createOrg(String id) {
        ObjectNode body = ApiClient.object().put("id", id).put("name", "Org " + id);
        ApiClient.Reply r = api.post("/api/orgs", ADMIN, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return id;
    }

    protected String createOrg(String id, boolean sso, int max) {
        ObjectNode body = ApiClient.object().put("id", id).put("name", "Org " + id).put("sso_enabled", sso)
                .put("max_identity_providers", max);
        ApiClient.Reply r = api.post("/api/orgs", ADMIN, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return id;
    }

    protected String createKey(String org, String role) {
        ApiClient.Reply r = api.post("/api/orgs/" + org + "/api-keys", ADMIN,
                ApiClient.object().put("name", role + " key").put("role", role));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("key").asString();
    }

    protected int countIdps(String org) {
        ApiClient.Reply r = api.get("/api/orgs/" + org + "/identity-providers?limit=200", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("items").size();
    }
}
