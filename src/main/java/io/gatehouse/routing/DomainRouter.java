package io.gatehouse.routing;

import io.gatehouse.idp.EmailDomain;
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
 * Home-realm discovery: email domain → the active identity provider that owns it (the exact
 * domain, then its parent domains), and org → its active providers. An immutable snapshot in
 * memory, so a lookup is a few hash probes; every node rebuilds it when the registry's fingerprint
 * (row count, latest change, version sum) moves, polled every two seconds.
 */
@Component
public class DomainRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DomainRouter.class);
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final int CHANGE_WINDOW = 100;
    /** The change log is read within seconds by every running node; a day of it is plenty. */
    private static final Duration CHANGE_LOG_KEPT = Duration.ofDays(1);
    private int polls;
    private final JdbcClient jdbc;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("routing-refresh").factory());
    private volatile Snapshot snapshot = new Snapshot(ShardedTable.empty(), ShardedTable.empty(), ShardedTable.empty(),
            Fingerprint.NONE);
    private volatile boolean dirty;

    DomainRouter(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private record Snapshot(ShardedTable<String, Route> byDomain, ShardedTable<OrgId, List<Route>> byOrg,
                            ShardedTable<OrgId, List<String>> domainsByOrg, Fingerprint fingerprint) {
    }

    /** How far this node has read the registry's change log. */
    private record Fingerprint(long lastChange) {
        static final Fingerprint NONE = new Fingerprint(-1);
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
        ShardedTable<String, Route> table = current().byDomain();
        for (String d : EmailDomain.withParents(domain)) {
            Route route = table.get(d);
            if (route != null) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /** The org's active providers (drafts and inactive ones never route), by alias. */
    public List<Route> forOrg(OrgId org) {
        List<Route> routes = current().byOrg().get(org);
        return routes != null ? routes : List.of();
    }

    /**
     * Brings the table up to date from the registry's change log: the orgs changed since this node
     * last looked are reloaded (a few queries each); only a node that starts, or one far behind,
     * builds the whole table.
     */
    public synchronized void refresh() {
        Snapshot old = snapshot;
        long last = jdbc.sql("select coalesce(max(id), 0) from registry_changes").query(Long.class).single();
        if (old.fingerprint() != Fingerprint.NONE && last == old.fingerprint().lastChange()) {
            return;
        }
        if (old.fingerprint() != Fingerprint.NONE) {
            // a window before the last id seen: a transaction that took its id earlier may commit later
            List<OrgId> changed = jdbc.sql("select distinct org_id from registry_changes where id > ? and id <= ?")
                    .params(old.fingerprint().lastChange() - CHANGE_WINDOW, last)
                    .query((rs, n) -> new OrgId(rs.getString(1))).list();
            if (changed.size() <= 1000) {
                snapshot = withOrgsReloaded(old, changed, new Fingerprint(last));
                return;
            }
        }
        snapshot = build(new Fingerprint(last));
    }

    private Snapshot build(Fingerprint fingerprint) {
        Map<String, Route> byDomain = new HashMap<>();
        Map<OrgId, List<Route>> byOrg = new HashMap<>();
        Map<OrgId, List<String>> domainsByOrg = new HashMap<>();
        load("", List.of(), byDomain, byOrg, domainsByOrg);
        return new Snapshot(ShardedTable.of(byDomain), ShardedTable.of(frozen(byOrg)),
                ShardedTable.of(frozen(domainsByOrg)), fingerprint);
    }

    /** The changed orgs' rows read again; only the shards holding their entries are copied. */
    private Snapshot withOrgsReloaded(Snapshot old, List<OrgId> orgs, Fingerprint fingerprint) {
        Map<String, Route> byDomain = new HashMap<>();
        Map<OrgId, List<Route>> byOrg = new HashMap<>();
        Map<OrgId, List<String>> domainsByOrg = new HashMap<>();
        List<String> formerDomains = new ArrayList<>();
        for (OrgId org : orgs) {
            Optional.ofNullable(old.domainsByOrg().get(org)).ifPresent(formerDomains::addAll);
            load(" and i.org_id = ?", List.of(org.value()), byDomain, byOrg, domainsByOrg);
        }
        return new Snapshot(old.byDomain().with(byDomain, formerDomains), old.byOrg().with(frozen(byOrg), orgs),
                old.domainsByOrg().with(frozen(domainsByOrg), orgs), fingerprint);
    }

    /** The lists made while loading, made immutable: a snapshot is shared by every lookup. */
    private static <T> Map<OrgId, List<T>> frozen(Map<OrgId, List<T>> lists) {
        lists.replaceAll((k, v) -> List.copyOf(v));
        return lists;
    }

    private void load(String orgFilter, List<String> params, Map<String, Route> byDomain,
                      Map<OrgId, List<Route>> byOrg, Map<OrgId, List<String>> domainsByOrg) {
        jdbc.sql("select i.org_id, i.alias, i.display_name from identity_providers i where i.status = 'active'" + orgFilter
                        + " order by i.org_id, i.alias")
                .params(params.toArray())
                .query((rs, n) -> new Route(new OrgId(rs.getString(1)), IdpAlias.parse(rs.getString(2)).orElseThrow(),
                        rs.getString(3)))
                .list().forEach(r -> byOrg.computeIfAbsent(r.org(), k -> new ArrayList<>()).add(r));
        // Routing still follows pending claims as it did before ownership checks (the switch to verified
        // claims only comes separately). Since several orgs may now hold pending claims on one domain, only
        // the first claim routes: the verified one, else the oldest, as when the first claim was the only one.
        jdbc.sql("select d.domain, i.org_id, i.alias, i.display_name from idp_domains d"
                        + " join identity_providers i on i.id = d.idp_id where i.status = 'active'"
                        + " and not exists (select 1 from idp_domains o where o.domain = d.domain"
                        + " and o.org_id <> d.org_id and (o.status = 'verified' and d.status <> 'verified'"
                        + " or o.status = d.status and o.claimed_at < d.claimed_at))"
                        + orgFilter.replace("i.org_id", "d.org_id"))
                .params(params.toArray())
                .query((rs, n) -> {
                    OrgId org = new OrgId(rs.getString(2));
                    byDomain.put(rs.getString(1), new Route(org, IdpAlias.parse(rs.getString(3)).orElseThrow(),
                            rs.getString(4)));
                    domainsByOrg.computeIfAbsent(org, k -> new ArrayList<>()).add(rs.getString(1));
                    return null;
                }).list();
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

    private void refreshQuietly() {
        try {
            if (++polls % 1800 == 0) {
                jdbc.sql("delete from registry_changes where changed_at < ?")
                        .param(java.sql.Timestamp.from(java.time.Instant.now().minus(CHANGE_LOG_KEPT))).update();
            }
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
