package io.gatehouse.tenancy;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An org's accent colour: exactly {@code #rrggbb}, nothing else, so it can be written into a stylesheet
 * without any escaping (no named colours, no functions, no way to close the declaration). Stored and
 * shown lower-cased.
 */
public record AccentColor(String hex) {
    private static final Pattern HEX = Pattern.compile("^#[0-9a-f]{6}$");
    /** What the pages use when an org chose none. */
    public static final AccentColor DEFAULT = new AccentColor("#1d4ed8");

    public AccentColor {
        hex = hex == null ? "" : hex.toLowerCase(Locale.ROOT);
        if (!HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("an accent colour is #rrggbb");
        }
    }

    /** The colour, when {@code value} is one ({@code #rrggbb}, either case). */
    public static Optional<AccentColor> parse(String value) {
        return value != null && HEX.matcher(value.toLowerCase(Locale.ROOT)).matches()
                ? Optional.of(new AccentColor(value)) : Optional.empty();
    }

    /**
     * Black or white, whichever contrasts more with this colour: one of the two always reaches at
     * least 4.58:1 (WCAG AA asks 4.5:1 for text), so text on the accent stays readable whatever the
     * org chose.
     */
    public String textColor() {
        double l = luminance();
        double onWhite = 1.05 / (l + 0.05);
        double onBlack = (l + 0.05) / 0.05;
        return onBlack >= onWhite ? "#000000" : "#ffffff";
    }

    /** WCAG 2 contrast ratio between this colour and its {@link #textColor()}. */
    public double textContrast() {
        double l = luminance();
        return textColor().equals("#000000") ? (l + 0.05) / 0.05 : 1.05 / (l + 0.05);
    }

    /** WCAG 2 relative luminance. */
    private double luminance() {
        return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    }

    private double channel(int at) {
        double c = Integer.parseInt(hex.substring(at, at + 2), 16) / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
}
