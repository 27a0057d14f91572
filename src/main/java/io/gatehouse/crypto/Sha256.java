package io.gatehouse.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** SHA-256 of a text (or bytes), as the two encodings Gatehouse stores and compares: hex, and base64url (PKCE S256). */
public final class Sha256 {
    private Sha256() {
    }

    public static String hex(String text) {
        return HexFormat.of().formatHex(digest(text));
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest(bytes));
    }

    public static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest(text));
    }

    private static byte[] digest(String text) {
        return digest(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
