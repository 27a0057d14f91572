package io.gatehouse.access;

import io.gatehouse.config.GatehouseProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The platform-admin key: GATEHOUSE_ADMIN_KEY when set; otherwise, on the embedded database, one
 * generated once into the data folder so that a fresh install is usable at once. A key shorter than
 * {@link #MIN_LENGTH} characters stops the start: it opens every organization, so it must not be
 * guessable (the failed-key rate limit slows guessing; only length makes it hopeless).
 */
@Component
public class PlatformAdminKey {
    /** 32 characters of a random base64 or hex value carry 128 bits or more. */
    public static final int MIN_LENGTH = 32;
    private final Optional<String> key;
    private final boolean generated;

    PlatformAdminKey(GatehouseProperties properties) {
        String configured = properties.adminKey();
        if (configured != null && !configured.isBlank()) {
            this.key = Optional.of(checked(configured.strip(), "GATEHOUSE_ADMIN_KEY"));
            this.generated = false;
        } else if (properties.usesEmbeddedDatabase()) {
            Path file = properties.dataDir().resolve("admin.key");
            this.key = Optional.of(checked(readOrGenerate(file), "The admin key in " + file));
            this.generated = true;
        } else {
            this.key = Optional.empty();
            this.generated = false;
        }
    }

    Optional<String> value() {
        return key;
    }

    /** Whether the key came from the data folder (and so should be shown to the person starting Gatehouse). */
    public boolean generated() {
        return generated;
    }

    /** The key for the start-up banner only; never log it. */
    public Optional<String> forBanner() {
        return key;
    }

    /** The key when long enough; else a refusal that says why and how to fix it (never quoting the key). */
    private static String checked(String key, String source) {
        if (key.length() < MIN_LENGTH) {
            throw new IllegalStateException(source + " is " + key.length() + " characters long; the platform-admin key"
                    + " must be at least " + MIN_LENGTH + " characters (generate one with: openssl rand -base64 32)");
        }
        return key;
    }

    private static String readOrGenerate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String key = "gh_admin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own protection applies
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the admin key file " + file, e);
        }
    }
}
