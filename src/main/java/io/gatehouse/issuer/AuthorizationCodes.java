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
 * the PKCE challenge. It is read, checked, then spent by one conditional UPDATE, so a code works once
 * across all nodes and only for the request that can prove the bindings.
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

    /** What a presented code stands for, before anything is decided about it. */
    sealed interface Lookup {
        /**
         * A live code, or one redeemed before ({@code used}: a second use is a replay). Either way
         * nothing happens to it until the request has proved the grant's bindings.
         */
        record Found(Grant grant, boolean used) implements Lookup {
        }

        /** No such code, or it expired. */
        record Unknown() implements Lookup {
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

    /**
     * Reads a code without changing it: the token endpoint checks the client, the redirect URI and
     * the PKCE verifier against the grant first, so a request that fails them never spends the code
     * nor revokes what it issued (a stolen code alone can do neither).
     */
    Lookup find(String code, Instant now) {
        if (code == null || code.isEmpty() || code.length() > 100) {
            return new Lookup.Unknown();
        }
        return jdbc.sql("select * from authorization_codes where code_hash = ?").param(Applications.hash(code))
                .query((rs, n) -> {
                    Grant grant = new Grant(rs.getString("code_hash"), rs.getString("client_id"),
                            rs.getString("redirect_uri"), Optional.ofNullable(rs.getString("code_challenge")),
                            Optional.ofNullable(rs.getString("nonce")), rs.getString("scope"),
                            new OrgId(rs.getString("org_id")), rs.getString("user_id"), rs.getString("claims"),
                            rs.getTimestamp("auth_time").toInstant());
                    if (rs.getTimestamp("used_at") != null) {
                        return (Lookup) new Lookup.Found(grant, true);
                    }
                    return rs.getTimestamp("expires_at").toInstant().isAfter(now) ? new Lookup.Found(grant, false)
                            : new Lookup.Unknown();
                })
                .optional().orElseGet(Lookup.Unknown::new);
    }

    /**
     * Spends a checked code: one conditional UPDATE, so of any number of requests on any number of
     * nodes exactly one wins. False when another request spent it first (or it just expired).
     */
    boolean consume(String codeHash, Instant now) {
        return jdbc.sql("update authorization_codes set used_at = ? where code_hash = ? and used_at is null"
                        + " and expires_at > ?")
                .params(Timestamp.from(now), codeHash, Timestamp.from(now)).update() == 1;
    }
}
