package io.gatehouse.signin;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.tenancy.OrgId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Browser sessions at identity providers, kept for single logout: the handle lives in a cookie
 * scoped to the provider's path, the rest (who, which IdP session) in the database for every node.
 */
@Component
public class SsoSessions {
    /** A working day; the IdP's own session decides re-authentication, this only bounds logout bookkeeping. */
    public static final Duration LIFETIME = Duration.ofHours(10);
    private static final int PURGE_EVERY = 200;
    private final JdbcClient jdbc;
    private final AtomicInteger created = new AtomicInteger();

    SsoSessions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One session at one IdP. */
    public record SsoSession(String id, OrgId org, String idpId, String subject, Optional<String> nameIdFormat,
                             Optional<String> sessionIndex, Instant expiresAt) {
    }

    public SsoSession open(BrokeredIdentity identity, Instant now) {
        if (created.incrementAndGet() % PURGE_EVERY == 0) {
            jdbc.sql("delete from sso_sessions where expires_at < ?").param(Timestamp.from(now)).update();
        }
        String id = RandomTokens.urlSafe(32);
        Instant expires = now.plus(LIFETIME);
        jdbc.sql("insert into sso_sessions (id, org_id, idp_id, subject, name_id_format, session_index, created_at,"
                        + " expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, identity.org().value(), identity.idpId(), truncate(identity.subject(), 1024),
                        identity.nameIdFormat().map(f -> truncate(f, 256)).orElse(null),
                        identity.sessionIndex().map(s -> truncate(s, 256)).orElse(null), Timestamp.from(now),
                        Timestamp.from(expires))
                .update();
        return new SsoSession(id, identity.org(), identity.idpId(), identity.subject(), identity.nameIdFormat(),
                identity.sessionIndex(), expires);
    }

    /** The live session with this handle at this IdP. */
    public Optional<SsoSession> find(String id, String idpId, Instant now) {
        if (id == null || id.length() > 64) {
            return Optional.empty();
        }
        return jdbc.sql("select * from sso_sessions where id = ? and idp_id = ? and ended_at is null and expires_at > ?")
                .params(id, idpId, Timestamp.from(now)).query(SsoSessions::row).optional();
    }

    /** Ends the session here at once, remembering the LogoutRequest sent to the IdP about it. */
    public void endWithLogoutRequest(String id, String logoutRequestId, Instant now) {
        jdbc.sql("update sso_sessions set ended_at = ?, logout_request_id = ? where id = ?")
                .params(Timestamp.from(now), logoutRequestId, id).update();
    }

    /** Whether a LogoutResponse answers a LogoutRequest we sent to this IdP (each is answered once). */
    public boolean answersOurLogoutRequest(String idpId, String logoutRequestId) {
        if (logoutRequestId == null || logoutRequestId.length() > 128) {
            return false;
        }
        // clearing the id makes a replayed LogoutResponse unknown
        return jdbc.sql("update sso_sessions set logout_request_id = null where idp_id = ? and logout_request_id = ?")
                .params(idpId, logoutRequestId).update() > 0;
    }

    public void end(String id, Instant now) {
        jdbc.sql("update sso_sessions set ended_at = ? where id = ? and ended_at is null")
                .params(Timestamp.from(now), id).update();
    }

    /** An IdP-initiated logout: the subject's sessions at the IdP, or just the named IdP session. */
    public int endBySubject(String idpId, String subject, Optional<String> sessionIndex, Instant now) {
        if (sessionIndex.isPresent()) {
            return jdbc.sql("update sso_sessions set ended_at = ? where idp_id = ? and subject = ?"
                            + " and session_index = ? and ended_at is null")
                    .params(Timestamp.from(now), idpId, subject, sessionIndex.get()).update();
        }
        return jdbc.sql("update sso_sessions set ended_at = ? where idp_id = ? and subject = ? and ended_at is null")
                .params(Timestamp.from(now), idpId, subject).update();
    }

    /** An OpenID provider's front-channel logout names its session (sid): every Gatehouse session in it ends. */
    public int endBySessionIndex(String idpId, String sessionIndex, Instant now) {
        return jdbc.sql("update sso_sessions set ended_at = ? where idp_id = ? and session_index = ? and ended_at is null")
                .params(Timestamp.from(now), idpId, sessionIndex).update();
    }

    private static SsoSession row(ResultSet rs, int n) throws SQLException {
        return new SsoSession(rs.getString("id"), OrgId.parse(rs.getString("org_id")).orElseThrow(),
                rs.getString("idp_id"), rs.getString("subject"), Optional.ofNullable(rs.getString("name_id_format")),
                Optional.ofNullable(rs.getString("session_index")), rs.getTimestamp("expires_at").toInstant());
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
