package io.gatehouse.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Generates key pairs with self-signed certificates (SAML SP keys carry their key in a certificate). */
public final class SelfSignedCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSignedCertificates() {
    }

    public static KeyAndCertificate generate(String commonName, KeyAlgorithm algorithm, Instant notBefore,
                                             Duration validity) {
        try {
            KeyPair pair = keyPair(algorithm);
            boolean ec = algorithm == KeyAlgorithm.EC_P256;
            X500Principal subject = new X500Principal("CN=" + commonName.replace(",", "\\,"));
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, RANDOM).setBit(127), Date.from(notBefore), Date.from(notBefore.plus(validity)),
                    subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ec
                    ? KeyUsage.digitalSignature | KeyUsage.keyAgreement
                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            var signer = new JcaContentSignerBuilder(ec ? "SHA256withECDSA" : "SHA256withRSA").build(pair.getPrivate());
            return new KeyAndCertificate(pair.getPrivate(),
                    new JcaX509CertificateConverter().getCertificate(builder.build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("Key generation failed", e);
        }
    }

    private static KeyPair keyPair(KeyAlgorithm algorithm) throws GeneralSecurityException {
        return switch (algorithm) {
            case RSA_2048, RSA_3072 -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(algorithm == KeyAlgorithm.RSA_2048 ? 2048 : 3072, RANDOM);
                yield g.generateKeyPair();
            }
            case EC_P256 -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                yield g.generateKeyPair();
            }
        };
    }
}
