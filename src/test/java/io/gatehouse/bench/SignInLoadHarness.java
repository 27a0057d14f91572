package io.gatehouse.bench;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Complete sign-ins against a running Gatehouse: a signed SAML Response (pre-signed by the harness,
 * IdP-initiated, so no round trip to an IdP) posted to the ACS, the code it yields exchanged at the
 * token endpoint for an ID token, and userinfo read — the work of one real sign-in for Gatehouse.
 * Run by {@code bench/signin.sh}.
 */
public final class SignInLoadHarness {
    private static final Pattern CODE = Pattern.compile("[?&]code=([^&]+)");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final String REDIRECT_URI = URLEncoder.encode("https://app.example.com/cb", StandardCharsets.UTF_8);

    private SignInLoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        String url = System.getProperty("url");
        String adminKey = System.getProperty("adminKey");
        int n = Integer.getInteger("n", 3000);
        int workers = Integer.getInteger("workers", 8);
        String alg = System.getProperty("alg", "ES256");
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String org = "bench-" + Long.toHexString(System.nanoTime());
        String domain = org + ".example.com";
        KeyAndCertificate idp = TestCertificates.valid("bench-idp");
        post(http, url + "/api/orgs", adminKey, "{\"id\": \"" + org + "\", \"name\": \"Bench\"}");
        String app = post(http, url + "/api/applications", adminKey, "{\"name\": \"Bench app\", \"redirect_uris\":"
                + " [\"https://app.example.com/cb\"], \"id_token_signed_response_alg\": \"" + alg + "\"}");
        String clientId = field(app, "client_id");
        String secret = field(app, "client_secret");
        post(http, url + "/api/orgs/" + org + "/identity-providers", adminKey, """
                {"alias": "idp", "display_name": "Bench IdP", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "%s", "sso_url": "https://idp.bench.example/sso", "certificates": ["%s"],
                          "allow_idp_initiated": true, "default_application": "%s"}}"""
                .formatted(domain, TestSamlResponses.IDP_ENTITY_ID, TestCertificates.base64(idp.certificate()), clientId));
        String base = System.getProperty("baseUrl", url);
        String acs = base + "/sso/" + org + "/idp/saml/acs";
        String spEntity = base + "/sso/" + org + "/idp/saml/metadata";
        // C2 spends about 17 s of CPU compiling the sign-in path, and after n sign-ins of warm-up it was
        // still at work (1.6 ms of CPU per sign-in measured after 10,000, 1.1 ms after 30,000): the
        // default warm-up is three times the measurement, so the figures are of Gatehouse warm
        int total = n + Integer.getInteger("warmup", Math.max(200, 3 * n));
        System.out.printf("Pre-signing %,d responses (RSA-SHA256, one per sign-in: assertion IDs are single-use)...%n",
                total);
        long ps = System.nanoTime();
        // signed on every core: the harness's RSA signing is set-up, not part of the measured sign-ins
        List<String> forms = java.util.stream.IntStream.range(0, total).parallel().mapToObj(i -> {
            String response = TestSamlResponses.okta(idp, null, Instant.now()).destination(acs).recipient(acs)
                    .audiences(spEntity).nameId("user" + (i % 500) + "@" + domain, TestSamlResponses.EMAIL_FORMAT)
                    .notOnOrAfter(Instant.now().plusSeconds(3600)).subjectNotOnOrAfter(Instant.now().plusSeconds(3600))
                    .base64();
            return "SAMLResponse=" + URLEncoder.encode(response, StandardCharsets.UTF_8);
        }).toList();
        System.out.printf("  done in %.1f s%n", (System.nanoTime() - ps) / 1e9);
        String basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        String acsPath = "/sso/" + org + "/idp/saml/acs";
        URI target = URI.create(url);
        AtomicInteger next = new AtomicInteger();
        int warmup = total - n;
        run(target, forms, next, warmup, workers, acsPath, basic, "warm-up");
        OptionalLong serverPid = serverPid();
        long server0 = serverPid.isPresent() ? serverCpu(serverPid.getAsLong()) : 0;
        long cpu0 = processCpu();
        long t0 = System.nanoTime();
        long[] latencies = run(target, forms, next, n, workers, acsPath, basic, "measured");
        double seconds = (System.nanoTime() - t0) / 1e9;
        double harnessCpu = (processCpu() - cpu0) / 1e9;
        double serverCpu = serverPid.isPresent() ? (serverCpu(serverPid.getAsLong()) - server0) / 1e9 : Double.NaN;
        Arrays.sort(latencies);
        System.out.printf("%,d complete sign-ins (ACS + token %s + userinfo), %d workers: %.0f/s, p50 %.1f ms,"
                        + " p99 %.1f ms; the harness itself used %.0f%% of one core%n", n, alg, workers, n / seconds,
                latencies[n / 2] / 1e6, latencies[(int) (n * 0.99)] / 1e6, 100 * harnessCpu / seconds);
        System.out.printf("latency percentiles: p90 %.1f ms, p95 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
                latencies[(int) (n * 0.90)] / 1e6, latencies[(int) (n * 0.95)] / 1e6, latencies[(int) (n * 0.999)] / 1e6,
                latencies[n - 1] / 1e6);
        if (serverPid.isPresent()) {
            System.out.printf("CPU per sign-in: Gatehouse %.2f ms, harness %.2f ms (Gatehouse used %.0f%% of one core)%n",
                    1000 * serverCpu / n, 1000 * harnessCpu / n, 100 * serverCpu / seconds);
        }
    }

    private static long[] run(URI base, List<String> forms, AtomicInteger next, int count, int workers,
                              String acs, String basic, String phase) throws Exception {
        long[] latencies = new long[count];
        AtomicInteger index = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            futures.add(pool.submit(() -> {
                try (KeepAliveClient http = new KeepAliveClient(base)) {
                    int i;
                    while ((i = index.getAndIncrement()) < count) {
                        long s = System.nanoTime();
                        signIn(http, forms.get(next.getAndIncrement()), acs, basic);
                        latencies[i] = System.nanoTime() - s;
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return latencies;
    }

    private static void signIn(KeepAliveClient http, String form, String acs, String basic) throws Exception {
        KeepAliveClient.Answer landed = http.post(acs, "", "application/x-www-form-urlencoded", form);
        Matcher code = CODE.matcher(landed.location().orElse(""));
        if (landed.status() != 303 || !code.find()) {
            throw new IllegalStateException("ACS answered " + landed.status() + ": " + landed.body());
        }
        KeepAliveClient.Answer tokens = http.post("/oauth2/token", "Authorization: " + basic + "\r\n",
                "application/x-www-form-urlencoded", "grant_type=authorization_code&code=" + code.group(1)
                        + "&redirect_uri=" + REDIRECT_URI);
        Matcher token = ACCESS_TOKEN.matcher(tokens.body());
        if (tokens.status() != 200 || !token.find() || !tokens.body().contains("\"id_token\"")) {
            throw new IllegalStateException("token endpoint answered " + tokens.status() + ": " + tokens.body());
        }
        KeepAliveClient.Answer userinfo = http.get("/oauth2/userinfo", "Authorization: Bearer " + token.group(1) + "\r\n");
        if (userinfo.status() != 200 || !userinfo.body().contains("\"sub\"")) {
            throw new IllegalStateException("userinfo answered " + userinfo.status() + ": " + userinfo.body());
        }
    }

    private static String post(HttpClient http, String url, String key, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    /** Gatehouse's process, when the script names it: its CPU time shows what a sign-in costs whatever else runs. */
    private static OptionalLong serverPid() {
        String pid = System.getProperty("serverPid", "");
        return pid.isBlank() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(pid));
    }

    /** User plus system CPU of a process in nanoseconds, from /proc (clock ticks of 1/100 s on Linux). */
    private static long serverCpu(long pid) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
