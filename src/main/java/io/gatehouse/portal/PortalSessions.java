package io.gatehouse.portal;

import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Service;

/**
 * The portal's sessions. On first use the portal exchanges a setup link's secret
 * ({@link SetupLinks#resolve}) for a session ({@link #open}) held in an HttpOnly, SameSite=Strict
 * cookie scoped to {@code /setup/}, and sends the browser on to a URL without the secret. A session
 * lives no longer than its link, and a revoked or expired link ends it at once: every {@link #resolve}
 * judges the link again. Only the session id's hash is stored.
 */
@Service
public class PortalSessions {
    public static final String COOKIE = "gatehouse_setup";
    private final SetupLinkStore store;
    private final boolean secureCookies;

    PortalSessions(SetupLinkStore store, GatehouseProperties properties) {
        this.store = store;
        this.secureCookies = properties.baseUrl().startsWith("https:");
    }

    /** A session: its id (the cookie's value, a secret) and when it ends. */
    public record PortalSession(String id, SetupLink link, Instant expiresAt) {
        @Override
        public String toString() {
            return "PortalSession[link=" + link.id() + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** Opens a session for a link the caller has just resolved as valid. */
    public PortalSession open(SetupLink link, Instant now) {
        String id = RandomTokens.urlSafe(32);
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        store.insertSession(Sha256.hex(id), link.id(), at, link.expiresAt());
        return new PortalSession(id, link, link.expiresAt());
    }

    /**
     * The link behind a session cookie, judged now (revoked, expired), or {@code setup_link.unknown}
     * for a session that does not exist or has ended.
     */
    public SetupLinkResolution resolve(String sessionId, Instant now) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 100) {
            return new SetupLinkResolution.Refused(SetupLinkRefusal.UNKNOWN);
        }
        Optional<SetupLinkStore.Session> session = store.session(Sha256.hex(sessionId));
        if (session.isEmpty()) {
            return new SetupLinkResolution.Refused(SetupLinkRefusal.UNKNOWN);
        }
        // the link's state first: a revoked or expired link is said to be so
        SetupLinkResolution judged = SetupLinks.judge(session.get().link(), Optional.empty(), Optional.empty(), now);
        if (judged instanceof SetupLinkResolution.Valid && !now.isBefore(session.get().expiresAt())) {
            return new SetupLinkResolution.Refused(SetupLinkRefusal.UNKNOWN);
        }
        return judged;
    }

    /** Ends a session (the admin signs out of the portal). */
    public void close(String sessionId) {
        if (sessionId != null && !sessionId.isEmpty() && sessionId.length() <= 100) {
            store.deleteSession(Sha256.hex(sessionId));
        }
    }

    /** The cookie that carries a session: HttpOnly, SameSite=Strict, {@code /setup/} only, until the session ends. */
    public ResponseCookie cookie(PortalSession session, Instant now) {
        return ResponseCookie.from(COOKIE, session.id()).httpOnly(true).secure(secureCookies).sameSite("Strict")
                .path(SetupLinks.PORTAL_PATH).maxAge(Duration.between(now, session.expiresAt()).toSeconds())
                .build();
    }

    /** The cookie that clears a session's. */
    public ResponseCookie clearedCookie() {
        return ResponseCookie.from(COOKIE, "").httpOnly(true).secure(secureCookies).sameSite("Strict")
                .path(SetupLinks.PORTAL_PATH).maxAge(0).build();
    }

    /** Drops ended sessions. */
    public int purge(Instant now) {
        return store.purgeSessions(now);
    }
}
