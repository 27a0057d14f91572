package io.gatehouse.pages;

import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.context.NoSuchMessageException;

/**
 * The texts of one page in its language, for the templates. Every text is a plain string that the
 * template engine escapes like any other value: the bundles hold no markup. Placeholders {@code {0}},
 * {@code {1}}... are replaced literally (no MessageFormat: an apostrophe is just an apostrophe).
 */
public final class Messages {
    private final MessageSource source;
    private final Language language;

    Messages(MessageSource source, Language language) {
        this.source = source;
        this.language = language;
    }

    public Language language() {
        return language;
    }

    /** The {@code lang} attribute's value. */
    public String lang() {
        return language.code();
    }

    public String text(String key, Object... args) {
        String raw = source.getMessage(key, null, language.locale());
        if (raw == null) {
            throw new NoSuchMessageException(key, language.locale());
        }
        return fill(raw, args);
    }

    public String text(Text text) {
        return text(text.key(), text.args().toArray());
    }

    /**
     * A refusal's title in this language: the catalog's own (English) title, or its translation from
     * the {@code reasons} bundle, keyed by the reason code.
     */
    public String reason(String code, String englishTitle) {
        if (language == Language.EN) {
            return englishTitle;
        }
        return translated("reason." + code, englishTitle);
    }

    /**
     * A refusal's hint (what the admin can look at or change) in this language: the catalog's own
     * (English) hint, or its translation from the {@code reasons} bundle, keyed by the reason code.
     */
    public String hint(String code, String englishHint) {
        if (language == Language.EN) {
            return englishHint;
        }
        return translated("hint." + code, englishHint);
    }

    private String translated(String key, String english) {
        String translated = source.getMessage(key, null, null, language.locale());
        return translated == null || translated.isBlank() ? english : translated;
    }

    /** A day as people of this language write it: "3 March 2026", "3. März 2026" (UTC). */
    public String date(java.time.Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern(language == Language.DE ? "d. MMMM yyyy" : "d MMMM yyyy",
                language.locale()).withZone(java.time.ZoneOffset.UTC).format(instant);
    }

    /** A moment as people of this language write it, in UTC: "3 March 2026, 14:05 UTC". */
    public String dateTime(java.time.Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern(language == Language.DE ? "d. MMMM yyyy, HH:mm 'UTC'"
                : "d MMMM yyyy, HH:mm 'UTC'", language.locale()).withZone(java.time.ZoneOffset.UTC).format(instant);
    }

    static String fill(String raw, Object... args) {
        if (args.length == 0 || raw.indexOf('{') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length() + 32);
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            int close = c == '{' ? raw.indexOf('}', i) : -1;
            if (close > i + 1 && raw.substring(i + 1, close).chars().allMatch(Character::isDigit) && close - i <= 3) {
                int n = Integer.parseInt(raw.substring(i + 1, close));
                out.append(n < args.length ? String.valueOf(args[n]) : raw.substring(i, close + 1));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    Locale locale() {
        return language.locale();
    }
}
