package io.gatehouse.signin;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.Protocol;
import io.gatehouse.tenancy.OrgId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The store of sign-ins in flight. Each attempt expires, and is finished at most once: the claim is a
 * single conditional UPDATE, so two nodes (or a replayed response) cannot both finish it.
 */
@Component
public class SignInAttempts {
    /** Long enough for a user to type a password and answer MFA at the IdP. */
    public static final Duration LIFETIME = Duration.ofMinutes(15);
    private final JdbcClient jdbc;
    private final BrowserKeys browsers;

    SignInAttempts(JdbcClient jdbc, BrowserKeys browsers) {
        this.jdbc = jdbc;
        this.browsers = browsers;
    }

    /** Starts an attempt; the request id is derived from fresh randomness, never from input. */
    public SignInAttempt start(IdentityProvider idp, Optional<String> nonce, Optional<String> codeVerifier,
                               LoginRequest login, Instant now) {
        String id = RandomTokens.urlSafe(32);
        // SAML IDs must be NCNames: they may not start with a digit
        String requestId = "_" + RandomTokens.urlSafe(32);
        Instant expires = now.plus(LIFETIME);
        Optional<String> browser = browsers.forNewAttempt();
        jdbc.sql("insert into signin_attempts (id, org_id, idp_id, protocol, request_id, nonce, code_verifier,"
                        + " app_context, created_at, expires_at, browser_hash, test_sign_in_id)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, idp.org().value(), idp.id(), idp.settings().protocol().wireName(), requestId,
                        nonce.orElse(null), codeVerifier.orElse(null), login.appContext().orElse(null),
                        Timestamp.from(now), Timestamp.from(expires), browser.orElse(null),
                        login.testSignIn().orElse(null))
                .update();
        return new SignInAttempt(id, idp.org(), idp.id(), idp.settings().protocol(), requestId, nonce, codeVerifier,
                login.appContext(), now, expires, browser, login.testSignIn());
    }

    /** Claims the attempt for finishing: empty when unknown, expired or already finished. */
    public Optional<SignInAttempt> claim(String id, Instant now) {
        if (id == null || id.length() > 64) {
            return Optional.empty();
        }
        int claimed = jdbc.sql("update signin_attempts set used_at = ? where id = ? and used_at is null"
                        + " and expires_at > ?")
                .params(Timestamp.from(now), id, Timestamp.from(now)).update();
        if (claimed != 1) {
            return Optional.empty();
        }
        // claimed even when refused below: an attempt answered in a foreign browser is burned, not left to retry
        return jdbc.sql("select * from signin_attempts where id = ?").param(id).query(SignInAttempts::row).optional()
                .filter(browsers::sameBrowser);
    }

    /** The attempt a response answers, found by the request id it echoes, then claimed. */
    public Optional<SignInAttempt> claimByRequestId(String requestId, Instant now) {
        if (requestId == null || requestId.length() > 128) {
            return Optional.empty();
        }
        return jdbc.sql("select id from signin_attempts where request_id = ?").param(requestId)
                .query(String.class).optional().flatMap(id -> claim(id, now));
    }

    /** Drops attempts that can no longer be finished. */
    public int purgeExpired(Instant now) {
        return jdbc.sql("delete from signin_attempts where expires_at < ?")
                .param(Timestamp.from(now.minus(Duration.ofMinutes(5)))).update();
    }

    private static SignInAttempt row(ResultSet rs, int n) throws SQLException {
        return new SignInAttempt(rs.getString("id"), OrgId.parse(rs.getString("org_id")).orElseThrow(),
                rs.getString("idp_id"), io.gatehouse.idp.WireEnum.parse(Protocol.class, rs.getString("protocol"))
                .orElseThrow(), rs.getString("request_id"), Optional.ofNullable(rs.getString("nonce")),
                Optional.ofNullable(rs.getString("code_verifier")), Optional.ofNullable(rs.getString("app_context")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
                Optional.ofNullable(rs.getString("browser_hash")), Optional.ofNullable(rs.getString("test_sign_in_id")));
    }

}
