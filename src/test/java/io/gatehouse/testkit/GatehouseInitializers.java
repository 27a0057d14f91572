package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points a test application at H2 or PostgreSQL; one initializer class per database, so contexts are shared. */
public final class GatehouseInitializers {
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef-0123456789";
    /** One master key for every node of a test run, as a real deployment shares GATEHOUSE_MASTER_KEY. */
    public static final String MASTER_KEY = java.util.Base64.getEncoder().encodeToString(
            "gatehouse-test-master-key-32-byt".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    private GatehouseInitializers() {
    }

    static TestPropertyValues common() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("gatehouse-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestPropertyValues.of(
                "gatehouse.admin-key=" + ADMIN_KEY,
                "gatehouse.master-key=" + MASTER_KEY,
                // the API tests' client keeps no cookies; BrowserBindingOnH2Test turns the binding on
                "gatehouse.sign-in-browser-binding=false",
                "gatehouse.data-dir=" + dataDir,
                "gatehouse.base-url=https://sso.gatehouse.test",
                "gatehouse.allow-private-network-fetch=true",
                "gatehouse.sp-key-pool-size=2",
                // the whole suite talks from 127.0.0.1: the limits are tested in their own context (Guarded)
                "gatehouse.api-key-failure-limit=1000000",
                "gatehouse.discovery-miss-limit=1000000",
                "gatehouse.discovery-hit-limit=1000000",
                "server.address=127.0.0.1",
                // domain-ownership lookups ask the tests' own DNS server, never the machine's resolvers
                "gatehouse.dns-servers=127.0.0.1:" + TestDnsServer.shared().address().getPort());
    }

    /**
     * H2 with production's guards: no private-network fetching, small rate limits per client
     * address, 127.0.0.1 as the one trusted proxy (so a test names its client in X-Forwarded-For,
     * and connections from 127.0.0.2 are an untrusted peer), and a {@link TestClock} to move.
     */
    public static final class Guarded implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        public static final int API_KEY_FAILURES = 3;
        public static final java.time.Duration API_KEY_FAILURE_WINDOW = java.time.Duration.ofMinutes(10);
        public static final int DISCOVERY_MISSES = 5;
        public static final int DISCOVERY_HITS = 20;
        public static final java.time.Duration DISCOVERY_WINDOW = java.time.Duration.ofMinutes(1);

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            common().and("gatehouse.allow-private-network-fetch=false",
                    "gatehouse.trusted-proxies=127.0.0.1/32",
                    "gatehouse.api-key-failure-limit=" + API_KEY_FAILURES,
                    "gatehouse.api-key-failure-window=" + API_KEY_FAILURE_WINDOW,
                    "gatehouse.discovery-miss-limit=" + DISCOVERY_MISSES,
                    "gatehouse.discovery-hit-limit=" + DISCOVERY_HITS,
                    "gatehouse.discovery-lookup-window=" + DISCOVERY_WINDOW).applyTo(context);
            context.getBeanFactory().registerSingleton("clock", new TestClock());
        }
    }

    /** The embedded default: an H2 database in PostgreSQL mode. */
    public static final class H2 implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            // the data folder's own H2 file is what production uses; tests take the same path
            common().applyTo(context);
            // the system's time until a test moves it (and moves it back: the context is shared)
            context.getBeanFactory().registerSingleton("clock", new TestClock());
        }
    }

    /**
     * Demo mode on H2, on a free port chosen before the start: the demo's redirect URIs and SAML
     * metadata are made from the base URL at start-up, so the base URL must name the real port.
     * For {@code webEnvironment = DEFINED_PORT}.
     */
    public static final class DemoOnH2 implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            int port = freePort();
            common().and("gatehouse.demo=true", "server.port=" + port, "gatehouse.base-url=http://localhost:" + port)
                    .applyTo(context);
        }
    }

    /**
     * H2 on a free port chosen before the start, with the base URL {@code http://127.0.0.1:{port}}: every URL
     * Gatehouse makes (setup links, ACS and redirect URIs, SP metadata) is one a real browser and a real identity
     * provider on this machine can follow. For {@code webEnvironment = DEFINED_PORT}.
     */
    public static final class H2OnLoopbackPort implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            int port = freePort();
            common().and("server.port=" + port, "gatehouse.base-url=http://127.0.0.1:" + port).applyTo(context);
        }
    }

    /** A port nobody listens on now (another process could still take it before Gatehouse does). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** H2, with sign-ins bound to the browser that started them (as in production on https). */
    public static final class H2BrowserBound implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            common().and("gatehouse.sign-in-browser-binding=true").applyTo(context);
        }
    }

    /** A real PostgreSQL: the machine's (GATEHOUSE_TEST_DB_URL) or an embedded one. */
    public static final class Postgres implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestDatabases.PostgresDatabase db = TestDatabases.postgres();
            common().and("gatehouse.db-url=" + db.jdbcUrl(), "gatehouse.db-user=" + db.user(),
                    "gatehouse.db-password=" + (db.password() == null ? "" : db.password())).applyTo(context);
            context.getBeanFactory().registerSingleton("clock", new TestClock());
        }
    }
}
