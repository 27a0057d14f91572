package io.gatehouse.idp;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Re-fetches SAML metadata URLs on their schedule (once a minute looking for what is due), and once
 * an hour looks for IdP certificates about to expire.
 */
@Component
class MetadataRefresher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataRefresher.class);
    private final IdentityProviders registry;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("metadata-refresher").factory());

    MetadataRefresher(IdentityProviders registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::refresh, 60, 60, TimeUnit.SECONDS);
    }

    private java.time.Instant lastCertificateWatch = java.time.Instant.EPOCH;

    void refresh() {
        try {
            registry.refreshDueMetadata(clock.instant(), 10_000);
            if (clock.instant().isAfter(lastCertificateWatch.plusSeconds(3600))) {
                lastCertificateWatch = clock.instant();
                registry.warnOfExpiringCertificates(clock.instant(), 100_000);
            }
        } catch (RuntimeException e) {
            // a database hiccup must not end the schedule; the next round tries again
            LOG.warn("Metadata refresh round failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
