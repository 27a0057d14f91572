package io.gatehouse.saml.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The quick path for the usual SAML time form reads exactly what the ISO formatters read, and no more. */
class TimesTest {

    /** What Times.parse did before it had a quick path: the formatters alone. */
    private static Optional<Instant> formatters(String value) {
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

    @Test
    void sameAnswerAsTheFormattersForUsualAndOddValues() {
        String[] values = {
            "2026-12-06T12:00:00Z", "2026-12-06T12:00:00.5Z", "2026-12-06T12:00:00.123Z",
            "2026-12-06T12:00:00.123456789Z", " 2026-12-06T12:00:00Z\n", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z", "2024-02-29T00:00:00Z",
            // refused or left to the formatters
            "2026-12-06T12:00:00.Z", "2026-12-06T12:00:00.1234567890Z", "2026-02-29T00:00:00Z",
            "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-12-00T00:00:00Z",
            "2026-12-06T24:00:00Z", "2026-12-06T23:60:00Z", "2026-12-06T23:59:60Z", "2026-12-06 12:00:00Z",
            "2026-12-06T12:00Z", "2026-12-06T12:00:00z", "2026-12-06T12:00:00+02:00", "2026-12-06T12:00:00",
            "2026-12-06T12:00:00.5", "+2026-12-06T12:00:00Z", "-0001-12-06T12:00:00Z", "20261-12-06T12:00:00Z",
            "2026-1a-06T12:00:00Z", "2026-12-06T12:0-:00Z", "2026-12-06T12:00:00.1a3Z", "\u0662026-12-06T12:00:00Z",
            "2026-12-06T12:00:00\u00a0Z", "", "Z", "not a time", "2026-12-06T12:00:00.000000000Z",
        };
        for (String value : values) {
            assertThat(Times.parse(value)).as(value).isEqualTo(formatters(value));
        }
        assertThat(Times.parse("2026-12-06T12:00:00.25Z")).contains(Instant.parse("2026-12-06T12:00:00.250Z"));
    }
}
