package io.gatehouse.saml;

import com.sun.management.OperatingSystemMXBean;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.saml.internal.Checked;
import io.gatehouse.saml.internal.ResponseDecoder;
import io.gatehouse.saml.internal.ResponseStructure;
import io.gatehouse.saml.internal.SignatureVerifier;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.xml.SecureXml;
import java.lang.management.ManagementFactory;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The ACS path's cost on one thread: a signed ~10 KB Response validated end to end, against its
 * floor (the XML parse and one RSA-2048 verify) and the steps between. Run by {@code bench/acs.sh}.
 */
// The split measures growing prefixes of the validation (decode and parse; + shape; + the Assertion's
// signature) on a fresh document each time, so that each step is charged with the DOM nodes it is
// the first to touch (Xerces builds them lazily); the differences are the steps' costs. Costs are
// the JVM's CPU time per operation (garbage collection included), not wall time: on a shared
// machine the wall clock also counts the time other processes hold the core. The operations take turns in short rounds and
// each reports its best round, so that a neighbour's burst (which still costs caches) cannot land
// on one operation only.
public final class AcsValidationBenchmark {
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        // the validation runs through Santuario, Xerces and our checks: C2 needs tens of seconds of it
        // before the code is final (with 4 s of warm-up shared by seven operations, rounds still
        // varied by half); the floor's operations get the same warm-up
        long warmupMillis = Long.getLong("warmup", 30_000);
        long measureMillis = Long.getLong("measure", 20_000);
        int rounds = Integer.getInteger("rounds", 10);
        KeyAndCertificate idp = TestCertificates.valid("bench-idp");
        String requestId = TestSamlResponses.newId();
        Instant now = Instant.now();
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            groups.add("gatehouse-engineering-group-" + i);
        }
        String base64 = TestSamlResponses.okta(idp, requestId, now)
                .attribute("memberOf", groups.toArray(String[]::new)).base64();
        String bothSigned = TestSamlResponses.okta(idp, requestId, now)
                .attribute("memberOf", groups.toArray(String[]::new))
                .signResponse(TestSamlResponses.Signing.with(idp)).base64();
        byte[] xml = Base64.getDecoder().decode(base64);
        SamlExpectation expected = TestSamlResponses.expectation(idp.certificate(), requestId, now).build();
        SamlResponseValidator validator = new SamlResponseValidator();
        for (String response : List.of(base64, bothSigned)) {
            if (!(validator.validate(response, expected) instanceof SamlValidationResult.Accepted)) {
                throw new IllegalStateException("a benchmark response is not accepted: "
                        + validator.validate(response, expected));
            }
        }
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(idp.privateKey());
        byte[] digest = new byte[32];
        rsa.update(digest);
        byte[] signature = rsa.sign();

        Map<String, Supplier<Object>> ops = new LinkedHashMap<>();
        ops.put("validate end to end", () -> validator.validate(base64, expected));
        ops.put("secure parse only", () -> parse(xml));
        ops.put("RSA-2048 verify only", () -> {
            try {
                Signature v = Signature.getInstance("SHA256withRSA");
                v.initVerify(idp.certificate().getPublicKey());
                v.update(digest);
                return v.verify(signature);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ops.put("decode + parse", () -> parsed(base64));
        ops.put("  + shape checks", () -> shaped(parsed(base64)));
        ops.put("  + Assertion signature", () -> verified(shaped(parsed(base64)), expected));
        if (Boolean.getBoolean("both")) {
            ops.put("Response also signed, e2e", () -> validator.validate(bothSigned, expected));
        }

        System.out.printf("Response: %,d bytes decoded (%,d base64), the Assertion signed with RSA-SHA256 (2048-bit"
                + " key), the Response not (one c14n + digest pass)%n", xml.length, base64.length());
        ops.values().forEach(op -> run(op, warmupMillis / ops.size()));
        Map<String, double[]> micros = new LinkedHashMap<>();
        Map<String, double[]> wall = new LinkedHashMap<>();
        ops.keySet().forEach(name -> micros.put(name, new double[rounds]));
        ops.keySet().forEach(name -> wall.put(name, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Supplier<Object>> op : ops.entrySet()) {
                long[] result = run(op.getValue(), measureMillis / rounds);
                micros.get(op.getKey())[r] = result[2] / 1e3 / result[0];
                wall.get(op.getKey())[r] = result[1] / 1e3 / result[0];
            }
        }
        Map<String, Double> best = new LinkedHashMap<>();
        micros.forEach((name, values) -> {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            best.put(name, sorted[0]);
            double[] wallSorted = wall.get(name).clone();
            Arrays.sort(wallSorted);
            System.out.printf("%-26s %,8.0f ops per CPU second  (CPU µs/op best %.1f, median %.1f; wall µs/op"
                    + " best %.1f)%n", name, 1e6 / sorted[0], sorted[0], sorted[sorted.length / 2], wallSorted[0]);
        });
        double parse = best.get("secure parse only");
        double floor = parse + best.get("RSA-2048 verify only");
        double full = best.get("validate end to end");
        System.out.printf("Floor (parse + RSA verify): %.1f µs = %.0f/s; end to end %.1f µs = %.0f/s: %.0f%% of the"
                + " floor's rate%n", floor, 1e6 / floor, full, 1e6 / full, 100 * floor / full);
        // the same ratio within each round, where the three were measured seconds apart: steadier
        // than the ratio of best rounds when neighbours come and go
        double[] perRound = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            perRound[r] = 100 * (micros.get("secure parse only")[r] + micros.get("RSA-2048 verify only")[r])
                    / micros.get("validate end to end")[r];
        }
        Arrays.sort(perRound);
        System.out.printf("Floor / end to end within each round: median %.0f%%, from %.0f%% to %.0f%%%n",
                perRound[rounds / 2], perRound[0], perRound[rounds - 1]);
        double decoded = best.get("decode + parse");
        double shaped = best.get("  + shape checks");
        double verified = best.get("  + Assertion signature");
        System.out.printf("Split: decode + parse %.1f µs (base64 %.1f), shape checks %.1f µs, signature (profile,"
                        + " c14n + digest, RSA verify) %.1f µs, conditions + identity %.1f µs%n", decoded,
                decoded - parse, shaped - decoded, verified - shaped, full - verified);
    }

    private static Document parsed(String base64) {
        return switch (ResponseDecoder.decode(base64)) {
            case Checked.Passed<Document>(Document document) -> document;
            case Checked.Failed<Document>(var rejected) -> throw new IllegalStateException(rejected.toString());
        };
    }

    private static Element shaped(Document document) {
        return switch (ResponseStructure.inspect(document)) {
            case Checked.Passed<Element>(Element assertion) -> assertion;
            case Checked.Failed<Element>(var rejected) -> throw new IllegalStateException(rejected.toString());
        };
    }

    private static Object verified(Element assertion, SamlExpectation expected) {
        if (!(SignatureVerifier.verify(assertion, "Assertion", expected) instanceof Checked.Passed<?>)) {
            throw new IllegalStateException("the Assertion's signature does not verify");
        }
        return assertion;
    }

    private static Object parse(byte[] xml) {
        try {
            return SecureXml.parse(xml, 256 * 1024);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long[] run(Supplier<Object> op, long millis) {
        long cpuStart = PROCESS.getProcessCpuTime();
        long start = System.nanoTime();
        long end = start + millis * 1_000_000;
        long n = 0;
        long t;
        do {
            for (int i = 0; i < 50; i++) {
                sink = op.get();
            }
            n += 50;
            t = System.nanoTime();
        } while (t < end);
        return new long[] {n, t - start, PROCESS.getProcessCpuTime() - cpuStart};
    }

    private AcsValidationBenchmark() {
    }
}
