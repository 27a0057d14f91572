package io.gatehouse.saml.internal;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** SAML xs:dateTime values, and validity windows with clock skew. */
public final class Times {
    private Times() {
    }

    /** A SAML time: UTC with 'Z' in practice; an offset or no zone (taken as UTC) is tolerated. */
    public static Optional<Instant> parse(String value) {
        String v = value.strip();
        Instant usual = usualForm(v);
        if (usual != null) {
            return Optional.of(usual);
        }
        try {
            return Optional.of(OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(LocalDateTime.parse(v, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    /**
     * The form every IdP sends, yyyy-MM-ddTHH:mm:ss[.fraction]Z, read without a formatter (each formatter
     * parse costs microseconds and several objects); null for anything else, which the formatters then
     * judge. LocalDateTime.of checks the ranges, so this accepts nothing that they would refuse.
     */
    private static Instant usualForm(String v) {
        int n = v.length();
        if (n < 20 || n > 30 || v.charAt(n - 1) != 'Z' || v.charAt(4) != '-' || v.charAt(7) != '-'
                || v.charAt(10) != 'T' || v.charAt(13) != ':' || v.charAt(16) != ':') {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            // a fraction of 1 to 9 digits
            if (v.charAt(19) != '.' || n == 21) {
                return null;
            }
            for (int i = 20; i < n - 1; i++) {
                int d = digit(v, i);
                if (d < 0) {
                    return null;
                }
                nanos = nanos * 10 + d;
            }
            for (int i = n - 1; i < 29; i++) {
                nanos *= 10;
            }
        }
        int year = number(v, 0, 4);
        int month = number(v, 5, 2);
        int day = number(v, 8, 2);
        int hour = number(v, 11, 2);
        int minute = number(v, 14, 2);
        int second = number(v, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int number(String v, int from, int digits) {
        int out = 0;
        for (int i = from; i < from + digits; i++) {
            int d = digit(v, i);
            if (d < 0) {
                return -1;
            }
            out = out * 10 + d;
        }
        return out;
    }

    private static int digit(String v, int i) {
        char c = v.charAt(i);
        return c >= '0' && c <= '9' ? c - '0' : -1;
    }

    /** NotBefore is inclusive: the moment is not yet valid only when it lies beyond now plus the skew. */
    public static boolean notYetValid(Instant notBefore, Instant now, Duration skew) {
        return now.plus(skew).isBefore(notBefore);
    }

    /** NotOnOrAfter is exclusive: expired once now minus the skew reaches it. */
    public static boolean expired(Instant notOnOrAfter, Instant now, Duration skew) {
        return !now.minus(skew).isBefore(notOnOrAfter);
    }
}
