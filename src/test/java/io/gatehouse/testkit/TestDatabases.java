package io.gatehouse.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * The databases tests run on: H2 in the mode production uses, and a real PostgreSQL — the
 * machine's when GATEHOUSE_TEST_DB_URL names one, else an embedded server. Never skipped.
 */
public final class TestDatabases {
    private static volatile EmbeddedPostgresServer embedded;
    private static volatile PostgresDatabase shared;

    private TestDatabases() {
    }

    /** A PostgreSQL database: JDBC URL and credentials. */
    public record PostgresDatabase(String jdbcUrl, String user, String password) {
    }

    /** One fresh database per JVM, shared by every Spring context of the run. */
    public static synchronized PostgresDatabase postgres() {
        if (shared == null) {
            shared = freshPostgres();
        }
        return shared;
    }

    public static synchronized PostgresDatabase freshPostgres() {
        String serverUrl = System.getenv("GATEHOUSE_TEST_DB_URL");
        String user = env("GATEHOUSE_TEST_DB_USER", "postgres");
        String password = env("GATEHOUSE_TEST_DB_PASSWORD", "");
        if (serverUrl == null || serverUrl.isBlank()) {
            if (embedded == null) {
                embedded = EmbeddedPostgresServer.start();
            }
            serverUrl = "jdbc:postgresql://127.0.0.1:" + embedded.port() + "/postgres";
            user = "postgres";
            password = "";
        }
        String name = "gh_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Properties props = new Properties();
        if (!serverUrl.contains("user=")) {
            props.setProperty("user", user);
        }
        props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(serverUrl, props); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a test database on " + serverUrl
                    + " (set GATEHOUSE_TEST_DB_URL to a reachable PostgreSQL, or unset it to use an embedded one)", e);
        }
        String url = withDatabase(serverUrl, name);
        return new PostgresDatabase(url, serverUrl.contains("user=") ? userOf(serverUrl) : user, password);
    }

    static String withDatabase(String serverUrl, String database) {
        int query = serverUrl.indexOf('?');
        String head = query < 0 ? serverUrl : serverUrl.substring(0, query);
        String tail = query < 0 ? "" : serverUrl.substring(query);
        int slash = head.indexOf('/', "jdbc:postgresql://".length());
        String hostPart = slash < 0 ? head : head.substring(0, slash);
        return hostPart + "/" + database + tail;
    }

    private static String userOf(String url) {
        for (String part : url.substring(url.indexOf('?') + 1).split("&")) {
            if (part.startsWith("user=")) {
                return part.substring(5);
            }
        }
        return "postgres";
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
