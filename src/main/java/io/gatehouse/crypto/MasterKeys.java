package io.gatehouse.crypto;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the master keys that seal secrets: GATEHOUSE_MASTER_KEY (base64 of 32 bytes; several
 * comma-separated for rotation, the first sealing), else a key generated once into the data folder.
 * A key is named by an id derived from it with HKDF under a label of its own: the id is shown (API,
 * logs, access tokens) and must tell nothing about the key, not even a digest of it.
 */
public final class MasterKeys {
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeys.class);
    static final String KEY_FILE = "master.key";
    static final String ID_PREFIX = "mk-";
    private static final byte[] ID_LABEL = "gatehouse master key id v1".getBytes(StandardCharsets.US_ASCII);

    private MasterKeys() {
    }

    public static SecretBox load(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return fromText(configured, "GATEHOUSE_MASTER_KEY");
        }
        Path file = dataDir.resolve(KEY_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not POSIX: the data folder's own protection applies
                }
                LOG.warn("GATEHOUSE_MASTER_KEY is not set: generated a master key into {}. Back it up, or set"
                        + " GATEHOUSE_MASTER_KEY in production; without it, stored secrets cannot be read.", file);
            } else {
                LOG.warn("GATEHOUSE_MASTER_KEY is not set: using the generated master key in {}", file);
            }
            return fromText(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key file " + file, e);
        }
    }

    static SecretBox fromText(String text, String source) {
        Map<String, SecretBox.MasterKey> keys = new LinkedHashMap<>();
        String[] parts = text.strip().split("\\s*,\\s*");
        for (int i = 0; i < parts.length; i++) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(parts[i].strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Master key #" + (i + 1) + " in " + source + " is not base64");
            }
            if (key.length != 32) {
                throw new IllegalStateException("Master key #" + (i + 1) + " in " + source + " must be 32 bytes"
                        + " (base64 of 32 random bytes, e.g. `head -c32 /dev/urandom | base64`), not " + key.length);
            }
            try {
                String id = keyId(key);
                if (keys.containsKey(id)) {
                    LOG.warn("Master key #{} in {} repeats an earlier one ({}); it is used once", i + 1, source, id);
                } else {
                    keys.put(id, new SecretBox.MasterKey(id, legacyKeyId(key), new AesGcmJce(key)));
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM is not available", e);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        return new SecretBox(keys);
    }

    /** The key's id: "mk-" and 64 bits of HKDF-SHA256 of the key under a label used for nothing else. */
    static String keyId(byte[] key) {
        try {
            return ID_PREFIX + HexFormat.of().formatHex(Hkdf.computeHkdf("HMACSHA256", key, new byte[0],
                    ID_LABEL, 8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is not available", e);
        }
    }

    /**
     * The id earlier versions stored with each ciphertext: the start of the key's plain SHA-256. Only
     * read, so that what they sealed still opens; the rotation re-seals it under the new id.
     */
    static String legacyKeyId(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
