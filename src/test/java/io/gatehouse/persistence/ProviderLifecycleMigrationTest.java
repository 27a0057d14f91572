package io.gatehouse.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V17 on a database that has providers: enabled ones become active, disabled ones inactive, each on
 * configuration revision 1, changed when it was last updated, and trusted as it is (so a provider turned
 * off before the lifecycle existed comes back on without a test, as it did before). On H2 and PostgreSQL.
 */
class ProviderLifecycleMigrationTest {

    @Test
    void existingProvidersKeepWorkingOnH2() throws SQLException {
        String url = "jdbc:h2:mem:migration-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;" + DatabaseConfiguration.H2_MODE;
        migrated(url, "sa", "");
    }

    @Test
    void existingProvidersKeepWorkingOnPostgres() throws SQLException {
        TestDatabases.PostgresDatabase db = TestDatabases.freshPostgres();
        migrated(db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password());
    }

    private static void migrated(String url, String user, String password) throws SQLException {
        flyway(url, user, password).target("15").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("insert into orgs (id, name, sso_enabled, max_identity_providers, created_at, updated_at)"
                    + " values ('acme', 'Acme', true, 10, timestamp '2025-01-01 00:00:00', timestamp '2025-01-01 00:00:00')");
            for (String[] p : new String[][] {{"on", "true"}, {"off", "false"}}) {
                s.execute("insert into identity_providers (id, org_id, alias, protocol, display_name, enabled, config,"
                        + " version, created_at, updated_at) values ('id-" + p[0] + "', 'acme', '" + p[0] + "', 'saml',"
                        + " 'P', " + p[1] + ", '{}', 3, timestamp '2025-01-01 00:00:00', timestamp '2025-02-03 04:05:06')");
            }
        }
        flyway(url, user, password).load().migrate();
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select alias, status, configuration_revision, active_revision,"
                     + " configured_at = updated_at, tested_revision, last_test_succeeded_at from identity_providers"
                     + " order by alias")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2) + " rev " + rs.getLong(3) + " active " + rs.getLong(4) + " "
                        + rs.getBoolean(5) + " " + rs.getString(6) + " " + rs.getString(7));
            }
        }
        assertThat(rows).containsExactly(Map.entry("off", "inactive rev 1 active 1 true null null"),
                Map.entry("on", "active rev 1 active 1 true null null"));
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url, String user,
                                                                                   String password) {
        return Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration");
    }
}
