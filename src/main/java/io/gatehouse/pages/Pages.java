package io.gatehouse.pages;

import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.tenancy.Branding;
import io.gatehouse.tenancy.Brandings;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.resource.ResourceUrlProvider;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Renders every page a person sees: the page's template inside the shared frame, in the request's
 * language, with the org's branding, and the headers every page carries: a Content-Security-Policy
 * that allows no inline script or style (and scripts only where the page names one), no framing, no
 * caching.
 */
@Component
public class Pages {
    public static final String STYLESHEET = "/assets/gatehouse.css";
    private static final Duration LANGUAGE_KEPT = Duration.ofDays(365);
    private final TemplateEngine engine;
    private final MessageSource messages;
    private final Brandings brandings;
    private final ResourceUrlProvider assets;
    private final boolean secureCookies;

    Pages(TemplateEngine engine, MessageSource messages, Brandings brandings, ResourceUrlProvider assets,
          GatehouseProperties properties) {
        this.engine = engine;
        this.messages = messages;
        this.brandings = brandings;
        this.assets = assets;
        this.secureCookies = properties.baseUrl().startsWith("https:");
    }

    /** The page, answered with {@code status}. */
    public ResponseEntity<String> render(HttpStatus status, Page page) {
        HttpServletRequest request = currentRequest();
        Language language = request == null ? Language.EN : Language.of(request);
        Messages m = new Messages(messages, language);
        Optional<Branding> branding = page.org().flatMap(brandings::find);
        Optional<Frame.Brand> brand = branding.map(b -> new Frame.Brand(b.name(), b.logo()
                .map(l -> "/branding/" + b.org().value() + "/logo?v=" + l.sha256().substring(0, 16))));
        Optional<String> brandStylesheet = branding.flatMap(b -> b.accent()
                .map(a -> "/branding/" + b.org().value() + "/style.css?v=" + a.hex().substring(1)));
        String title = m.text("page.title", m.text(page.title()),
                brand.map(Frame.Brand::name).orElseGet(() -> m.text("page.gatehouse")));
        Frame frame = new Frame(m, title, brand, asset(STYLESHEET), brandStylesheet, page.script().map(this::asset),
                languageLinks(request, page, language), page.refresh());
        StringOutput html = new StringOutput(8192);
        engine.render(page.template(), Map.of("f", frame, "p", page), html);

        ResponseEntity.BodyBuilder response = ResponseEntity.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Security-Policy", contentSecurityPolicy(page))
                .header("X-Content-Type-Options", "nosniff")
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        Optional<Language> asked = request == null ? Optional.empty() : Language.asked(request);
        asked.ifPresent(l -> response.header(HttpHeaders.SET_COOKIE, languageCookie(l).toString()));
        return response.body(html.toString());
    }

    /** The cookie that keeps the language the switch chose. */
    ResponseCookie languageCookie(Language language) {
        return ResponseCookie.from(Language.COOKIE, language.code()).path("/").maxAge(LANGUAGE_KEPT).httpOnly(true)
                .secure(secureCookies).sameSite("Lax").build();
    }

    /**
     * No inline script or style anywhere (nothing in a page is allowed to run or style itself), scripts
     * only from Gatehouse and only on a page that names one, images and stylesheets only from
     * Gatehouse, forms only to where the page posts (the email prompt excepted: see
     * {@link Page#formRedirectsOnward()}), no {@code <base>}, and no framing.
     */
    static String contentSecurityPolicy(Page page) {
        return "default-src 'none'; style-src 'self'; img-src 'self'"
                + (page.script().isPresent() ? "; script-src 'self'" : "")
                + (page.formRedirectsOnward() ? "" : "; form-action " + String.join(" ", page.formTargets()))
                + "; base-uri 'none'; frame-ancestors 'none'";
    }

    private String asset(String path) {
        String versioned = assets.getForLookupPath(path);
        return versioned == null ? path : versioned;
    }

    private static List<Frame.LanguageLink> languageLinks(HttpServletRequest request, Page page, Language current) {
        boolean again = request != null && page.repeatable() && "GET".equals(request.getMethod());
        return Arrays.stream(Language.values()).map(l -> new Frame.LanguageLink(l.code(), l.nativeName(),
                again ? sameUrlIn(request, l) : "/language?" + Language.PARAMETER + "=" + l.code(), l == current))
                .toList();
    }

    /**
     * This request's URL with {@code lang} set: the same page in the other language. Only the query is
     * written (the browser keeps the path), so no path a request arrived with can become a link elsewhere.
     */
    private static String sameUrlIn(HttpServletRequest request, Language language) {
        return UriComponentsBuilder.newInstance().query(request.getQueryString())
                .replaceQueryParam(Language.PARAMETER, language.code()).build().toUriString();
    }

    private static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest() : null;
    }
}
