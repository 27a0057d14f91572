package io.gatehouse.idp;

import io.gatehouse.api.ProblemException;
import io.gatehouse.audit.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps IdP metadata current: re-fetches SAML metadata URLs on their schedule (once a minute looking
 * for what is due), at once when a response is signed by a key the IdP's certificates lack (for the
 * ACS, through {@link SigningKeyRefresh}), and once an hour looks for IdP certificates about to
 * expire. What it re-reads is saved through {@link IdentityProviders}, the registry's only writer.
 */
@Component
class MetadataRefresher implements SigningKeyRefresh, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataRefresher.class);
    /** The least time between two re-reads of one provider's metadata for an unknown signing key. */
    private static final Duration UNKNOWN_KEY_INTERVAL = Duration.ofMinutes(5);
    private final IdentityProviders registry;
    private final IdentityProviderStore store;
    private final AuditLog audit;
    private final Clock clock;
    /** When each provider's metadata was last re-read for an unknown signing key (per node; a cache). */
    private final Map<String, Instant> unknownKeyRefreshes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("metadata-refresher").factory());
    private Instant lastCertificateWatch = Instant.EPOCH;

    MetadataRefresher(IdentityProviders registry, IdentityProviderStore store, AuditLog audit, Clock clock) {
        this.registry = registry;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::refresh, 60, 60, TimeUnit.SECONDS);
    }

    void refresh() {
        try {
            refreshDueMetadata(clock.instant(), 10_000);
            if (clock.instant().isAfter(lastCertificateWatch.plusSeconds(3600))) {
                lastCertificateWatch = clock.instant();
                warnOfExpiringCertificates(clock.instant(), 100_000);
            }
        } catch (RuntimeException e) {
            // a database hiccup must not end the schedule; the next round tries again
            LOG.warn("Metadata refresh round failed: {}", e.getClass().getSimpleName());
        }
    }

    /**
     * Re-fetches the metadata of every SAML provider whose metadata URL is due (its refresh
     * interval, or the metadata's own cacheDuration if shorter, has passed, or validUntil is within
     * an hour). A failed fetch keeps the last good metadata and is recorded as an event.
     */
    int refreshDueMetadata(Instant now, int limit) {
        int refreshed = 0;
        for (IdentityProvider idp : store.withMetadataUrl(limit)) {
            if (!(idp.settings() instanceof SamlSettings saml) || !metadataDue(saml, now)) {
                continue;
            }
            try {
                registry.refresh(idp, "system:metadata-refresh", now);
                refreshed++;
            } catch (ProblemException e) {
                refreshFailed(idp, "system:metadata-refresh", e);
            }
        }
        return refreshed;
    }

    /**
     * Re-reads a metadata URL at once because a response was signed by a key the IdP's certificates
     * don't include (a rotation). At most once per five minutes per provider, so that forged
     * responses cannot make Gatehouse hammer the IdP. Present only when the certificates changed.
     */
    @Override
    public Optional<SamlProvider> refreshSigningKeys(SamlProvider provider, Instant now) {
        IdentityProvider idp = provider.idp();
        SamlSettings saml = provider.saml();
        if (!(saml.source() instanceof SamlSettings.SamlSource.MetadataUrl)) {
            return Optional.empty();
        }
        Instant last = unknownKeyRefreshes.get(idp.id());
        if (last != null && now.isBefore(last.plus(UNKNOWN_KEY_INTERVAL))) {
            return Optional.empty();
        }
        unknownKeyRefreshes.put(idp.id(), now);
        try {
            IdentityProvider refreshed = registry.refresh(idp, "system:unknown-signing-key", now);
            // a refresh keeps the protocol: the SAML source was resolved again into SAML settings
            return refreshed.settings() instanceof SamlSettings after
                    && !after.resolved().trust().equals(saml.resolved().trust())
                    ? Optional.of(new SamlProvider(refreshed, after)) : Optional.empty();
        } catch (ProblemException e) {
            refreshFailed(idp, "system:unknown-signing-key", e);
            return Optional.empty();
        }
    }

    /**
     * Records an event, once per certificate, for every IdP signing certificate that expires within
     * 30 days (or has expired), so that admins hear of it before sign-ins start failing.
     */
    int warnOfExpiringCertificates(Instant now, int limit) {
        int warned = 0;
        for (IdentityProvider idp : store.certificateWatchDue(now, limit)) {
            // rows written before the watch had its column, or whose certificates changed by a path
            // that kept the old value, get theirs now; those not yet due drop out of the next rounds
            Optional<Instant> watchFrom = IdentityProviderStore.certificateWatchFrom(idp);
            if (watchFrom.isEmpty() || watchFrom.get().isAfter(now)) {
                store.setCertificateWatch(idp, watchFrom);
                continue;
            }
            for (String pem : IdentityProviderStore.pinnedCertificates(idp)) {
                IdentityProviderView.CertificateSummary c = IdentityProviderView.summary(pem);
                if (c.notAfter().isAfter(now.plus(IdentityProviderView.EXPIRY_WARNING))
                        || audit.recorded(idp.org(), "identity_provider.certificate_expiring", idp.alias().value(),
                        c.fingerprintSha256())) {
                    continue;
                }
                ObjectNode details = IdentityProviderJson.JSON.createObjectNode();
                details.put("fingerprint_sha256", c.fingerprintSha256());
                details.put("subject", c.subject());
                details.put("not_after", c.notAfter().toString());
                details.put("expired", c.notAfter().isBefore(now));
                audit.configurationChanged(idp.org(), "identity_provider.certificate_expiring", "system:certificate-watch",
                        idp.alias().value(), details);
                warned++;
            }
        }
        return warned;
    }

    /** A failed re-read keeps the last good metadata; the admin learns of it from an event. */
    private void refreshFailed(IdentityProvider idp, String actor, ProblemException e) {
        ObjectNode details = IdentityProviderJson.JSON.createObjectNode();
        details.put("code", e.errors().isEmpty() ? e.errorCode().code() : e.errors().getFirst().code());
        details.put("detail", e.getMessage());
        audit.configurationChanged(idp.org(), "identity_provider.metadata_refresh_failed", actor, idp.alias().value(),
                details);
    }

    static boolean metadataDue(SamlSettings saml, Instant now) {
        if (!(saml.source() instanceof SamlSettings.SamlSource.MetadataUrl)) {
            return false;
        }
        Duration configured = Duration.ofSeconds(saml.options().metadataRefreshSeconds());
        // the metadata's own cacheDuration wins when shorter, but never below five minutes
        Duration interval = saml.resolved().cacheDuration()
                .filter(c -> c.compareTo(configured) < 0 && c.toSeconds() >= 300).orElse(configured);
        Instant fetched = saml.resolved().fetchedAt().orElse(Instant.EPOCH);
        boolean expiring = saml.resolved().validUntil().map(v -> !now.isBefore(v.minusSeconds(3600))).orElse(false);
        return expiring || !now.isBefore(fetched.plus(interval));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
