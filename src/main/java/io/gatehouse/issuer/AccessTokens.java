package io.gatehouse.issuer;

import io.gatehouse.crypto.RandomTokens;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Opaque access tokens for userinfo, stored by hash with the claims they may read; revocable per code. */
@Component
class AccessTokens {
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final int PURGE_EVERY = 500;
    private final JdbcClient jdbc;
    private final AtomicInteger issued = new AtomicInteger();

    AccessTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    String issue(String codeHash, String clientId, String claimsJson, Instant now) {
        if (issued.incrementAndGet() % PURGE_EVERY == 0) {
            jdbc.sql("delete from access_tokens where expires_at < ?").param(Timestamp.from(now)).update();
        }
        String token = RandomTokens.urlSafe(32);
        jdbc.sql("insert into access_tokens (token_hash, code_hash, client_id, claims, expires_at, revoked)"
                        + " values (?, ?, ?, ?, ?, false)")
                .params(Applications.hash(token), codeHash, clientId, claimsJson, Timestamp.from(now.plus(LIFETIME)))
                .update();
        return token;
    }

    /** The claims a live token may read. */
    Optional<String> claims(String token, Instant now) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("select claims from access_tokens where token_hash = ? and revoked = false and expires_at > ?")
                .params(Applications.hash(token), Timestamp.from(now)).query(String.class).optional();
    }

    /** A replayed code revokes everything it issued (RFC 6749 section 4.1.2). */
    void revokeIssuedFor(String codeHash) {
        jdbc.sql("update access_tokens set revoked = true where code_hash = ?").param(codeHash).update();
    }
}
