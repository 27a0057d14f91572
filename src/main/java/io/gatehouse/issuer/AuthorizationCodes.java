package io.gatehouse.issuer;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.tenancy.OrgId;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One-time authorization codes (60 s), stored by hash and bound to the client, the redirect URI and
 * the PKCE challenge; redeeming is one conditional UPDATE, so a code works once across all nodes.
 */
@Component
class AuthorizationCodes {
    static final Duration LIFETIME = Duration.ofSeconds(60);
    /**
     * How long a code's row outlives the code: longer than the access tokens it issued, whose
     * revocation (on a replay of the code) is read from this row.
     */
    static final Duration KEPT_AFTER_EXPIRY = Duration.ofHours(1);
    private static final int PURGE_EVERY = 500;
    private final JdbcClient jdbc;
    private final AtomicInteger issued = new AtomicInteger();

    AuthorizationCodes(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A code's grant, as stored. */
    record Grant(String codeHash, String clientId, String redirectUri, Optional<String> codeChallenge,
                 Optional<String> nonce, String scope, OrgId org, String userId, String claimsJson, Instant authTime) {
    }

    /** The outcome of redeeming a code. */
    sealed interface Redemption {
        record Redeemed(Grant grant) implements Redemption {
        }

        /** Used before: whatever it issued is revoked. */
        record Replayed(String codeHash) implements Redemption {
        }

        record Unknown() implements Redemption {
        }
    }

    String issue(AppRequest request, OrgId org, String userId, String claimsJson, Instant authTime, Instant now) {
        if (issued.incrementAndGet() % PURGE_EVERY == 0) {
            jdbc.sql("delete from authorization_codes where expires_at < ?").param(Timestamp.from(now.minus(KEPT_AFTER_EXPIRY)))
                    .update();
        }
        String code = RandomTokens.urlSafe(32);
        jdbc.sql("insert into authorization_codes (code_hash, client_id, redirect_uri, code_challenge, nonce, scope,"
                        + " org_id, user_id, claims, auth_time, created_at, expires_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(Applications.hash(code), request.clientId(), request.redirectUri(),
                        request.codeChallenge().orElse(null), request.nonce().orElse(null), request.scope(),
                        org.value(), userId, claimsJson, Timestamp.from(authTime), Timestamp.from(now),
                        Timestamp.from(now.plus(LIFETIME)))
                .update();
        return code;
    }

    Redemption redeem(String code, Instant now) {
        if (code == null || code.isEmpty() || code.length() > 100) {
            return new Redemption.Unknown();
        }
        String hash = Applications.hash(code);
        int claimed = jdbc.sql("update authorization_codes set used_at = ? where code_hash = ? and used_at is null"
                        + " and expires_at > ?")
                .params(Timestamp.from(now), hash, Timestamp.from(now)).update();
        if (claimed == 1) {
            return jdbc.sql("select * from authorization_codes where code_hash = ?").param(hash)
                    .query((rs, n) -> (Redemption) new Redemption.Redeemed(new Grant(rs.getString("code_hash"),
                            rs.getString("client_id"), rs.getString("redirect_uri"),
                            Optional.ofNullable(rs.getString("code_challenge")), Optional.ofNullable(rs.getString("nonce")),
                            rs.getString("scope"), new OrgId(rs.getString("org_id")), rs.getString("user_id"),
                            rs.getString("claims"), rs.getTimestamp("auth_time").toInstant())))
                    .single();
        }
        boolean usedBefore = jdbc.sql("select count(*) from authorization_codes where code_hash = ? and used_at is not null")
                .param(hash).query(Integer.class).single() > 0;
        return usedBefore ? new Redemption.Replayed(hash) : new Redemption.Unknown();
    }
}
