package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.Sha256;
import io.gatehouse.testkit.ApiTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A key stops working the moment its org is deleted or it is revoked, cached answers included, and
 * a key never opens an org re-created under the same id: keys belong to the org's row, not its id.
 */
abstract class ApiKeyLifecycleTests extends ApiTest {
    @Autowired
    JdbcClient jdbc;

    private int getOrg(String org, String key) {
        return api.get("/api/orgs/" + org, key).status();
    }

    @Test
    void aDeletedOrgsKeyNeverOpensTheOrgRecreatedUnderItsId() {
        String org = createOrg(uniqueOrgId("reborn"));
        String oldKey = createKey(org, "org_admin");
        // this node now holds the answer for the old key
        assertThat(getOrg(org, oldKey)).isEqualTo(200);
        assertThat(api.delete("/api/orgs/" + org, ADMIN).status()).isEqualTo(204);
        createOrg(org);
        assertThat(getOrg(org, oldKey)).isEqualTo(401);
        assertThat(api.get("/api/orgs/" + org + "/api-keys", oldKey).status()).isEqualTo(401);
        // the twin: a key of the new org works
        assertThat(getOrg(org, createKey(org, "org_admin"))).isEqualTo(200);
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndItsSiblingsStillWork() {
        String org = createOrg(uniqueOrgId("revoke"));
        String admin = createKey(org, "org_admin");
        var issued = api.post("/api/orgs/" + org + "/api-keys", admin,
                io.gatehouse.testkit.ApiClient.object().put("name", "ci").put("role", "viewer"));
        String revoked = issued.json().get("key").asString();
        assertThat(getOrg(org, revoked)).isEqualTo(200);
        assertThat(api.delete("/api/orgs/" + org + "/api-keys/" + issued.json().get("id").asString(), admin).status())
                .isEqualTo(204);
        assertThat(getOrg(org, revoked)).isEqualTo(401);
        assertThat(getOrg(org, admin)).isEqualTo(200);
    }

    @Test
    void aKeyRowOfAnEarlierIncarnationOfTheOrgIsRefused() {
        String org = createOrg(uniqueOrgId("incarnation"));
        Timestamp orgCreated = jdbc.sql("select created_at from orgs where id = ?").param(org).query(Timestamp.class)
                .single();
        // a key row that outlived its org (a restore, a database without the cascade), under the same id
        String leftover = issuedForm();
        insertKeyRow(org, leftover, Timestamp.from(orgCreated.toInstant().minusSeconds(86_400)));
        assertThat(getOrg(org, leftover)).isEqualTo(401);
        // the twin: the same row bound to the org's present row is honoured
        String current = issuedForm();
        insertKeyRow(org, current, orgCreated);
        assertThat(getOrg(org, current)).isEqualTo(200);
    }

    /** A value of the form ApiKeys issues (any other form is refused before the database is asked). */
    private static String issuedForm() {
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        return "gh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private void insertKeyRow(String org, String plaintext, Timestamp orgCreatedAt) {
        jdbc.sql("insert into api_keys (id, org_id, name, role, key_hash, created_at, org_created_at)"
                        + " values (?, ?, 'row', 'viewer', ?, ?, ?)")
                .params("key_" + UUID.randomUUID().toString().substring(0, 16), org, Sha256.hex(plaintext),
                        Timestamp.from(Instant.now()), orgCreatedAt)
                .update();
    }
}
