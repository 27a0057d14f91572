package io.gatehouse.oidc.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON Web Key Set read entry by entry: the RSA and EC public keys that can verify a signature,
 * and the entries that cannot be read. Nimbus reads a whole set or nothing, so one provider entry
 * with an unknown {@code kty} is skipped but one with a bad value would cost every key; RFC 7517
 * section 5 lets a reader ignore the members it cannot use, and this does so per entry.
 */
record JwksDocument(List<JWK> usable, List<UnreadableEntry> unreadable) {
    JwksDocument {
        usable = List.copyOf(usable);
        unreadable = List.copyOf(unreadable);
    }

    /**
     * An entry that was skipped: where it was, the kid it names (if any) and why, in words that
     * never quote a key value. The fingerprint tells one entry from another without keeping it.
     */
    record UnreadableEntry(int index, Optional<String> kid, String why, String fingerprint) {
    }

    /** Reads a JWK set; a document that is not a JSON object with a {@code keys} array is not one. */
    static JwksDocument parse(byte[] body) throws ParseException {
        Map<String, Object> json = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
        if (!(json.get("keys") instanceof List<?> entries)) {
            throw new ParseException("the document has no \"keys\" array", 0);
        }
        List<JWK> usable = new ArrayList<>();
        List<UnreadableEntry> unreadable = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            if (!(entry instanceof Map<?, ?> raw)) {
                unreadable.add(new UnreadableEntry(i, Optional.empty(), "is not a JSON object",
                        fingerprint(String.valueOf(entry))));
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> member = (Map<String, Object>) raw;
            Optional<String> kid = member.get("kid") instanceof String s ? Optional.of(s) : Optional.empty();
            Optional<String> why = read(member, usable);
            if (why.isPresent()) {
                unreadable.add(new UnreadableEntry(i, kid, why.get(), fingerprint(JSONObjectUtils.toJSONString(member))));
            }
        }
        return new JwksDocument(usable, unreadable);
    }

    /** Adds the entry's public key to {@code usable}; otherwise says why it cannot be used. */
    private static Optional<String> read(Map<String, Object> member, List<JWK> usable) {
        JWK key;
        try {
            key = JWK.parse(member);
        } catch (ParseException e) {
            Object kty = member.get("kty");
            return Optional.of(kty == null ? "has no kty" : !(kty instanceof String) || !known((String) kty)
                    ? "has an unsupported kty" : "has missing or malformed members");
        }
        try {
            // only public keys are ever used; a provider publishing private parts must not make us hold them
            switch (key) {
                case RSAKey rsa -> {
                    rsa.toRSAPublicKey();
                    usable.add(rsa.toPublicJWK());
                }
                case ECKey ec -> {
                    ec.toECPublicKey();
                    usable.add(ec.toPublicJWK());
                }
                // OKP and oct keys are readable, yet none of the algorithms allowed for ID tokens uses them
                default -> {
                }
            }
            return Optional.empty();
        } catch (JOSEException e) {
            return Optional.of("has values that do not form a public key");
        }
    }

    private static boolean known(String kty) {
        return switch (kty) {
            case "RSA", "EC", "OKP", "oct" -> true;
            default -> false;
        };
    }

    private static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
