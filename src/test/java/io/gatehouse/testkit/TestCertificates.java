package io.gatehouse.testkit;

import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.KeyAlgorithm;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.SelfSignedCertificates;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Real keys and certificates made per run, relative to a moment: valid, expired, expiring, SHA-1. */
public final class TestCertificates {
    private TestCertificates() {
    }

    public static KeyAndCertificate valid(String cn) {
        return SelfSignedCertificates.generate(cn, KeyAlgorithm.RSA_2048, Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(365));
    }

    public static KeyAndCertificate ec(String cn) {
        return SelfSignedCertificates.generate(cn, KeyAlgorithm.EC_P256, Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(365));
    }

    public static KeyAndCertificate expired(String cn) {
        return SelfSignedCertificates.generate(cn, KeyAlgorithm.RSA_2048, Instant.now().minus(Duration.ofDays(400)),
                Duration.ofDays(365));
    }

    public static KeyAndCertificate expiringInDays(String cn, int days) {
        Instant notBefore = Instant.now().minus(Duration.ofDays(300));
        return SelfSignedCertificates.generate(cn, KeyAlgorithm.RSA_2048, notBefore,
                Duration.between(notBefore, Instant.now().plus(Duration.ofDays(days))));
    }

    /** A certificate signed with SHA1withRSA, as old ADFS farms still publish. */
    public static X509Certificate sha1Signed(String cn) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair pair = g.generateKeyPair();
            X500Principal subject = new X500Principal("CN=" + cn);
            var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()),
                    Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(365))),
                    subject, pair.getPublic());
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA1withRSA").build(pair.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String base64(X509Certificate cert) {
        try {
            return Base64.getEncoder().encodeToString(cert.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(X509Certificate cert) {
        return Certificates.toPem(cert);
    }
}
