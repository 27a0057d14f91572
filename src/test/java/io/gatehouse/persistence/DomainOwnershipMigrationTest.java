package io.gatehouse.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V20 on a database that has domains: each stays with its provider, verified with method {@code migrated}
 * (it routed sign-ins before, and keeps doing so); afterwards several orgs may hold pending claims on one
 * domain, but only one a verified claim, and one org lists a domain once. On H2 and PostgreSQL.
 */
class DomainOwnershipMigrationTest {

    @Test
    void existingDomainsBecomeVerifiedOnH2() throws SQLException {
        String url = "jdbc:h2:mem:migration-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;" + DatabaseConfiguration.H2_MODE;
        migrated(url, "sa", "");
    }

    @Test
    void existingDomainsBecomeVerifiedOnPostgres() throws SQLException {
        TestDatabases.PostgresDatabase db = TestDatabases.freshPostgres();
        migrated(db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password());
    }

    private static void migrated(String url, String user, String password) throws SQLException {
        flyway(url, user, password).target("19").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String org : List.of("acme", "evil")) {
                s.execute("insert into orgs (id, name, sso_enabled, max_identity_providers, created_at, updated_at)"
                        + " values ('" + org + "', 'O', true, 10, timestamp '2025-01-01 00:00:00',"
                        + " timestamp '2025-01-01 00:00:00')");
                s.execute("insert into identity_providers (id, org_id, alias, protocol, display_name, status, config,"
                        + " version, created_at, updated_at, configuration_revision, configured_at) values ('id-" + org
                        + "', '" + org + "', 'p', 'saml', 'P', 'active', '{}', 1, timestamp '2025-01-01 00:00:00',"
                        + " timestamp '2025-01-01 00:00:00', 1, timestamp '2025-01-01 00:00:00')");
            }
            s.execute("insert into idp_domains (domain, org_id, idp_id) values ('acme.com', 'acme', 'id-acme')");
            s.execute("insert into idp_domains (domain, org_id, idp_id) values ('acme.de', 'acme', 'id-acme')");
        }
        flyway(url, user, password).load().migrate();
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select domain, org_id, idp_id, status, method, verified_at is not null,"
                     + " verified_domain, include_subdomains from idp_domains order by domain")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getString(5) + " " + rs.getBoolean(6) + " " + rs.getString(7) + " " + rs.getBoolean(8));
            }
        }
        assertThat(rows).containsExactly("acme.com acme id-acme verified migrated true acme.com false",
                "acme.de acme id-acme verified migrated true acme.de false");

        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            // another org may claim a domain, pending; not verified while acme holds it verified
            s.execute("insert into idp_domains (domain, org_id, idp_id, status, claimed_at)"
                    + " values ('acme.com', 'evil', 'id-evil', 'pending', current_timestamp)");
            assertThatThrownBy(() -> s.execute("update idp_domains set status = 'verified', verified_domain = domain"
                    + " where org_id = 'evil'")).isInstanceOf(SQLException.class);
            // nor twice by one org, nor verified without its verified_domain
            assertThatThrownBy(() -> s.execute("insert into idp_domains (domain, org_id, idp_id, status, claimed_at)"
                    + " values ('acme.com', 'evil', 'id-evil', 'pending', current_timestamp)"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> s.execute("insert into idp_domains (domain, org_id, idp_id, status, claimed_at)"
                    + " values ('other.com', 'evil', 'id-evil', 'verified', current_timestamp)"))
                    .isInstanceOf(SQLException.class);
            // deleting the provider takes its claims with it
            s.execute("delete from identity_providers where id = 'id-acme'");
            try (ResultSet rs = s.executeQuery("select count(*) from idp_domains where org_id = 'acme'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url, String user,
                                                                                   String password) {
        return Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration");
    }
}
