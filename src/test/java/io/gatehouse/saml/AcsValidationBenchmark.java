package io.gatehouse.saml;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.xml.SecureXml;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ACS path's cost on one thread: a signed ~10 KB Response validated end to end, against its
 * floor (the XML parse and one RSA-2048 verify) and the steps between. Run by {@code bench/acs.sh}.
 */
public final class AcsValidationBenchmark {
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        long warmupMillis = Long.getLong("warmup", 4000);
        long measureMillis = Long.getLong("measure", 6000);
        KeyAndCertificate idp = TestCertificates.valid("bench-idp");
        String requestId = TestSamlResponses.newId();
        Instant now = Instant.now();
        TestSamlResponses.Builder builder = TestSamlResponses.okta(idp, requestId, now);
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            groups.add("gatehouse-engineering-group-" + i);
        }
        builder.attribute("memberOf", groups.toArray(String[]::new));
        String base64 = builder.base64();
        byte[] xml = Base64.getDecoder().decode(base64);
        SamlExpectation expected = TestSamlResponses.expectation(idp.certificate(), requestId, now).build();
        SamlResponseValidator validator = new SamlResponseValidator();
        if (!(validator.validate(base64, expected) instanceof SamlValidationResult.Accepted)) {
            throw new IllegalStateException("the benchmark response is not accepted: " + validator.validate(base64, expected));
        }
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(idp.privateKey());
        byte[] digest = new byte[32];
        rsa.update(digest);
        byte[] signature = rsa.sign();

        System.out.printf("Response: %,d bytes decoded (%,d base64), assertion signed with RSA-SHA256 (2048-bit key)%n",
                xml.length, base64.length());
        double full = measure("validate end to end", warmupMillis, measureMillis,
                () -> validator.validate(base64, expected));
        double parse = measure("secure parse only", warmupMillis, measureMillis,
                () -> parse(xml));
        double verify = measure("RSA-2048 verify only", warmupMillis, measureMillis, () -> {
            try {
                Signature v = Signature.getInstance("SHA256withRSA");
                v.initVerify(idp.certificate().getPublicKey());
                v.update(digest);
                return v.verify(signature);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        double floorMicros = 1e6 / parse + 1e6 / verify;
        double fullMicros = 1e6 / full;
        System.out.printf("Floor (parse + RSA verify): %.1f µs = %.0f/s; end to end %.1f µs = %.0f/s: %.0f%% of the floor's rate%n",
                floorMicros, 1e6 / floorMicros, fullMicros, full, 100 * (1e6 / fullMicros) / (1e6 / floorMicros));
        System.out.printf("Split: parse %.1f µs, RSA verify %.1f µs, the rest (base64, shape checks, c14n + digest,"
                + " conditions, identity) %.1f µs%n", 1e6 / parse, 1e6 / verify, fullMicros - floorMicros);
    }

    private static Object parse(byte[] xml) {
        try {
            return SecureXml.parse(xml, 256 * 1024);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double measure(String name, long warmupMillis, long measureMillis, Supplier<Object> op) {
        run(op, warmupMillis);
        long[] result = run(op, measureMillis);
        double perSecond = result[0] * 1e9 / result[1];
        System.out.printf("%-22s %,10.0f ops/s  (%.1f µs/op)%n", name, perSecond, 1e6 / perSecond);
        return perSecond;
    }

    private static long[] run(Supplier<Object> op, long millis) {
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
        return new long[] {n, t - start};
    }

    private AcsValidationBenchmark() {
    }
}
