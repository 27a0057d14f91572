package io.gatehouse.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads and writes PEM private keys (PKCS#8, PKCS#1 RSA, SEC1 EC); errors never quote the key. */
public final class PrivateKeys {
    private PrivateKeys() {
    }

    public static PrivateKey parsePem(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return switch (object) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case null -> throw new PrivateKeyException("private_key.invalid", "is not a PEM private key");
                default -> throw new PrivateKeyException(
                        object.getClass().getSimpleName().contains("Encrypted") ? "private_key.encrypted_not_supported"
                                : "private_key.invalid",
                        object.getClass().getSimpleName().contains("Encrypted")
                                ? "is encrypted; give the key without a passphrase" : "is not a private key");
            };
        } catch (IOException | RuntimeException e) {
            if (e instanceof PrivateKeyException p) {
                throw p;
            }
            throw new PrivateKeyException("private_key.invalid", "is not a readable PEM private key");
        }
    }

    public static String toPem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** A private key that could not be read. */
    public static final class PrivateKeyException extends RuntimeException {
        private final String code;

        PrivateKeyException(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
