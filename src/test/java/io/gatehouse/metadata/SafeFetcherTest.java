package io.gatehouse.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SSRF rules, limits and redirect handling of the one fetcher, against a real local server. */
class SafeFetcherTest {
    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", ex -> respond(ex, 200, "hello".getBytes(), "max-age=600"));
        server.createContext("/exact", ex -> respond(ex, 200, new byte[1024 * 1024], null));
        server.createContext("/big", ex -> respond(ex, 200, new byte[1024 * 1024 + 1], null));
        server.createContext("/missing", ex -> respond(ex, 404, new byte[0], null));
        server.createContext("/redirect-ok", ex -> redirect(ex, "/ok"));
        server.createContext("/redirect-metadata", ex -> redirect(ex, "http://169.254.169.254/latest/meta-data/"));
        server.createContext("/loop", ex -> redirect(ex, "/loop"));
        server.createContext("/stall", ex -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, "late".getBytes(), null);
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, byte[] body, String cache)
            throws IOException {
        if (cache != null) {
            ex.getResponseHeaders().add("Cache-Control", cache);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static FetchFailure failure(SafeFetcher fetcher, String url) {
        try {
            fetcher.fetch(URI.create(url), "*/*");
            return null;
        } catch (FetchException e) {
            assertThat(e.getMessage()).isNotBlank();
            return e.reason();
        }
    }

    @Test
    void fetchesWithinTheLimitsWhenPrivateNetworksAreAllowed() throws Exception {
        SafeFetcher dev = new SafeFetcher(FetchPolicy.defaults(true));
        FetchedDocument doc = dev.fetch(URI.create(url("/ok")), "*/*");
        assertThat(new String(doc.body())).isEqualTo("hello");
        assertThat(doc.maxAge()).contains(Duration.ofSeconds(600));
        assertThat(dev.fetch(URI.create(url("/exact")), "*/*").body()).hasSize(1024 * 1024);
        assertThat(new String(dev.fetch(URI.create(url("/redirect-ok")), "*/*").body())).isEqualTo("hello");
    }

    @Test
    void loopbackPrivateAndMetadataAddressesAreRefused() {
        SafeFetcher production = new SafeFetcher(FetchPolicy.defaults(false));
        int port = server.getAddress().getPort();
        for (String target : List.of("https://127.0.0.1:" + port + "/ok", "https://localhost:" + port + "/ok",
                "https://[::1]:" + port + "/ok", "https://0.0.0.0:" + port + "/ok", "https://169.254.169.254/latest",
                "https://10.1.2.3/x", "https://192.168.0.1/x", "https://172.16.5.4/x", "https://[fd00::1]/x",
                "https://[::ffff:127.0.0.1]:" + port + "/ok", "https://100.64.0.1/x",
                // the blocks and spellings the save-time rule shares with the fetcher
                "https://[64:ff9b::7f00:1]:" + port + "/ok", "https://[64:ff9b::a9fe:a9fe]/latest",
                "https://[2002:7f00:1::1]:" + port + "/ok", "https://[::127.0.0.1]:" + port + "/ok",
                "https://198.18.0.1/x", "https://240.0.0.1/x", "https://0.1.2.3/x",
                "https://2130706433:" + port + "/ok",
                "https://localhost.:" + port + "/ok", "https://metadata.google.internal/computeMetadata/v1/")) {
            assertThat(failure(production, target)).as(target).isEqualTo(FetchFailure.ADDRESS_NOT_ALLOWED);
        }
        assertThat(failure(production, url("/ok"))).isEqualTo(FetchFailure.SCHEME_NOT_ALLOWED);
        assertThat(failure(production, "ftp://example.com/x")).isEqualTo(FetchFailure.SCHEME_NOT_ALLOWED);
        assertThat(failure(production, "https://user:pw@example.com/x")).isEqualTo(FetchFailure.INVALID_URL);
    }

    @Test
    void namesThatResolveToLoopbackAreRefusedAtResolution() throws Exception {
        // "localhost" is a name: the resolver sees 127.0.0.1 and refuses before any connection
        assertThat(AddressRules.isForbidden(InetAddress.getByName("localhost"))).isTrue();
        SafeFetcher production = new SafeFetcher(FetchPolicy.defaults(false));
        assertThat(failure(production, "https://localhost:" + server.getAddress().getPort() + "/ok"))
                .isEqualTo(FetchFailure.ADDRESS_NOT_ALLOWED);
    }

    @Test
    void publicAddressesPassTheRule() throws Exception {
        assertThat(AddressRules.isForbidden(InetAddress.getByName("93.184.216.34"))).isFalse();
        assertThat(AddressRules.isForbidden(InetAddress.getByName("2606:2800:220:1::1"))).isFalse();
        assertThat(AddressRules.isForbidden(InetAddress.getByName("::ffff:10.0.0.1"))).isTrue();
    }

    @Test
    void limitsAndErrorsAreReported() {
        SafeFetcher dev = new SafeFetcher(FetchPolicy.defaults(true));
        assertThat(failure(dev, url("/big"))).isEqualTo(FetchFailure.TOO_LARGE);
        assertThat(failure(dev, url("/missing"))).isEqualTo(FetchFailure.HTTP_ERROR);
        assertThat(failure(dev, url("/loop"))).isEqualTo(FetchFailure.TOO_MANY_REDIRECTS);
        assertThat(failure(dev, "http://127.0.0.1:1/closed")).isEqualTo(FetchFailure.CONNECT_FAILED);
        assertThat(failure(dev, "https://host.invalid/x")).isEqualTo(FetchFailure.HOST_NOT_FOUND);
    }

    @Test
    void aRedirectIsCheckedLikeTheFirstRequest() {
        // 127.0.0.1 stands for a public IdP here and 127.0.0.2 for a forbidden address: the redirect
        // to it must be refused although the first hop was fine
        SafeFetcher fetcher = new SafeFetcher(FetchPolicy.defaults(true),
                a -> a.getHostAddress().equals("127.0.0.2"));
        server.createContext("/redirect-inside", ex -> redirect(ex,
                "http://127.0.0.2:" + server.getAddress().getPort() + "/ok"));
        assertThat(failure(fetcher, url("/redirect-ok"))).isNull();
        assertThat(failure(fetcher, url("/redirect-inside"))).isEqualTo(FetchFailure.ADDRESS_NOT_ALLOWED);
    }

    @Test
    void redirectsMeetTheSameAddressRule() {
        // 127.0.0.1 stands for a public IdP; every other address is judged by the production rule
        SafeFetcher fetcher = new SafeFetcher(FetchPolicy.defaults(true),
                a -> !a.getHostAddress().equals("127.0.0.1") && AddressRules.isForbidden(a));
        for (String target : List.of("http://[64:ff9b::a9fe:a9fe]/latest", "http://[2002:a9fe:a9fe::1]/latest",
                "http://[::169.254.169.254]/latest", "http://[::ffff:169.254.169.254]/latest", "http://198.18.0.1/x",
                "http://240.0.0.1/x")) {
            server.createContext("/to" + target.hashCode(), ex -> redirect(ex, target));
            assertThat(failure(fetcher, url("/to" + target.hashCode()))).as(target)
                    .isEqualTo(FetchFailure.ADDRESS_NOT_ALLOWED);
        }
        assertThat(failure(fetcher, url("/redirect-ok"))).isNull();
    }

    @Test
    void aStallingServerHitsTheDeadline() {
        SafeFetcher quick = new SafeFetcher(new FetchPolicy(true, 1024, Duration.ofMillis(800), 5));
        long started = System.nanoTime();
        assertThat(failure(quick, url("/stall"))).isEqualTo(FetchFailure.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void httpsToHttpDowngradeIsRefused() throws Exception {
        SafeFetcher dev = new SafeFetcher(FetchPolicy.defaults(true));
        dev.check(URI.create(url("/ok")), false);
        assertThatThrownBy(() -> dev.check(URI.create(url("/ok")), true))
                .isInstanceOfSatisfying(FetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(FetchFailure.SCHEME_NOT_ALLOWED));
    }

    @Test
    void postsAndCredentialedGetsAreNeverRedirectedAndKeepErrorBodies() throws Exception {
        server.createContext("/token", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"error\":\"invalid_grant\",\"got\":\"" + new String(in) + "\",\"auth\":\"" + auth
                    + "\"}").getBytes();
            ex.sendResponseHeaders(400, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        SafeFetcher dev = new SafeFetcher(FetchPolicy.defaults(true));
        FetchedDocument answer = dev.post(URI.create(url("/token")), "application/json",
                java.util.Map.of("Authorization", "Basic eDp5"), "application/x-www-form-urlencoded",
                "grant_type=authorization_code".getBytes(), java.util.Optional.empty());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(new String(answer.body())).contains("invalid_grant", "grant_type=authorization_code", "Basic eDp5");
        // a redirect would hand the credentials to whoever the Location names
        assertThatThrownBy(() -> dev.post(URI.create(url("/redirect-ok")), "*/*", java.util.Map.of(),
                "text/plain", new byte[0], java.util.Optional.empty()))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(FetchFailure.HTTP_ERROR));
        assertThatThrownBy(() -> dev.get(URI.create(url("/redirect-ok")), "*/*", java.util.Map.of("Authorization", "Bearer t")))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(FetchFailure.HTTP_ERROR));
        assertThat(new String(dev.get(URI.create(url("/ok")), "*/*", java.util.Map.of()).body())).isEqualTo("hello");
    }

    @Test
    void postsFollowTheAddressRulesAndLimits() {
        SafeFetcher production = new SafeFetcher(FetchPolicy.defaults(false));
        assertThatThrownBy(() -> production.post(URI.create("https://127.0.0.1:" + server.getAddress().getPort()
                + "/ok"), "*/*", java.util.Map.of(), "text/plain", new byte[0], java.util.Optional.empty()))
                .isInstanceOfSatisfying(FetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(FetchFailure.ADDRESS_NOT_ALLOWED));
        assertThatThrownBy(() -> production.get(URI.create("https://localhost:" + server.getAddress().getPort()
                + "/ok"), "*/*", java.util.Map.of()))
                .isInstanceOfSatisfying(FetchException.class,
                        e -> assertThat(e.reason()).isEqualTo(FetchFailure.ADDRESS_NOT_ALLOWED));
        SafeFetcher dev = new SafeFetcher(FetchPolicy.defaults(true));
        assertThatThrownBy(() -> dev.get(URI.create(url("/big")), "*/*", java.util.Map.of()))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(FetchFailure.TOO_LARGE));
    }
}
