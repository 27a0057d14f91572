package io.gatehouse.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A private key and its self-signed certificate. */
public record KeyAndCertificate(PrivateKey privateKey, X509Certificate certificate) {
    @Override
    public String toString() {
        return "KeyAndCertificate[" + certificate.getSubjectX500Principal().getName() + ", private key redacted]";
    }
}
