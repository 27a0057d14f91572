package io.gatehouse.portal;

import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.WireEnum;
import io.gatehouse.portal.TestSignIn.Result;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.tenancy.OrgId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;

/** Rows of test sign-ins; the link's secret is kept as its SHA-256 only. */
@Repository
class TestSignInStore {
    /** How long finished tests of a provider are kept (each new test sweeps the provider's older ones). */
    static final Duration KEPT = Duration.ofDays(30);
    private final JdbcClient jdbc;

    TestSignInStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(TestSignIn test, String linkHash) {
        jdbc.sql("delete from test_sign_ins where idp_id = ? and created_at < ?")
                .params(test.idpId(), Timestamp.from(test.createdAt().minus(KEPT))).update();
        jdbc.sql("insert into test_sign_ins (id, org_id, idp_id, link_hash, configuration_revision, actor, status,"
                        + " created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(test.id(), test.org().value(), test.idpId(), linkHash, test.configurationRevision(),
                        test.actor(), test.result().status().wireName(), Timestamp.from(test.createdAt()),
                        Timestamp.from(test.expiresAt()))
                .update();
    }

    Optional<TestSignIn> find(String id) {
        return jdbc.sql("select t.*, i.alias from test_sign_ins t join identity_providers i on i.id = t.idp_id"
                + " where t.id = ?").param(id).query(TestSignInStore::row).optional();
    }

    /** The provider's most recent test, whatever its outcome. */
    Optional<TestSignIn> latest(String idpId) {
        return jdbc.sql("select t.*, i.alias from test_sign_ins t join identity_providers i on i.id = t.idp_id"
                + " where t.idp_id = ? order by t.created_at desc, t.id desc limit 1").param(idpId)
                .query(TestSignInStore::row).optional();
    }

    Optional<TestSignIn> findByLink(String linkHash) {
        return jdbc.sql("select t.*, i.alias from test_sign_ins t join identity_providers i on i.id = t.idp_id"
                + " where t.link_hash = ?").param(linkHash).query(TestSignInStore::row).optional();
    }

    /** Records how the test ended, unless it already has (the first answer counts). */
    boolean finish(String id, Result result, String reason, String stored, Instant at) {
        return jdbc.sql("update test_sign_ins set status = ?, reason = ?, result = ?, finished_at = ?"
                        + " where id = ? and status = ?")
                .params(result.status().wireName(), reason, stored, Timestamp.from(at), id,
                        TestSignIn.Status.PENDING.wireName())
                .update() == 1;
    }

    private static TestSignIn row(ResultSet rs, int n) throws SQLException {
        TestSignIn.Status status = WireEnum.parse(TestSignIn.Status.class, rs.getString("status")).orElseThrow();
        String stored = rs.getString("result");
        JsonNode json = stored == null ? TestSignInJson.JSON.createObjectNode() : TestSignInJson.JSON.readTree(stored);
        Timestamp finished = rs.getTimestamp("finished_at");
        Result result = switch (status) {
            case PENDING -> new Result.Pending();
            case SUCCEEDED -> new Result.Succeeded(finished.toInstant(), TestSignInJson.observed(json).orElseThrow(),
                    TestSignInJson.warnings(json));
            case FAILED -> new Result.Failed(finished.toInstant(), new SignInFailure(reason(rs.getString("reason")),
                    TestSignInJson.detail(json)), TestSignInJson.observed(json), TestSignInJson.warnings(json));
        };
        return new TestSignIn(rs.getString("id"), new OrgId(rs.getString("org_id")), rs.getString("idp_id"),
                new IdpAlias(rs.getString("alias")), rs.getLong("configuration_revision"), rs.getString("actor"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant(), result);
    }

    private static RejectReason reason(String code) {
        return Arrays.stream(RejectReason.values()).filter(r -> r.code().equals(code)).findFirst()
                .orElseThrow(() -> new IllegalStateException("a stored test sign-in names an unknown reason"));
    }
}
