package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test databases themselves: PostgreSQL is real, and the embedded one starts even as root. */
class TestDatabasesTest {

    @Test
    void theEmbeddedPostgresStartsEvenAsRoot() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port()
                + "/postgres", "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("PostgreSQL");
        } finally {
            server.stop();
        }
    }

    @Test
    void postgresGivesAFreshRealDatabase() throws Exception {
        TestDatabases.PostgresDatabase db = TestDatabases.freshPostgres();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_database()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("gh_test_");
        }
    }

    @Test
    void databaseNamesAreSwappedIntoServerUrls() {
        assertThat(TestDatabases.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", "x"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/x?user=postgres");
        assertThat(TestDatabases.withDatabase("jdbc:postgresql://127.0.0.1:5432/", "x"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/x");
    }
}
