package io.gatehouse.routing;

import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.RegistryChanged;
import io.gatehouse.tenancy.OrgId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Home-realm discovery: email domain → the enabled identity provider that owns it (the exact
 * domain, then its parent domains), and org → its enabled providers. An immutable snapshot in
 * memory, so a lookup is a few hash probes; every node rebuilds it when the registry's fingerprint
 * (row count, latest change, version sum) moves, polled every two seconds.
 */
@Component
public class DomainRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DomainRouter.class);
    private static final Duration POLL = Duration.ofSeconds(2);
    private final JdbcClient jdbc;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("routing-refresh").factory());
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), "");
    private volatile boolean dirty;

    DomainRouter(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private record Snapshot(Map<String, Route> byDomain, Map<OrgId, List<Route>> byOrg, String fingerprint) {
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        refresh();
        poller.scheduleWithFixedDelay(this::refreshQuietly, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The provider for an email address or bare domain. */
    public Optional<Route> forEmail(String emailOrDomain) {
        String domain = emailOrDomain.substring(emailOrDomain.lastIndexOf('@') + 1).strip().toLowerCase(Locale.ROOT);
        if (domain.isEmpty() || domain.length() > 253) {
            return Optional.empty();
        }
        domain = java.net.IDN.toASCII(domain, java.net.IDN.ALLOW_UNASSIGNED);
        Map<String, Route> table = current().byDomain();
        for (String d = domain; ; ) {
            Route route = table.get(d);
            if (route != null) {
                return Optional.of(route);
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            d = d.substring(dot + 1);
        }
    }

    /** The org's enabled providers, by alias. */
    public List<Route> forOrg(OrgId org) {
        return current().byOrg().getOrDefault(org, List.of());
    }

    /** Rebuilds now if the registry changed (this node calls it right after its own changes). */
    public void refresh() {
        String fingerprint = fingerprint();
        if (fingerprint.equals(snapshot.fingerprint())) {
            return;
        }
        Map<String, Route> byDomain = new HashMap<>();
        Map<OrgId, List<Route>> byOrg = new HashMap<>();
        jdbc.sql("select org_id, alias, display_name from identity_providers where enabled = true order by org_id, alias")
                .query((rs, n) -> new Route(new OrgId(rs.getString(1)), IdpAlias.parse(rs.getString(2)).orElseThrow(),
                        rs.getString(3)))
                .list().forEach(r -> byOrg.computeIfAbsent(r.org(), k -> new ArrayList<>()).add(r));
        jdbc.sql("select d.domain, i.org_id, i.alias, i.display_name from idp_domains d"
                        + " join identity_providers i on i.id = d.idp_id where i.enabled = true")
                .query((rs, n) -> {
                    byDomain.put(rs.getString(1), new Route(new OrgId(rs.getString(2)),
                            IdpAlias.parse(rs.getString(3)).orElseThrow(), rs.getString(4)));
                    return null;
                }).list();
        byOrg.replaceAll((k, v) -> List.copyOf(v));
        snapshot = new Snapshot(Map.copyOf(byDomain), Map.copyOf(byOrg), fingerprint);
    }

    /** This node's own change: rebuild on the next lookup, so that a burst of changes costs one rebuild. */
    @EventListener
    void changed(RegistryChanged event) {
        dirty = true;
    }

    private Snapshot current() {
        if (dirty) {
            dirty = false;
            refreshQuietly();
        }
        return snapshot;
    }

    private String fingerprint() {
        return jdbc.sql("select count(*), max(updated_at), coalesce(sum(version), 0) from identity_providers")
                .query((rs, n) -> rs.getLong(1) + "|" + rs.getTimestamp(2) + "|" + rs.getLong(3)).single();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // the next poll tries again; the old snapshot keeps routing meanwhile
            LOG.warn("Routing table refresh failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
