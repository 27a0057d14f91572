package io.gatehouse.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.FormElement;

/** A browser without JavaScript for tests: cookies, redirects, HTML forms, auto-posted SAML forms, Keycloak's login. */
public final class BrowserSession {
    public static final int DEFAULT_MAX_HOPS = 20;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Cookie> cookies = new ArrayList<>();
    private final List<URI> visited = new ArrayList<>();
    private final Map<String, String> routes = new LinkedHashMap<>();
    private final int maxHops;

    public BrowserSession() {
        this(DEFAULT_MAX_HOPS);
    }

    /** @param maxHops how many requests one {@link #followRedirects} or {@link #continueFlow} may make */
    public BrowserSession(int maxHops) {
        this.maxHops = maxHops;
    }

    /**
     * Sends requests for URLs starting with {@code publicPrefix} to {@code localPrefix} instead, as a hosts-file entry
     * would: a server under test publishes its public name (in redirects, forms and the URLs it gives other parties)
     * while it listens on a local port. Pages keep the URL actually requested.
     */
    public BrowserSession route(String publicPrefix, String localPrefix) {
        routes.put(publicPrefix, localPrefix);
        return this;
    }

    // ---- one request ---------------------------------------------------------------------------------------------

    /** One GET, redirects not followed. */
    public Page get(String url) {
        return send("GET", URI.create(url), null);
    }

    /** One form POST ({@code application/x-www-form-urlencoded}), redirects not followed. */
    public Page post(String url, Map<String, String> fields) {
        return send("POST", URI.create(url), encode(fields.entrySet().stream()
                .map(e -> new Field(e.getKey(), e.getValue())).toList()));
    }

    /** Submits a form as a browser would (GET forms in the query), redirects not followed. */
    public Page submit(Form form) {
        String encoded = encode(form.fields());
        if (form.method().equals("GET")) {
            String base = form.action().toString().replaceFirst("\\?.*$", "");
            return send("GET", URI.create(encoded.isEmpty() ? base : base + "?" + encoded), null);
        }
        return send("POST", form.action(), encoded);
    }

    /**
     * Follows the one redirect {@code page} answers with: 301, 302 and 303 become a GET (as browsers do), 307 and 308
     * repeat the method and body.
     */
    public Page next(Page page) {
        URI target = page.location().orElseThrow(
                () -> new IllegalStateException("not a redirect: " + page.status() + " " + page.url()));
        boolean keep = page.status() == 307 || page.status() == 308;
        return send(keep ? page.method : "GET", target, keep ? page.requestBody : null);
    }

    // ---- several requests ----------------------------------------------------------------------------------------

    /** Follows redirects until a page that is not one; fails after the hop limit. */
    public Page followRedirects(Page page) {
        Page current = page;
        for (int hops = 0; current.isRedirect(); hops++) {
            requireHopsLeft(hops, current);
            current = next(current);
        }
        return current;
    }

    /** GET and follow the redirects. */
    public Page open(String url) {
        return followRedirects(get(url));
    }

    /** Submits and follows the redirects. */
    public Page submitAndFollow(Form form) {
        return followRedirects(submit(form));
    }

    /**
     * Goes on as a browser would without anyone clicking: follows redirects and submits self-submitting forms (SAML
     * POST binding pages) until a page that is neither.
     */
    public Page continueFlow(Page page) {
        Page current = page;
        for (int hops = 0; ; hops++) {
            requireHopsLeft(hops, current);
            if (current.isRedirect()) {
                current = next(current);
            } else if (current.autoSubmitForm().isPresent()) {
                current = submit(current.autoSubmitForm().get());
            } else {
                return current;
            }
        }
    }

    /**
     * Fills Keycloak's login form on {@code loginPage} and submits it, following redirects (a self-submitting SAML
     * form is returned, not submitted, so a test can read it). Fails with Keycloak's message if the login is refused.
     */
    public Page login(Page loginPage, String username, String password) {
        Form form = loginPage.loginForm().orElseThrow(() -> new IllegalStateException(
                "no login form at " + loginPage.url() + " (status " + loginPage.status() + ")"));
        Page after = submitAndFollow(form.with("username", username).with("password", password));
        if (after.loginForm().isPresent()) {
            Document html = after.html();
            String message = html.select("#input-error, .kc-feedback-text, [class*=alert]").text();
            throw new IllegalStateException("login refused at " + after.url() + ": " + message);
        }
        return after;
    }

    // ---- state --------------------------------------------------------------------------------------------------

    /** Every URL requested, in order (redirect targets and form actions included). */
    public List<URI> visited() {
        return List.copyOf(visited);
    }

    /** The value of a cookie this browser would send to {@code url}. */
    public Optional<String> cookie(String url, String name) {
        URI uri = URI.create(url);
        return matching(uri).stream().filter(c -> c.name.equals(name)).map(c -> c.value).findFirst();
    }

    public void clearCookies() {
        cookies.clear();
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private void requireHopsLeft(int hops, Page current) {
        if (hops >= maxHops) {
            throw new IllegalStateException("more than " + maxHops + " hops, last at " + current.url() + "; visited "
                    + visited);
        }
    }

    private URI routed(URI uri) {
        String url = uri.toString();
        for (Map.Entry<String, String> route : routes.entrySet()) {
            if (url.startsWith(route.getKey())) {
                return URI.create(route.getValue() + url.substring(route.getKey().length()));
            }
        }
        return uri;
    }

    private Page send(String method, URI requested, String formBody) {
        URI uri = routed(requested);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .header("Accept-Language", "en");
        String cookieHeader = matching(uri).stream().map(c -> c.name + "=" + c.value)
                .collect(Collectors.joining("; "));
        if (!cookieHeader.isEmpty()) {
            b.header("Cookie", cookieHeader);
        }
        if (formBody != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        b.method(method, formBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(formBody));
        visited.add(uri);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            r.headers().allValues("Set-Cookie").forEach(h -> store(uri, h));
            return new Page(method, uri, formBody, r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String encode(List<Field> fields) {
        return fields.stream().map(f -> URLEncoder.encode(f.name(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(f.value(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    // A small RFC 6265 cookie store instead of java.net.CookieManager: that one never sends a Secure cookie over
    // http, while browsers treat loopback as a secure context, and Keycloak marks its login cookies Secure even on
    // plain http.
    private void store(URI uri, String header) {
        String[] parts = header.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String domain = null;
        String path = null;
        boolean secure = false;
        Instant expires = null;
        for (int i = 1; i < parts.length; i++) {
            String attr = parts[i].trim();
            int aeq = attr.indexOf('=');
            String key = (aeq < 0 ? attr : attr.substring(0, aeq)).trim().toLowerCase(Locale.ROOT);
            String val = aeq < 0 ? "" : attr.substring(aeq + 1).trim();
            switch (key) {
                case "domain" -> domain = val.startsWith(".") ? val.substring(1).toLowerCase(Locale.ROOT)
                        : val.toLowerCase(Locale.ROOT);
                case "path" -> path = val.startsWith("/") ? val : null;
                case "secure" -> secure = true;
                case "max-age" -> {
                    try {
                        expires = Instant.now().plusSeconds(Long.parseLong(val));
                    } catch (NumberFormatException ignored) {
                        // malformed: browsers ignore the attribute
                    }
                }
                case "expires" -> {
                    if (expires == null) {
                        try {
                            expires = ZonedDateTime.parse(val, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                        } catch (DateTimeParseException ignored) {
                            // malformed: browsers ignore the attribute
                        }
                    }
                }
                default -> {
                    // HttpOnly, SameSite, Version: no effect on a browser without JavaScript making top-level requests
                }
            }
        }
        if (domain != null && !(host.equals(domain) || host.endsWith("." + domain))) {
            return; // a cookie for another site: browsers refuse it
        }
        if (path == null) {
            String p = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            path = p.lastIndexOf('/') <= 0 ? "/" : p.substring(0, p.lastIndexOf('/'));
        }
        Cookie cookie = new Cookie(name, value, domain == null ? host : domain, domain == null, path, secure, expires);
        cookies.removeIf(c -> c.name.equals(name) && c.domain.equals(cookie.domain) && c.path.equals(cookie.path));
        if (expires == null || expires.isAfter(Instant.now())) {
            cookies.add(cookie);
        }
    }

    private List<Cookie> matching(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        boolean secureContext = "https".equals(uri.getScheme()) || isLoopback(host);
        Instant now = Instant.now();
        cookies.removeIf(c -> c.expires != null && !c.expires.isAfter(now));
        List<Cookie> out = new ArrayList<>();
        for (Cookie c : cookies) {
            boolean domainOk = c.hostOnly ? host.equals(c.domain) : host.equals(c.domain) || host.endsWith("." + c.domain);
            boolean pathOk = path.equals(c.path) || path.startsWith(c.path.endsWith("/") ? c.path : c.path + "/");
            if (domainOk && pathOk && (!c.secure || secureContext)) {
                out.add(c);
            }
        }
        // longer paths first, as browsers send them
        out.sort((a, b) -> b.path.length() - a.path.length());
        return out;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private record Cookie(String name, String value, String domain, boolean hostOnly, String path, boolean secure,
            Instant expires) {
        @Override
        public String toString() {
            return "Cookie[" + name + " for " + domain + path + "]"; // values are session secrets
        }
    }

    /** One name/value pair of a form. */
    public record Field(String name, String value) {
    }

    /** An HTML form as a browser would submit it: successful controls only, the default button included. */
    public record Form(String method, URI action, List<Field> fields) {
        public Form {
            fields = List.copyOf(fields);
        }

        /** The form with {@code name} set to {@code value} (replacing the fields of that name, or added). */
        public Form with(String name, String value) {
            List<Field> out = new ArrayList<>();
            boolean replaced = false;
            for (Field f : fields) {
                if (!f.name().equals(name)) {
                    out.add(f);
                } else if (!replaced) {
                    out.add(new Field(name, value));
                    replaced = true;
                }
            }
            if (!replaced) {
                out.add(new Field(name, value));
            }
            return new Form(method, action, out);
        }

        public Form without(String name) {
            return new Form(method, action, fields.stream().filter(f -> !f.name().equals(name)).toList());
        }

        public Optional<String> value(String name) {
            return fields.stream().filter(f -> f.name().equals(name)).map(Field::value).findFirst();
        }

        @Override
        public String toString() {
            return "Form[" + method + " " + action + " " + fields.stream().map(Field::name).toList() + "]";
        }
    }

    /** One HTTP answer, with what is needed to repeat its request on a 307. */
    public static final class Page {
        private final String method;
        private final URI url;
        private final String requestBody;
        private final int status;
        private final Map<String, List<String>> headers;
        private final String body;
        private Document html;

        Page(String method, URI url, String requestBody, int status, Map<String, List<String>> headers, String body) {
            this.method = method;
            this.url = url;
            this.requestBody = requestBody;
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public URI url() {
            return url;
        }

        public String method() {
            return method;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }

        public Map<String, List<String>> headers() {
            return Collections.unmodifiableMap(headers);
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        public boolean isRedirect() {
            return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && header("Location").isPresent();
        }

        /** The redirect target, resolved against this page's URL. */
        public Optional<URI> location() {
            return header("Location").map(url::resolve);
        }

        public Document html() {
            if (html == null) {
                html = Jsoup.parse(body, url.toString());
            }
            return html;
        }

        public List<Form> forms() {
            return html().select("form").stream().map(this::toForm).toList();
        }

        /** The form matching a CSS selector, e.g. {@code #kc-form-login}. */
        public Optional<Form> form(String cssSelector) {
            return Optional.ofNullable(html().selectFirst(cssSelector)).map(this::toForm);
        }

        /** Keycloak's username/password form, or any form with a password field. */
        public Optional<Form> loginForm() {
            return form("form#kc-form-login").or(() -> Optional.ofNullable(html().selectFirst("form:has(input[type=password])"))
                    .map(this::toForm));
        }

        /**
         * A form the page submits by itself: one carrying a SAML message, or submitted from a script or the body's
         * onload (the SAML POST binding's page, with its {@code <noscript>} button for browsers without scripts).
         */
        public Optional<Form> autoSubmitForm() {
            if (status != 200 || !header("Content-Type").map(t -> t.contains("html")).orElse(true)) {
                return Optional.empty();
            }
            Document doc = html();
            Element form = doc.selectFirst("form:has(input[name=SAMLResponse]), form:has(input[name=SAMLRequest])");
            if (form == null) {
                boolean scripted = doc.body() != null && doc.body().attr("onload").contains("submit()")
                        || doc.select("script").stream().anyMatch(s -> s.data().contains(".submit()"));
                if (scripted && doc.select("form").size() == 1) {
                    form = doc.selectFirst("form");
                }
            }
            return Optional.ofNullable(form).map(this::toForm);
        }

        private Form toForm(Element form) {
            String method = form.attr("method").isBlank() ? "GET" : form.attr("method").toUpperCase(Locale.ROOT);
            URI action = form.attr("action").isBlank() ? url : URI.create(form.absUrl("action"));
            List<Element> controls = form instanceof FormElement fe ? fe.elements()
                    : form.select("input, textarea, select, button");
            List<Field> fields = new ArrayList<>();
            Element defaultButton = null;
            for (Element c : controls) {
                String name = c.attr("name");
                String type = c.attr("type").toLowerCase(Locale.ROOT);
                boolean button = c.tagName().equals("button") && (type.isEmpty() || type.equals("submit"))
                        || c.tagName().equals("input") && (type.equals("submit") || type.equals("image"));
                if (button && defaultButton == null) {
                    defaultButton = c;
                }
                if (name.isEmpty() || c.hasAttr("disabled") || button || c.tagName().equals("button")) {
                    continue;
                }
                switch (c.tagName()) {
                    case "textarea" -> fields.add(new Field(name, c.val()));
                    case "select" -> {
                        List<Element> selected = c.select("option[selected]");
                        if (selected.isEmpty() && c.selectFirst("option") != null && !c.hasAttr("multiple")) {
                            selected = List.of(c.selectFirst("option"));
                        }
                        selected.forEach(o -> fields.add(new Field(name, o.hasAttr("value") ? o.attr("value") : o.text())));
                    }
                    default -> {
                        switch (type) {
                            case "reset", "file", "button" -> {
                                // never submitted (file uploads are not supported)
                            }
                            case "checkbox", "radio" -> {
                                if (c.hasAttr("checked")) {
                                    fields.add(new Field(name, c.hasAttr("value") ? c.attr("value") : "on"));
                                }
                            }
                            default -> fields.add(new Field(name, c.attr("value")));
                        }
                    }
                }
            }
            // pressing Enter submits with the form's first submit button, which counts if it has a name
            if (defaultButton != null && !defaultButton.attr("name").isEmpty() && !defaultButton.hasAttr("disabled")) {
                fields.add(new Field(defaultButton.attr("name"), defaultButton.attr("value")));
            }
            return new Form(method, action, fields);
        }

        @Override
        public String toString() {
            return "Page[" + method + " " + url + " -> " + status + "]";
        }
    }
}
