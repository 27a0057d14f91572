package io.gatehouse.persistence;

import io.gatehouse.config.GatehouseProperties;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Refreshes the embedded H2 database's planner statistics from a background thread, shortly after
 * start and then every ten minutes, as PostgreSQL's autovacuum does for its own.
 */
@Component
class H2Statistics implements AutoCloseable {
    private static final Duration FIRST = Duration.ofSeconds(30);
    private static final Duration EVERY = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(H2Statistics.class);
    private final JdbcClient jdbc;
    private final boolean embedded;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("h2-statistics").factory());

    @Autowired
    H2Statistics(JdbcClient jdbc, GatehouseProperties properties) {
        this(jdbc, properties.usesEmbeddedDatabase());
    }

    H2Statistics(JdbcClient jdbc, boolean embedded) {
        this.jdbc = jdbc;
        this.embedded = embedded;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (embedded) {
            scheduler.scheduleWithFixedDelay(this::analyzeQuietly, FIRST.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Samples every table (H2's ANALYZE: up to 10,000 rows each) and stores the column selectivities. */
    void analyze() {
        jdbc.sql("analyze").update();
    }

    private void analyzeQuietly() {
        try {
            analyze();
        } catch (RuntimeException e) {
            // stale statistics only make plans less informed; the next round tries again
            LOG.warn("Refreshing the database statistics failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
