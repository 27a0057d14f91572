package io.gatehouse.pages;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The languages every page is written in, and how a request chooses one: {@code ?lang=} (the switch on
 * each page), then the cookie the switch set, then the browser's {@code Accept-Language}, then English.
 */
public enum Language {
    EN("en", "English"),
    DE("de", "Deutsch");

    /** The cookie the language switch sets. */
    public static final String COOKIE = "gatehouse_lang";
    /** The query parameter of the language switch. */
    public static final String PARAMETER = "lang";
    private static final List<Locale> LOCALES = Arrays.stream(values()).map(Language::locale).toList();

    private final String code;
    private final String nativeName;

    Language(String code, String nativeName) {
        this.code = code;
        this.nativeName = nativeName;
    }

    /** The BCP 47 tag, as in {@code <html lang>} and {@code ?lang=}. */
    public String code() {
        return code;
    }

    /** The language's name in itself: what the switch shows. */
    public String nativeName() {
        return nativeName;
    }

    public Locale locale() {
        return Locale.forLanguageTag(code);
    }

    public static Optional<Language> parse(String code) {
        return Arrays.stream(values()).filter(l -> l.code.equals(code)).findFirst();
    }

    /** The language the request asks for with {@code ?lang=} (read from the query only, never from a body). */
    public static Optional<Language> asked(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(PARAMETER + "=")) {
                return parse(pair.substring(PARAMETER.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** The language for this request's page. */
    public static Language of(HttpServletRequest request) {
        Optional<Language> asked = asked(request);
        if (asked.isPresent()) {
            return asked.get();
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                Optional<Language> chosen = COOKIE.equals(c.getName()) ? parse(c.getValue()) : Optional.empty();
                if (chosen.isPresent()) {
                    return chosen.get();
                }
            }
        }
        return fromAcceptLanguage(request.getHeader("Accept-Language"));
    }

    /** The best of our languages for an {@code Accept-Language} header (RFC 4647 lookup); English without one. */
    public static Language fromAcceptLanguage(String header) {
        if (header == null || header.isBlank() || header.length() > 500) {
            return EN;
        }
        try {
            Locale best = Locale.lookup(Locale.LanguageRange.parse(header), LOCALES);
            return best == null ? EN : parse(best.getLanguage()).orElse(EN);
        } catch (IllegalArgumentException e) {
            return EN;
        }
    }
}
