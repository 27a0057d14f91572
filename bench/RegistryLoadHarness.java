import io.gatehouse.bench.KeepAliveClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registry load harness: creates N SAML (from metadata XML) and N OIDC identity providers and reads
 * them back, sequentially and with concurrent workers, against a running Gatehouse, and prints
 * rate, p50 and p99 next to the Keycloak 26 reference measured on the same kind of machine.
 *
 * java -cp target/test-classes bench/RegistryLoadHarness.java --url http://127.0.0.1:8080 --admin-key KEY [--n 2000] [--warmup 30000] [--workers 8]
 *      [--server-pid PID]
 * <p>
 * The warm-up repeats the measured sequence until {@code --warmup} creates of each kind are done. It is
 * long because the comparison is with Keycloak warm: C2 spends about 12 s of CPU compiling the request
 * path and was still compiling after 10,000 creates of each kind (CPU per operation fell another fifth
 * between 10,000 and 30,000). It is the sequence itself because a warm-up of creates one at a time left
 * C2 recompiling a third of a core's worth during the measured contended runs: code compiled for one
 * phase's profile is thrown away (uncommon traps) when the next phase takes the branches it never saw.
 * <p>
 * With {@code HARNESS_TRACE=prefix} each run's start (epoch ms), request start offsets and latencies
 * (µs) are written to prefix-1, prefix-2, ..., for lining the slow requests up with a GC log (decorate it
 * with {@code timemillis}). With {@code HARNESS_THREADS=1} each run prints the server's CPU time by
 * thread kind (request carriers, compiler, GC, H2's writer, key pool...).
 * <p>
 * With {@code --server-pid} (a Gatehouse on the same machine) it also prints the server's CPU time per
 * operation: on a shared machine rates swing with other load, CPU time per operation much less.
 */
public class RegistryLoadHarness {
    // Keycloak 26 on this 2-core machine, warm: rate/s and p99 ms
    static final double KC_CREATE_SEQ = 450, KC_CREATE_PAR = 952, KC_CREATE_P99 = 33;
    static final double KC_GET_SEQ = 769, KC_GET_PAR = 1598, KC_GET_P99 = 21;

    static String url;
    static String adminKey;
    static final AtomicInteger ERRORS = new AtomicInteger();
    static String certificateBase64;
    /** The server's process id when it runs on this machine: its CPU time per operation is then reported. */
    static long serverPid = -1;

    public static void main(String[] args) throws Exception {
        int n = 2000, warmup = 30_000, workers = 8;
        for (int i = 0; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--admin-key" -> adminKey = args[i + 1];
                case "--n" -> n = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--workers" -> workers = Integer.parseInt(args[i + 1]);
                case "--server-pid" -> serverPid = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null || adminKey == null) {
            System.err.println("usage: --url URL --admin-key KEY [--n N] [--warmup N] [--workers N]");
            System.exit(2);
        }
        certificateBase64 = generateCertificate();
        String run = UUID.randomUUID().toString().substring(0, 6);
        String org = "bench-" + run;
        send("POST", "/api/orgs", adminKey, "{\"id\":\"" + org + "\",\"name\":\"Bench\",\"max_identity_providers\":1000}", 201);
        String key = extract(send("POST", "/api/orgs/" + org + "/api-keys", adminKey,
                "{\"name\":\"bench\",\"role\":\"org_admin\"}", 201), "key");
        String base = "/api/orgs/" + org + "/identity-providers";
        // the plan caps an org at 1000 providers: spread the load over several orgs
        List<String[]> orgs = new ArrayList<>();
        int rounds = Math.max(1, warmup / (2 * n));
        int needed = (rounds + 1) * 4 * n / 900 + 2;
        orgs.add(new String[] {org, key});
        for (int i = 1; i < needed; i++) {
            String o = org + "-" + i;
            send("POST", "/api/orgs", adminKey, "{\"id\":\"" + o + "\",\"name\":\"Bench\",\"max_identity_providers\":1000}", 201);
            orgs.add(new String[] {o, extract(send("POST", "/api/orgs/" + o + "/api-keys", adminKey,
                    "{\"name\":\"bench\",\"role\":\"org_admin\"}", 201), "key")});
        }
        AtomicInteger counter = new AtomicInteger();
        List<String[]> created = java.util.Collections.synchronizedList(new ArrayList<>());
        Op createSaml = () -> create(orgs, counter, created, true);
        Op createOidc = () -> create(orgs, counter, created, false);
        AtomicInteger reads = new AtomicInteger();
        Op get = () -> {
            String[] target = created.get(Math.floorMod(reads.getAndIncrement() * 7919, created.size()));
            send("GET", "/api/orgs/" + target[0] + "/identity-providers/" + target[1], target[2], null, 200);
        };
        // the warm-up is the measured sequence itself, repeated: every path the measurement takes (one
        // at a time and contended, each kind after the other) is compiled with the profile it will meet
        System.out.printf(Locale.ROOT, "Warming up (%d rounds of the measured sequence: %d creates and %d reads)...%n",
                rounds, rounds * 4 * n, rounds * 4 * n);
        for (int r = 0; r < rounds; r++) {
            measure(createSaml, createOidc, get, n, workers);
        }
        System.out.println("Measuring...");
        List<Row> rows = measure(createSaml, createOidc, get, n, workers);
        System.out.printf(Locale.ROOT, "%n%-12s %-11s %7s %9s %8s %8s %8s   %-28s %s%n", "operation", "mode", "count",
                "rate/s", "p50 ms", "p99 ms", "cpu ms", "target (3x Keycloak)", "verdict");
        boolean all = true;
        for (Row r : rows) {
            double targetRate = r.keycloakRate * 3;
            double targetP99 = r.keycloakP99 / 3;
            boolean pass = r.result.rate >= targetRate && r.result.p99 <= targetP99;
            all &= pass;
            System.out.printf(Locale.ROOT, "%-12s %-11s %7d %9.0f %8.2f %8.2f %8s   >= %5.0f/s, p99 <= %5.1f ms  %s%n",
                    r.operation, r.mode, r.result.count, r.result.rate, r.result.p50, r.result.p99,
                    r.result.serverCpuMs < 0 ? "-" : String.format(Locale.ROOT, "%.3f", r.result.serverCpuMs),
                    targetRate, targetP99, pass ? "PASS" : "FAIL");
        }
        if (serverPid > 0) {
            System.out.println("cpu ms: the server's CPU time (user + system) per operation during the run");
        }
        System.out.printf(Locale.ROOT, "%nerrors: %d; all targets %s%n", ERRORS.get(), all ? "met" : "NOT met");
        System.exit(ERRORS.get() == 0 ? 0 : 1);
    }

    /** The measured sequence: each kind of creation, then reads, one at a time and then with the workers. */
    static List<Row> measure(Op createSaml, Op createOidc, Op get, int n, int workers) throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("create SAML", "sequential", run(createSaml, n, 1), KC_CREATE_SEQ, KC_CREATE_P99));
        rows.add(new Row("create OIDC", "sequential", run(createOidc, n, 1), KC_CREATE_SEQ, KC_CREATE_P99));
        rows.add(new Row("get", "sequential", run(get, n * 2, 1), KC_GET_SEQ, KC_GET_P99));
        rows.add(new Row("create SAML", workers + " workers", run(createSaml, n, workers), KC_CREATE_PAR, KC_CREATE_P99));
        rows.add(new Row("create OIDC", workers + " workers", run(createOidc, n, workers), KC_CREATE_PAR, KC_CREATE_P99));
        rows.add(new Row("get", workers + " workers", run(get, n * 2, workers), KC_GET_PAR, KC_GET_P99));
        return rows;
    }

    interface Op {
        void run() throws Exception;
    }

    record Result(int count, double rate, double p50, double p99, double serverCpuMs) {
    }

    record Row(String operation, String mode, Result result, double keycloakRate, double keycloakP99) {
    }

    static final AtomicInteger TRACE_NO = new AtomicInteger();

    static Result run(Op op, int count, int workers) throws Exception {
        long[] latencies = new long[count];
        long[] starts = new long[count];
        AtomicInteger next = new AtomicInteger();
        long cpuBefore = serverCpuTicks();
        boolean byThread = System.getenv("HARNESS_THREADS") != null && serverPid > 0;
        Map<String, Long> threadsBefore = byThread ? serverThreadTicks() : Map.of();
        long startedEpochMs = System.currentTimeMillis();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            futures.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    long t0 = System.nanoTime();
                    starts[i] = t0;
                    op.run();
                    latencies[i] = System.nanoTime() - t0;
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - started) / 1e9;
        long cpuAfter = serverCpuTicks();
        if (byThread) {
            Map<String, Long> after = serverThreadTicks();
            StringBuilder sb = new StringBuilder("  server CPU by thread (ms):");
            after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> sb.append(' ').append(e.getKey()).append('=').append(e.getValue() * 10));
            System.out.println(sb);
        }
        String trace = System.getenv("HARNESS_TRACE");
        if (trace != null) {
            StringBuilder sb = new StringBuilder("# start epoch ms ").append(startedEpochMs).append('\n');
            for (int i = 0; i < count; i++) {
                sb.append((starts[i] - started) / 1000).append(' ').append(latencies[i] / 1000).append('\n');
            }
            Files.writeString(Path.of(trace + "-" + TRACE_NO.incrementAndGet()), sb);
        }
        Arrays.sort(latencies);
        double cpuMs = cpuBefore < 0 || cpuAfter < 0 ? -1 : (cpuAfter - cpuBefore) * 10.0 / count;
        return new Result(count, count / seconds, latencies[count / 2] / 1e6, latencies[(int) (count * 0.99)] / 1e6,
                cpuMs);
    }

    /** utime + stime of each of the server's threads, by name with digits dropped (thread kinds summed). */
    static Map<String, Long> serverThreadTicks() {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        if (serverPid <= 0) {
            return ticks;
        }
        try (var tasks = Files.list(Path.of("/proc/" + serverPid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** utime + stime of the server process in clock ticks (USER_HZ, 100 on Linux), or -1 if unknown. */
    static long serverCpuTicks() {
        if (serverPid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static void create(List<String[]> orgs, AtomicInteger counter, List<String[]> created, boolean saml)
            throws Exception {
        int i = counter.getAndIncrement();
        String[] org = orgs.get(i / 900);
        String alias = (saml ? "s" : "o") + i;
        String domain = "d" + i + "-" + org[0] + ".example.com";
        String body = saml
                ? "{\"alias\":\"" + alias + "\",\"display_name\":\"SAML " + i + "\",\"protocol\":\"saml\","
                + "\"domains\":[\"" + domain + "\"],\"saml\":{\"metadata_xml\":" + json(metadata(i)) + "}}"
                : "{\"alias\":\"" + alias + "\",\"display_name\":\"OIDC " + i + "\",\"protocol\":\"oidc\","
                + "\"domains\":[\"" + domain + "\"],\"oidc\":{\"issuer\":\"https://idp" + i + ".example.com\","
                + "\"client_id\":\"client-" + i + "\",\"client_secret\":\"secret-" + i + "\","
                + "\"authorization_endpoint\":\"https://idp" + i + ".example.com/authorize\","
                + "\"token_endpoint\":\"https://idp" + i + ".example.com/token\","
                + "\"jwks_uri\":\"https://idp" + i + ".example.com/jwks\"}}";
        send("POST", "/api/orgs/" + org[0] + "/identity-providers", org[1], body, 201);
        created.add(new String[] {org[0], alias, org[1]});
    }

    static String metadata(int i) {
        return "<?xml version=\"1.0\"?><md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\""
                + " entityID=\"https://idp" + i + ".example.com/saml\"><md:IDPSSODescriptor"
                + " protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:KeyDescriptor use=\"signing\">"
                + "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>"
                + certificateBase64 + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
                + "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""
                + " Location=\"https://idp" + i + ".example.com/slo\"/>"
                + "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""
                + " Location=\"https://idp" + i + ".example.com/sso\"/>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
                + " Location=\"https://idp" + i + ".example.com/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
    }

    /**
     * One keep-alive HTTP/1.1 connection per thread, spoken by hand (the test sources'
     * KeepAliveClient): the JDK's HttpClient costs more CPU per request than the server under test,
     * on the same two cores.
     */
    static final ThreadLocal<KeepAliveClient> CONNECTION = ThreadLocal.withInitial(() -> new KeepAliveClient(URI.create(url)));

    static String send(String method, String path, String key, String body, int expected) throws Exception {
        String headers = "Authorization: Bearer " + key + "\r\nAccept: application/json\r\n";
        KeepAliveClient.Answer answer = switch (method) {
            case "GET" -> CONNECTION.get().get(path, headers);
            case "POST" -> CONNECTION.get().post(path, headers, "application/json", body);
            default -> throw new IllegalArgumentException(method);
        };
        String text = answer.body();
        if (answer.status() != expected) {
            if (ERRORS.incrementAndGet() <= 5) {
                System.err.println(method + " " + path + " -> " + answer.status() + ": "
                        + text.substring(0, Math.min(400, text.length())));
            }
            if (path.startsWith("/api/orgs") && !path.contains("identity-providers")) {
                throw new IllegalStateException("set-up failed");
            }
        }
        return text;
    }

    static String extract(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return m.group(1);
    }

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A real self-signed certificate from the JDK's keytool, so SAML metadata carries a parsable key. */
    static String generateCertificate() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gh-bench");
        Path keytool = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("keytool");
        Path store = dir.resolve("ks.p12");
        exec(keytool.toString(), "-genkeypair", "-alias", "idp", "-keyalg", "RSA", "-keysize", "2048", "-validity", "365",
                "-dname", "CN=bench-idp", "-keystore", store.toString(), "-storepass", "changeit", "-storetype", "PKCS12");
        Path cert = dir.resolve("idp.pem");
        exec(keytool.toString(), "-exportcert", "-rfc", "-alias", "idp", "-keystore", store.toString(), "-storepass",
                "changeit", "-file", cert.toString());
        return Files.readString(cert).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    static void exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
