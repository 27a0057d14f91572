package io.gatehouse.issuer;

import io.gatehouse.api.RateLimit;
import io.gatehouse.api.RateLimits;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.ProviderView;
import io.gatehouse.routing.DomainRouter;
import io.gatehouse.routing.Route;
import io.gatehouse.signin.LoginRequest;
import io.gatehouse.signin.SignInOutcomes;
import io.gatehouse.signin.SignInStarts;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /oauth2/authorize}: the application's request is checked (client and exact redirect URI
 * first — nothing is ever redirected to an unregistered URI), then the user's identity provider is
 * found (identity_provider, organization, login_hint's email domain, or by asking for the email)
 * and the sign-in starts there, carrying the request along.
 */
@RestController
class AuthorizeController {
    private static final int MAX_PARAM = 2000;
    private final Applications applications;
    private final DomainRouter router;
    private final ProviderDirectory directory;
    private final SignInStarts starts;
    private final Clock clock;
    private final Issuer issuer;
    /**
     * Provider lookups per client address (identity_provider, organization, login_hint): each answer
     * tells whether an org, a provider or an email domain uses Gatehouse, and by which names, so
     * none may become an oracle at scale.
     */
    private final RateLimit lookups;

    AuthorizeController(Applications applications, DomainRouter router, ProviderDirectory directory,
                        SignInStarts starts, Clock clock, Issuer issuer, RateLimits limits) {
        this.applications = applications;
        this.router = router;
        this.directory = directory;
        this.starts = starts;
        this.clock = clock;
        this.issuer = issuer;
        this.lookups = limits.discoveryLookups();
    }

    @GetMapping("/oauth2/authorize")
    ResponseEntity<String> authorize(HttpServletRequest http) {
        Map<String, String> p = parameters(http);
        Optional<Application> app = Optional.ofNullable(p.get("client_id")).flatMap(applications::find);
        if (app.isEmpty()) {
            return errorPage("The application is not registered (unknown client_id).");
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || !app.get().redirectUris().contains(redirectUri)) {
            return errorPage("The redirect_uri is not one registered for this application.");
        }
        Optional<String> state = Optional.ofNullable(p.get("state"));
        if (!"code".equals(p.get("response_type"))) {
            return toApp(redirectUri, state, "unsupported_response_type", "response_type must be code");
        }
        String scope = Optional.ofNullable(p.get("scope")).orElse("");
        if (!Arrays.asList(scope.split(" ")).contains("openid")) {
            return toApp(redirectUri, state, "invalid_scope", "scope must include openid");
        }
        Optional<String> challenge = Optional.ofNullable(p.get("code_challenge"));
        String method = p.getOrDefault("code_challenge_method", challenge.isPresent() ? "plain" : "");
        if (challenge.isPresent() && !"S256".equals(method)) {
            return toApp(redirectUri, state, "invalid_request", "code_challenge_method must be S256");
        }
        if (challenge.isPresent() && !challenge.get().matches("^[A-Za-z0-9_-]{43}$")) {
            return toApp(redirectUri, state, "invalid_request", "code_challenge must be a base64url SHA-256 digest");
        }
        if (app.get().publicClient() && challenge.isEmpty()) {
            return toApp(redirectUri, state, "invalid_request", "a public client must use PKCE (S256)");
        }
        AppRequest request = new AppRequest(app.get().clientId(), redirectUri, state,
                Optional.ofNullable(p.get("nonce")), challenge, scope);

        Optional<String> loginHint = Optional.ofNullable(p.get("login_hint")).map(String::strip).filter(h -> !h.isEmpty());
        Optional<Route> route;
        boolean lookup = p.containsKey("identity_provider") || p.containsKey("organization") || loginHint.isPresent();
        Optional<Duration> wait = lookup ? lookups.spend(http) : Optional.empty();
        if (wait.isPresent()) {
            ResponseEntity<String> page = SignInOutcomes.page(HttpStatus.TOO_MANY_REQUESTS, "Too many attempts",
                    "<p>Too many sign-in lookups from this address. Wait a little and try again.</p>");
            return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, RateLimit.retryAfter(wait.get())).body(page.getBody());
        }
        if (p.containsKey("identity_provider")) {
            String[] parts = p.get("identity_provider").split("/", 2);
            route = parts.length != 2 ? Optional.empty() : OrgId.parse(parts[0]).flatMap(org -> router.forOrg(org)
                    .stream().filter(r -> r.alias().value().equals(parts[1])).findFirst());
            if (route.isEmpty()) {
                return toApp(redirectUri, state, "invalid_request", "identity_provider is not an enabled provider");
            }
        } else if (p.containsKey("organization")) {
            List<Route> routes = OrgId.parse(p.get("organization")).map(router::forOrg).orElse(List.of());
            if (routes.isEmpty()) {
                return toApp(redirectUri, state, "invalid_request", "the organization has no enabled identity provider");
            }
            if (routes.size() > 1) {
                return chooser(p, routes);
            }
            route = Optional.of(routes.getFirst());
        } else if (loginHint.isPresent()) {
            route = router.forEmail(loginHint.get());
            if (route.isEmpty()) {
                return emailPage(p, Optional.of("We could not find single sign-on for that address. Check it, or ask"
                        + " your administrator how to sign in."));
            }
        } else {
            return emailPage(p, Optional.empty());
        }
        if (!app.get().allows(route.get().org())) {
            return toApp(redirectUri, state, "access_denied", "this organization may not sign in to the application");
        }
        Optional<ProviderView> idp = directory.find(route.get().org(), route.get().alias())
                .filter(found -> found.idp().active());
        if (idp.isEmpty()) {
            return toApp(redirectUri, state, "temporarily_unavailable", "the identity provider is not available");
        }
        return starts.start(idp.get(), new LoginRequest(loginHint.filter(h -> h.contains("@")),
                Optional.of(request.toJson())), clock.instant());
    }

    /** An error for the app, on its (validated) redirect URI, with its state. */
    private ResponseEntity<String> toApp(String redirectUri, Optional<String> state, String error, String description) {
        String location = redirectUri + (redirectUri.contains("?") ? "&" : "?") + "error=" + encode(error)
                + "&error_description=" + encode(description) + state.map(s -> "&state=" + encode(s)).orElse("")
                + "&iss=" + encode(issuer.url());
        return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, location).build();
    }

    private static ResponseEntity<String> errorPage(String message) {
        return SignInOutcomes.page(HttpStatus.BAD_REQUEST, "Sign-in request refused", "<p>" + HtmlUtils.htmlEscape(message)
                + "</p><p>The application's sign-in link is wrong; tell its developers.</p>");
    }

    /** Asks for the work email, keeping every parameter of the app's request. */
    private static ResponseEntity<String> emailPage(Map<String, String> p, Optional<String> notice) {
        StringBuilder hidden = new StringBuilder();
        p.forEach((k, v) -> {
            if (!k.equals("login_hint")) {
                hidden.append("<input type=\"hidden\" name=\"").append(HtmlUtils.htmlEscape(k)).append("\" value=\"")
                        .append(HtmlUtils.htmlEscape(v)).append("\">");
            }
        });
        String body = notice.map(n -> "<p role=\"alert\">" + HtmlUtils.htmlEscape(n) + "</p>").orElse("")
                + "<form method=\"get\" action=\"/oauth2/authorize\">" + hidden
                + "<label>Work email <input type=\"email\" name=\"login_hint\" autocomplete=\"username\" required"
                + " autofocus></label> <button type=\"submit\">Continue</button></form>";
        return SignInOutcomes.page(HttpStatus.OK, "Sign in with SSO", body);
    }

    /** Several identity providers in the org: the user picks one. */
    private static ResponseEntity<String> chooser(Map<String, String> p, List<Route> routes) {
        StringBuilder list = new StringBuilder("<ul>");
        for (Route r : routes) {
            Map<String, String> params = new LinkedHashMap<>(p);
            params.remove("organization");
            params.put("identity_provider", r.org().value() + "/" + r.alias().value());
            StringBuilder query = new StringBuilder();
            params.forEach((k, v) -> query.append(query.isEmpty() ? "" : "&").append(encode(k)).append('=')
                    .append(encode(v)));
            list.append("<li><a href=\"/oauth2/authorize?").append(HtmlUtils.htmlEscape(query.toString())).append("\">")
                    .append(HtmlUtils.htmlEscape(r.displayName())).append("</a></li>");
        }
        return SignInOutcomes.page(HttpStatus.OK, "Choose how to sign in", list + "</ul>");
    }

    private static Map<String, String> parameters(HttpServletRequest http) {
        Map<String, String> out = new LinkedHashMap<>();
        http.getParameterMap().forEach((k, v) -> {
            if (v.length > 0 && v[0] != null && v[0].length() <= MAX_PARAM && k.length() <= 100) {
                out.put(k, v[0]);
            }
        });
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
