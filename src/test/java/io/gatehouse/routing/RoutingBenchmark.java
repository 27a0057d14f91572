package io.gatehouse.routing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Home-realm discovery at scale: 100,000 orgs with 200,000 email domains in the embedded database,
 * the routing table built from it, then lookups (exact domains, subdomains that route by their
 * parent, unknown domains) timed one by one. Run by {@code bench/routing.sh}.
 */
public final class RoutingBenchmark {
    /** A domain as it routes: its claim verified (V20). */
    private static final String VERIFIED_DOMAIN = "insert into idp_domains (domain, org_id, idp_id, status, method,"
            + " claimed_at, verified_at, verified_domain) values (?, ?, ?, 'verified', 'manual', current_timestamp,"
            + " current_timestamp, ?)";

    private RoutingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int orgs = Integer.getInteger("orgs", 100_000);
        int lookups = Integer.getInteger("lookups", 2_000_000);
        Path dir = Files.createTempDirectory("gatehouse-routing");
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("gatehouse") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        long t0 = System.nanoTime();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement org = c.prepareStatement("insert into orgs (id, name, sso_enabled, max_identity_providers,"
                    + " created_at, updated_at) values (?, ?, true, 10, ?, ?)");
                 PreparedStatement idp = c.prepareStatement("insert into identity_providers (id, org_id, alias, protocol,"
                         + " display_name, status, config, version, created_at, updated_at, configured_at)"
                         + " values (?, ?, 'sso', 'saml', 'SSO', 'active', '{}', 1, ?, ?, ?)");
                 PreparedStatement domain = c.prepareStatement(VERIFIED_DOMAIN)) {
                for (int i = 0; i < orgs; i++) {
                    String id = "org-" + i;
                    org.setString(1, id);
                    org.setString(2, "Org " + i);
                    org.setTimestamp(3, now);
                    org.setTimestamp(4, now);
                    org.addBatch();
                    String idpId = "00000000-0000-0000-0000-" + String.format("%012d", i);
                    idp.setString(1, idpId);
                    idp.setString(2, id);
                    // as in life, providers were saved at different moments
                    Timestamp saved = new Timestamp(now.getTime() - (orgs - i) * 1000L);
                    idp.setTimestamp(3, saved);
                    idp.setTimestamp(4, saved);
                    idp.setTimestamp(5, saved);
                    idp.addBatch();
                    for (String d : new String[] {"company" + i + ".com", "company" + i + ".co.uk"}) {
                        domain.setString(1, d);
                        domain.setString(2, id);
                        domain.setString(3, idpId);
                        domain.setString(4, d);
                        domain.addBatch();
                    }
                    if (i % 5000 == 4999) {
                        org.executeBatch();
                        idp.executeBatch();
                        domain.executeBatch();
                    }
                }
                org.executeBatch();
                idp.executeBatch();
                domain.executeBatch();
            }
            c.commit();
        }
        System.out.printf("Loaded %,d orgs and %,d domains in %.1f s%n", orgs, 2 * orgs, (System.nanoTime() - t0) / 1e9);
        DomainRouter router = new DomainRouter(JdbcClient.create(ds));
        long r0 = System.nanoTime();
        router.refresh();
        System.out.printf("Routing table built in %.0f ms%n", (System.nanoTime() - r0) / 1e6);

        try (Connection c = ds.getConnection()) {
            c.createStatement().executeUpdate("update identity_providers set version = version + 1, updated_at = now()"
                    + " where org_id = 'org-777'");
            try (PreparedStatement domain = c.prepareStatement(VERIFIED_DOMAIN)) {
                domain.setString(1, "new777.com");
                domain.setString(2, "org-777");
                domain.setString(3, "00000000-0000-0000-0000-000000000777");
                domain.setString(4, "new777.com");
                domain.executeUpdate();
            }
            c.createStatement().executeUpdate("insert into registry_changes (org_id, changed_at) values ('org-777', now())");
        }
        long u0 = System.nanoTime();
        router.refresh();
        System.out.printf("One org changed: table updated in %.1f ms (routes new777.com: %s)%n",
                (System.nanoTime() - u0) / 1e6, router.forEmail("x@new777.com").isPresent());
        // the first update runs cold; a node that takes changes all day runs this path warm
        double[] updates = new double[30];
        try (Connection c = ds.getConnection()) {
            for (int i = 0; i < updates.length; i++) {
                c.createStatement().executeUpdate("insert into registry_changes (org_id, changed_at) values ('org-"
                        + (1000 + i) + "', now())");
                long t = System.nanoTime();
                router.refresh();
                updates[i] = (System.nanoTime() - t) / 1e6;
            }
        }
        double[] warm = java.util.Arrays.copyOfRange(updates, 10, updates.length);
        java.util.Arrays.sort(warm);
        System.out.printf("Then one org changed at a time, warm: median %.1f ms, max %.1f ms over %d updates%n",
                warm[warm.length / 2], warm[warm.length - 1], warm.length);

        SplittableRandom random = new SplittableRandom(42);
        String[] emails = new String[10_000];
        for (int i = 0; i < emails.length; i++) {
            int org = random.nextInt(orgs);
            emails[i] = switch (i % 4) {
                case 0 -> "user" + i + "@company" + org + ".com";
                case 1 -> "user" + i + "@eu.company" + org + ".co.uk";
                case 2 -> "user" + i + "@COMPANY" + org + ".COM";
                default -> "user" + i + "@unknown" + org + ".example";
            };
        }
        for (int i = 0; i < 500_000; i++) {
            router.forEmail(emails[i % emails.length]);
        }
        long[] times = new long[lookups];
        int found = 0;
        for (int i = 0; i < lookups; i++) {
            long s = System.nanoTime();
            boolean hit = router.forEmail(emails[i % emails.length]).isPresent();
            times[i] = System.nanoTime() - s;
            found += hit ? 1 : 0;
        }
        Arrays.sort(times);
        System.out.printf("%,d lookups (3/4 routable, incl. subdomains and upper case): p50 %.2f µs, p99 %.2f µs,"
                        + " p99.9 %.2f µs, max %.1f µs; %,d routed%n", lookups, times[lookups / 2] / 1e3,
                times[(int) (lookups * 0.99)] / 1e3, times[(int) (lookups * 0.999)] / 1e3, times[lookups - 1] / 1e3,
                found);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.printf("Heap in use with the table: %.0f MB%n", (rt.totalMemory() - rt.freeMemory()) / 1e6);
    }
}
