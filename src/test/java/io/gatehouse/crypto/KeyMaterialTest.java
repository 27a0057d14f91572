package io.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Certificates, fingerprints, private keys and the SP key pool. */
class KeyMaterialTest {

    @Test
    void generatedCertificatesRoundTripAndFingerprintsMatchAnIndependentDigest() throws Exception {
        KeyAndCertificate key = SelfSignedCertificates.generate("Test SP", KeyAlgorithm.RSA_2048, Instant.now(),
                Duration.ofDays(30));
        assertThat(key.toString()).doesNotContain("PRIVATE");
        var parsed = Certificates.parse(Certificates.toPem(key.certificate()));
        assertThat(parsed).isEqualTo(key.certificate());
        assertThat(Certificates.parse(java.util.Base64.getEncoder().encodeToString(key.certificate().getEncoded())))
                .isEqualTo(key.certificate());
        String expected = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.certificate().getEncoded()));
        assertThat(FingerprintAlgorithm.SHA256.fingerprint(key.certificate())).isEqualTo(expected);
        assertThat(FingerprintAlgorithm.SHA256.normalize(expected.replace(":", "").toLowerCase())).contains(expected);
        assertThat(FingerprintAlgorithm.SHA1.normalize(expected)).isEmpty();
    }

    @Test
    void notCertificatesAreNamedAsSuch() {
        assertThatThrownBy(() -> Certificates.parse("")).isInstanceOfSatisfying(CertificateParseException.class,
                e -> assertThat(e.code()).isEqualTo("certificate.empty"));
        assertThatThrownBy(() -> Certificates.parse("%%%")).isInstanceOfSatisfying(CertificateParseException.class,
                e -> assertThat(e.code()).isEqualTo("certificate.not_base64"));
        KeyAndCertificate key = SelfSignedCertificates.generate("x", KeyAlgorithm.EC_P256, Instant.now(), Duration.ofDays(1));
        assertThatThrownBy(() -> Certificates.parse(PrivateKeys.toPem(key.privateKey())))
                .isInstanceOfSatisfying(CertificateParseException.class,
                        e -> assertThat(e.code()).isEqualTo("certificate.not_x509"));
    }

    @Test
    void privateKeysRoundTripAndStillSign() throws Exception {
        for (KeyAlgorithm alg : List.of(KeyAlgorithm.RSA_2048, KeyAlgorithm.EC_P256)) {
            KeyAndCertificate key = SelfSignedCertificates.generate("k", alg, Instant.now(), Duration.ofDays(1));
            var back = PrivateKeys.parsePem(PrivateKeys.toPem(key.privateKey()));
            Signature signer = Signature.getInstance(alg == KeyAlgorithm.EC_P256 ? "SHA256withECDSA" : "SHA256withRSA");
            signer.initSign(back);
            signer.update(new byte[] {1, 2, 3});
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signer.getAlgorithm());
            verifier.initVerify(key.certificate());
            verifier.update(new byte[] {1, 2, 3});
            assertThat(verifier.verify(signature)).isTrue();
        }
        assertThatThrownBy(() -> PrivateKeys.parsePem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .isInstanceOf(PrivateKeys.PrivateKeyException.class).hasMessageNotContaining("AAAA");
    }

    @Test
    void thePoolHandsOutDistinctKeysEvenWhenEmpty() throws Exception {
        try (KeyPairPool pool = new KeyPairPool(2, Clock.systemUTC())) {
            pool.start();
            List<Callable<KeyAndCertificate>> takers = java.util.stream.IntStream.range(0, 8)
                    .mapToObj(i -> (Callable<KeyAndCertificate>) pool::take).toList();
            ExecutorService executor = Executors.newFixedThreadPool(8);
            Set<String> serials = new HashSet<>();
            for (Future<KeyAndCertificate> f : executor.invokeAll(takers)) {
                serials.add(f.get().certificate().getSerialNumber().toString());
            }
            executor.shutdown();
            assertThat(serials).hasSize(8);
        }
        try (KeyPairPool unstarted = new KeyPairPool(1, Clock.systemUTC())) {
            assertThat(unstarted.take().certificate()).isNotNull();
        }
    }
}
