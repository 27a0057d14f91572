package io.gatehouse.access;

import io.gatehouse.api.ProblemException;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Issues, lists, revokes and authenticates API keys. Keys are 256-bit random values, so a plain
 * SHA-256 is the right hash: there is nothing to brute-force, and lookups stay one indexed query.
 * A key is bound to its org's row (the org's created_at), not only to its id: an org deleted and
 * created again under the same id never honours a key of the one before.
 */
@Service
public class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What {@link #issue} hands out: "gh_" and 32 random bytes in unpadded base64url. */
    private static final Pattern ISSUED_FORM = Pattern.compile("gh_[A-Za-z0-9_-]{43}");
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Optional<byte[]> platformKeyHash;
    /**
     * Answers kept a few seconds, keyed by the key's hash; each remembers the generation it was read
     * in, and a revocation or an org's deletion starts a new one: an answer read before it (even one
     * whose query raced the commit) is never used after it.
     */
    private final Cache<String, Known> recent = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(5)).build();
    private final AtomicLong generation = new AtomicLong();

    private record Known(long generation, Optional<Caller> caller) {
    }

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
        int inserted = jdbc.sql("insert into api_keys (id, org_id, name, role, key_hash, created_at, org_created_at)"
                        + " select ?, id, ?, ?, ?, ?, created_at from orgs where id = ?")
                .params(id, name, role.wireName(), HexFormat.of().formatHex(sha256(plaintext)), Timestamp.from(now),
                        org.value())
                .update();
        if (inserted == 0) {
            throw ProblemException.notFound("Organization " + org);
        }
        return new IssuedApiKey(new ApiKey(id, org, name, role, now), new Secret(plaintext));
    }

    public List<ApiKey> list(OrgId org) {
        return jdbc.sql("select * from api_keys where org_id = ? order by created_at, id").param(org.value())
                .query(ApiKeys::row).list();
    }

    public boolean revoke(OrgId org, String id) {
        boolean revoked = jdbc.sql("delete from api_keys where org_id = ? and id = ?").params(org.value(), id).update() > 0;
        forgetCachedAnswers();
        return revoked;
    }

    /**
     * Called in the transaction that deletes an org (its keys go with it by the cascade): this node
     * forgets its cached answers once that commits. Other nodes forget theirs within the cache's
     * few seconds.
     */
    public void orgDeleted(OrgId org) {
        forgetCachedAnswers();
    }

    /** Now, and again after the surrounding transaction commits (a read in between saw the old rows). */
    private void forgetCachedAnswers() {
        forgetNow();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    forgetNow();
                }
            });
        }
    }

    private void forgetNow() {
        generation.incrementAndGet();
        recent.invalidateAll();
    }

    /**
     * The caller a presented key stands for, if it is a known key of an org that still exists (the
     * same row it was issued in). Answers are kept for a few seconds: a revocation or an org's
     * deletion is seen at once on this node, and within that time on every other.
     */
    public Optional<Caller> authenticate(String presented) {
        byte[] hash = sha256(presented);
        if (platformKeyHash.isPresent() && MessageDigest.isEqual(platformKeyHash.get(), hash)) {
            return Optional.of(new Caller.PlatformAdmin());
        }
        if (!ISSUED_FORM.matcher(presented).matches()) {
            // no key was ever issued in this form: no query, and nothing cached that could push out a real answer
            return Optional.empty();
        }
        String hex = HexFormat.of().formatHex(hash);
        long current = generation.get();
        Known known = recent.getIfPresent(hex);
        if (known != null && known.generation() == current) {
            return known.caller();
        }
        Optional<Caller> caller = jdbc.sql("select k.* from api_keys k join orgs o on o.id = k.org_id"
                        + " and o.created_at = k.org_created_at where k.key_hash = ?").param(hex)
                .query(ApiKeys::row).optional()
                .map(k -> new Caller.OrgKey(k.id(), k.org(), k.role()));
        recent.put(hex, new Known(current, caller));
        return caller;
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
