package io.gatehouse.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A secret value: never printed, compared in constant time. */
public record Secret(String value) {
    public static final String MASK = "**********";

    public boolean matches(Secret other) {
        return other != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return MASK;
    }
}
