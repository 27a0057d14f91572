package io.gatehouse.saml;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Assertion IDs already used, in the database so that every node sees them, each kept until its
 * assertion expires: the primary key makes "first use" a single atomic insert.
 */
@Component
class AssertionReplayCache {
    private static final int PURGE_EVERY = 200;
    private final JdbcClient jdbc;
    private final AtomicInteger uses = new AtomicInteger();

    AssertionReplayCache(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** True the first time the IdP's assertion ID is seen; false for a replay. */
    boolean firstUse(String idpId, String assertionId, Instant expiresAt, Instant now) {
        if (uses.incrementAndGet() % PURGE_EVERY == 0) {
            jdbc.sql("delete from seen_assertions where expires_at < ?").param(Timestamp.from(now)).update();
        }
        try {
            jdbc.sql("insert into seen_assertions (idp_id, assertion_id, expires_at) values (?, ?, ?)")
                    .params(idpId, assertionId, Timestamp.from(expiresAt)).update();
            return true;
        } catch (DataIntegrityViolationException e) {
            return false;
        }
    }
}
