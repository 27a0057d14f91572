package io.gatehouse.issuer;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.Sha256;
import io.gatehouse.tenancy.OrgId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/** The registered applications; client secrets are 256-bit random values, so a plain SHA-256 is their hash. */
@Component
public class Applications {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JdbcClient jdbc;

    Applications(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new application and, for a confidential client, its secret (shown once). */
    public record Registered(Application application, Optional<String> clientSecret) {
        @Override
        public String toString() {
            return "Registered[" + application.clientId() + ", secret redacted]";
        }
    }

    public Registered register(String name, List<String> redirectUris, Optional<List<OrgId>> allowedOrgs,
                               boolean publicClient, String idTokenAlg, Instant now) {
        return register("app_" + RandomTokens.urlSafe(18), name, redirectUris, allowedOrgs,
                publicClient ? Optional.empty() : Optional.of("gh_cs_" + RandomTokens.urlSafe(32)), idTokenAlg, now);
    }

    /** With a chosen id and secret: the demo's own application. */
    public Registered register(String clientId, String name, List<String> redirectUris,
                               Optional<List<OrgId>> allowedOrgs, Optional<String> secret, String idTokenAlg,
                               Instant now) {
        ArrayNode uris = JSON.createArrayNode();
        redirectUris.forEach(uris::add);
        String orgs = allowedOrgs.map(list -> {
            ArrayNode a = JSON.createArrayNode();
            list.forEach(o -> a.add(o.value()));
            return a.toString();
        }).orElse(null);
        jdbc.sql("insert into applications (client_id, name, secret_hash, redirect_uris, allowed_orgs, id_token_alg,"
                        + " created_at) values (?, ?, ?, ?, ?, ?, ?)")
                .params(clientId, name, secret.map(Applications::hash).orElse(null), uris.toString(), orgs, idTokenAlg,
                        Timestamp.from(now))
                .update();
        return new Registered(new Application(clientId, name, secret.map(Applications::hash), redirectUris, allowedOrgs,
                idTokenAlg, now), secret);
    }

    public Optional<Application> find(String clientId) {
        if (clientId == null || clientId.length() > 64) {
            return Optional.empty();
        }
        return jdbc.sql("select * from applications where client_id = ?").param(clientId)
                .query(Applications::row).optional();
    }

    public List<Application> list() {
        return jdbc.sql("select * from applications order by created_at, client_id").query(Applications::row).list();
    }

    public boolean delete(String clientId) {
        return jdbc.sql("delete from applications where client_id = ?").param(clientId).update() > 0;
    }

    /** Constant-time comparison of a presented secret with the stored hash. */
    public static boolean secretMatches(Application app, String presented) {
        return app.secretHash().isPresent() && presented != null && MessageDigest.isEqual(
                app.secretHash().get().getBytes(StandardCharsets.US_ASCII),
                hash(presented).getBytes(StandardCharsets.US_ASCII));
    }

    static String hash(String secret) {
        return Sha256.hex(secret);
    }

    private static Application row(ResultSet rs, int n) throws SQLException {
        List<String> uris = strings(JSON.readTree(rs.getString("redirect_uris")));
        Optional<List<OrgId>> orgs = Optional.ofNullable(rs.getString("allowed_orgs"))
                .map(s -> strings(JSON.readTree(s)).stream().map(OrgId::new).toList());
        return new Application(rs.getString("client_id"), rs.getString("name"),
                Optional.ofNullable(rs.getString("secret_hash")), uris, orgs, rs.getString("id_token_alg"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static List<String> strings(JsonNode array) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.stringValue()));
        return out;
    }
}
