package io.gatehouse.saml.internal;

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

    /** NotBefore is inclusive: the moment is not yet valid only when it lies beyond now plus the skew. */
    public static boolean notYetValid(Instant notBefore, Instant now, Duration skew) {
        return now.plus(skew).isBefore(notBefore);
    }

    /** NotOnOrAfter is exclusive: expired once now minus the skew reaches it. */
    public static boolean expired(Instant notOnOrAfter, Instant now, Duration skew) {
        return !now.minus(skew).isBefore(notOnOrAfter);
    }
}
