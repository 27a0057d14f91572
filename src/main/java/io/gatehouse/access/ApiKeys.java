package io.gatehouse.access;

import io.gatehouse.crypto.Secret;
import io.gatehouse.tenancy.OrgId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Issues, lists, revokes and authenticates API keys. Keys are 256-bit random values, so a plain
 * SHA-256 is the right hash: there is nothing to brute-force, and lookups stay one indexed query.
 */
@Service
public class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Optional<byte[]> platformKeyHash;
    private final Cache<String, Optional<Caller>> recent = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(5)).build();

    ApiKeys(JdbcClient jdbc, Clock clock, PlatformAdminKey platformKey) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.platformKeyHash = platformKey.value().map(ApiKeys::sha256);
    }

    public IssuedApiKey issue(OrgId org, String name, ApiKeyRole role) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String plaintext = "gh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        byte[] idBytes = new byte[8];
        RANDOM.nextBytes(idBytes);
        String id = "key_" + HexFormat.of().formatHex(idBytes);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        jdbc.sql("insert into api_keys (id, org_id, name, role, key_hash, created_at) values (?, ?, ?, ?, ?, ?)")
                .params(id, org.value(), name, role.wireName(), HexFormat.of().formatHex(sha256(plaintext)),
                        Timestamp.from(now))
                .update();
        return new IssuedApiKey(new ApiKey(id, org, name, role, now), new Secret(plaintext));
    }

    public List<ApiKey> list(OrgId org) {
        return jdbc.sql("select * from api_keys where org_id = ? order by created_at, id").param(org.value())
                .query(ApiKeys::row).list();
    }

    public boolean revoke(OrgId org, String id) {
        boolean revoked = jdbc.sql("delete from api_keys where org_id = ? and id = ?").params(org.value(), id).update() > 0;
        // this node forgets at once; others within the cache's few seconds
        recent.invalidateAll();
        return revoked;
    }

    /**
     * The caller a presented key stands for, if it is a known key. Answers are kept for a few
     * seconds (keyed by the hash, never the key): a revocation reaches every node within that time.
     */
    public Optional<Caller> authenticate(String presented) {
        byte[] hash = sha256(presented);
        if (platformKeyHash.isPresent() && MessageDigest.isEqual(platformKeyHash.get(), hash)) {
            return Optional.of(new Caller.PlatformAdmin());
        }
        String hex = HexFormat.of().formatHex(hash);
        return recent.get(hex, h -> jdbc.sql("select * from api_keys where key_hash = ?").param(h)
                .query(ApiKeys::row).optional()
                .map(k -> new Caller.OrgKey(k.id(), k.org(), k.role())));
    }

    private static ApiKey row(ResultSet rs, int n) throws SQLException {
        return new ApiKey(rs.getString("id"), new OrgId(rs.getString("org_id")), rs.getString("name"),
                ApiKeyRole.fromWireName(rs.getString("role")).orElseThrow(), rs.getTimestamp("created_at").toInstant());
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
