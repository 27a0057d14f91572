package io.gatehouse.idp;

import com.google.common.net.InternetDomainName;
import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An email domain that routes users to an identity provider: lower-case, IDN as punycode. */
public record EmailDomain(String value) {
    private static final java.util.regex.Pattern DIGITS_AND_DOTS = java.util.regex.Pattern.compile("[0-9.]+");

    public EmailDomain {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("empty domain");
        }
    }

    /** The outcome of normalizing what an admin typed. */
    public sealed interface Parsed {
        /** A usable domain. */
        record Valid(EmailDomain domain) implements Parsed {
        }

        /** Refused, with a stable code and a human sentence. */
        record Invalid(String code, String message) implements Parsed {
        }
    }

    public static Parsed parse(String input) {
        String s = input.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            return new Parsed.Invalid("invalid_domain", "must not be empty");
        }
        if (s.contains("*")) {
            return new Parsed.Invalid("wildcard_domain", "wildcards are not allowed: list each domain");
        }
        if (s.contains("@") || s.contains("/") || s.contains(":") || s.contains(" ")) {
            return new Parsed.Invalid("invalid_domain", "must be a bare domain such as example.com");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(s, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return new Parsed.Invalid("invalid_domain", "is not a valid domain name");
        }
        if (DIGITS_AND_DOTS.matcher(ascii).matches()) {
            return new Parsed.Invalid("invalid_domain", "IP addresses are not email domains");
        }
        InternetDomainName name;
        try {
            name = InternetDomainName.from(ascii);
        } catch (IllegalArgumentException e) {
            return new Parsed.Invalid("invalid_domain", "is not a valid domain name");
        }
        if (name.isPublicSuffix()) {
            return new Parsed.Invalid("public_suffix", "is a public suffix (like com or co.uk) that no single organization owns");
        }
        if (ascii.length() > 253 || !ascii.contains(".")) {
            return new Parsed.Invalid("invalid_domain", "must be a full domain such as example.com");
        }
        if (!name.isUnderPublicSuffix()) {
            return new Parsed.Invalid("invalid_domain", "is not under a known public suffix");
        }
        if (!punycodeLabelsDecode(ascii)) {
            return new Parsed.Invalid("invalid_idna",
                    "has an xn-- label that is not valid punycode (type the domain in Unicode, or copy its exact ACE form)");
        }
        if (ConsumerMailDomains.contains(ascii)) {
            return new Parsed.Invalid("consumer_domain", "is a consumer mail service's domain: anyone can get an"
                    + " address there, so it cannot route sign-ins to one organization's identity provider");
        }
        return new Parsed.Valid(new EmailDomain(ascii));
    }

    /**
     * IDN.toASCII passes an ASCII label through unchecked, so "xn--zz" would be stored as if it
     * named a domain. An xn-- label is accepted only when it decodes and encodes back to itself:
     * IDN.toUnicode hands an undecodable label back unchanged instead of failing.
     */
    private static boolean punycodeLabelsDecode(String ascii) {
        for (String label : ascii.split("\\.")) {
            if (!label.startsWith("xn--")) {
                continue;
            }
            String unicode = IDN.toUnicode(label, IDN.USE_STD3_ASCII_RULES);
            if (unicode.equalsIgnoreCase(label)) {
                return false;
            }
            try {
                if (!IDN.toASCII(unicode, IDN.USE_STD3_ASCII_RULES).equalsIgnoreCase(label)) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * The form an address's domain is stored in (lower-case, punycode), for comparing an asserted
     * email with registered domains; no registry rules, since equality with a registered domain is
     * what makes it acceptable. Empty when it cannot be a domain name.
     */
    public static java.util.Optional<String> comparable(String input) {
        String s = input.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        boolean plain = !s.isEmpty();
        for (int i = 0; i < s.length() && plain; i++) {
            char c = s.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        }
        if (plain) {
            // the common case needs no IDN processing (which costs more than the rest of the check)
            return java.util.Optional.of(s);
        }
        try {
            String ascii = IDN.toASCII(s, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            return ascii.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(ascii);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * A domain, then each of its parent domains ({@code hr.example.com}, {@code example.com},
     * {@code com}): the order in which an address's domain is looked up among the claimed domains,
     * by routing and by provisioning alike, so that both give a domain to the same org.
     */
    public static List<String> withParents(String domain) {
        List<String> out = new ArrayList<>(4);
        for (String d = domain; ; ) {
            out.add(d);
            int dot = d.indexOf('.');
            if (dot < 0) {
                return out;
            }
            d = d.substring(dot + 1);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
