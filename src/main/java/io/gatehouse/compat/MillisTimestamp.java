package io.gatehouse.compat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The seeds' timestamps: ISO 8601 in UTC with exactly three fractional digits ({@code 2026-01-10T12:00:00.000Z}). */
final class MillisTimestamp {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private MillisTimestamp() {
    }

    static String of(Instant instant) {
        return FORMAT.format(instant);
    }
}
