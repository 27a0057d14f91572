package io.gatehouse.domains;

import java.net.IDN;
import java.util.Locale;

/**
 * The DNS TXT record that proves an org owns a domain: {@code name} holds a record whose text is
 * {@code value}.
 *
 * @param name  {@code _gatehouse-challenge.} and the domain in ASCII (IDN as punycode), lower-case
 * @param value {@code gatehouse-verification=} and the token
 */
public record DomainChallenge(String name, String value) {
    static final String LABEL = "_gatehouse-challenge.";
    static final String PREFIX = "gatehouse-verification=";

    public DomainChallenge {
        if (name == null || !name.startsWith(LABEL) || name.length() == LABEL.length()) {
            throw new IllegalArgumentException("a challenge name starts with " + LABEL + " and names a domain");
        }
        if (value == null || !value.startsWith(PREFIX) || value.length() == PREFIX.length()) {
            throw new IllegalArgumentException("a challenge value starts with " + PREFIX + " and holds a token");
        }
    }

    /**
     * The challenge for a domain (Unicode or ASCII, a trailing dot allowed) and an org's token for it.
     *
     * @throws IllegalArgumentException when the domain is not a domain name or the token not a token
     */
    public static DomainChallenge of(String domain, String token) {
        String d = domain.strip();
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        String ascii = IDN.toASCII(d, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        if (ascii.isEmpty() || !ascii.contains(".") || (LABEL + ascii).length() > 253) {
            throw new IllegalArgumentException("not a domain name: " + domain);
        }
        if (token == null || token.isEmpty() || !token.chars().allMatch(DomainChallenge::tokenCharacter)) {
            throw new IllegalArgumentException("a token is letters, digits, - and _");
        }
        return new DomainChallenge(LABEL + ascii, PREFIX + token);
    }

    /** A new token (see {@link io.gatehouse.idp.DomainToken}). */
    public static String newToken() {
        return io.gatehouse.idp.DomainToken.generate();
    }

    /**
     * Whether the lookup found this challenge's value: one TXT record equals it exactly, apart from
     * surrounding whitespace (the token is case-sensitive; a record that only contains or starts
     * with the value does not count).
     */
    public boolean provenBy(TxtAnswer answer) {
        return switch (answer) {
            case TxtAnswer.Found found -> found.values().stream().anyMatch(v -> v.strip().equals(value));
            case TxtAnswer.Missing missing -> false;
            case TxtAnswer.Failed failed -> false;
        };
    }

    private static boolean tokenCharacter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
