package io.gatehouse.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** Digest algorithms for certificate fingerprints. */
public enum FingerprintAlgorithm {
    SHA1("sha1", "SHA-1", 20),
    SHA256("sha256", "SHA-256", 32),
    SHA384("sha384", "SHA-384", 48),
    SHA512("sha512", "SHA-512", 64);

    private final String wireName;
    private final String jcaName;
    private final int length;

    FingerprintAlgorithm(String wireName, String jcaName, int length) {
        this.wireName = wireName;
        this.jcaName = jcaName;
        this.length = length;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<FingerprintAlgorithm> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
    }

    public String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance(jcaName).digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<String> normalize(String fingerprint) {
        String hex = fingerprint.replaceAll("[\\s:]", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]+") || hex.length() != length * 2) {
            return Optional.empty();
        }
        return Optional.of(HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex)));
    }
}
