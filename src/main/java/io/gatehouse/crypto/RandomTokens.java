package io.gatehouse.crypto;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Unguessable values: handles, secrets, keys and message IDs, from one strong random source. */
public final class RandomTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomTokens() {
    }

    /** {@code bytes} random bytes as unpadded base64url (URL, cookie and header safe). */
    public static String urlSafe(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(bytes));
    }

    /** A SAML message ID: an NCName (it may not start with a digit) carrying 160 random bits. */
    public static String samlId() {
        return "_" + HexFormat.of().formatHex(bytes(20));
    }

    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
