package io.gatehouse.crypto;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** Parsing and encoding of X.509 certificates. */
public final class Certificates {
    private Certificates() {
    }

    public static X509Certificate parse(String pemOrBase64Der) {
        java.util.regex.Matcher label = java.util.regex.Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----")
                .matcher(pemOrBase64Der);
        if (label.find() && !label.group(1).equals("CERTIFICATE")) {
            throw new CertificateParseException("certificate.not_x509",
                    "is a PEM " + label.group(1).toLowerCase(java.util.Locale.ROOT) + ", not a certificate");
        }
        String s = pemOrBase64Der.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "")
                .replaceAll("\\s", "");
        if (s.isEmpty()) {
            throw new CertificateParseException("certificate.empty", "is empty");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new CertificateParseException("certificate.not_base64", "is neither PEM nor base64 DER");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new CertificateParseException("certificate.not_x509", "is not an X.509 certificate");
        }
    }

    public static String toPem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
