package io.gatehouse.issuer;

import io.gatehouse.api.DiscoveryLimit;
import io.gatehouse.api.RateLimit;
import io.gatehouse.api.RateLimits;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.ProviderView;
import io.gatehouse.pages.EmailPrompt;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.ProviderChooser;
import io.gatehouse.pages.Text;
import io.gatehouse.routing.DomainRouter;
import io.gatehouse.routing.Route;
import io.gatehouse.signin.LoginRequest;
import io.gatehouse.signin.SignInStarts;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

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
     * misses are limited strictly (enumeration) and hits generously (many users behind one NAT).
     */
    private final DiscoveryLimit lookups;
    private final Pages pages;

    AuthorizeController(Applications applications, DomainRouter router, ProviderDirectory directory,
                        SignInStarts starts, Clock clock, Issuer issuer, RateLimits limits, Pages pages) {
        this.pages = pages;
        this.applications = applications;
        this.router = router;
        this.directory = directory;
        this.starts = starts;
        this.clock = clock;
        this.issuer = issuer;
        this.lookups = limits.discovery();
    }

    @GetMapping("/oauth2/authorize")
    ResponseEntity<String> authorize(HttpServletRequest http) {
        Map<String, String> p = parameters(http);
        Optional<Application> app = Optional.ofNullable(p.get("client_id")).flatMap(applications::find);
        if (app.isEmpty()) {
            return errorPage("refused.unknown_client");
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || !app.get().redirectUris().contains(redirectUri)) {
            return errorPage("refused.redirect_uri");
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
        Optional<String> asked = lookupOf(p, loginHint);
        Optional<Duration> wait = asked.flatMap(lookup -> lookups.admit(http, lookup));
        if (wait.isPresent()) {
            ResponseEntity<String> page = pages.render(HttpStatus.TOO_MANY_REQUESTS,
                    MessagePage.of(Text.of("toomany.title"), Text.of("toomany.text")).once());
            return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, RateLimit.retryAfter(wait.get())).body(page.getBody());
        }
        if (p.containsKey("identity_provider")) {
            String[] parts = p.get("identity_provider").split("/", 2);
            route = parts.length != 2 ? Optional.empty() : OrgId.parse(parts[0]).flatMap(org -> router.forOrg(org)
                    .stream().filter(r -> r.alias().value().equals(parts[1])).findFirst());
            lookups.answered(http, revealed(asked.orElseThrow(), route.stream().toList()));
            if (route.isEmpty()) {
                return toApp(redirectUri, state, "invalid_request", "identity_provider is not an enabled provider");
            }
        } else if (p.containsKey("organization")) {
            List<Route> routes = OrgId.parse(p.get("organization")).map(router::forOrg).orElse(List.of());
            lookups.answered(http, revealed(asked.orElseThrow(), routes));
            if (routes.isEmpty()) {
                return toApp(redirectUri, state, "invalid_request", "the organization has no enabled identity provider");
            }
            if (routes.size() > 1) {
                return chooser(routes.getFirst().org(), p, routes);
            }
            route = Optional.of(routes.getFirst());
        } else if (loginHint.isPresent()) {
            route = router.forEmail(loginHint.get());
            lookups.answered(http, revealed(asked.orElseThrow(), route.stream().toList()));
            if (route.isEmpty()) {
                return emailPage(p, Optional.of(Text.of("email.unknown")));
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

    /**
     * The provider lookup the request asks for, as the discovery limit knows it: a login_hint by its
     * domain, so that the users of one org ask the same.
     */
    private static Optional<String> lookupOf(Map<String, String> p, Optional<String> loginHint) {
        if (p.containsKey("identity_provider")) {
            return Optional.of("identity_provider=" + p.get("identity_provider"));
        }
        if (p.containsKey("organization")) {
            return Optional.of("organization=" + p.get("organization"));
        }
        return loginHint.map(h -> "login_hint=@" + h.substring(h.lastIndexOf('@') + 1).strip().toLowerCase(Locale.ROOT));
    }

    /** What a lookup that found these routes told: nothing; or itself, and the providers a chooser links to. */
    private static List<String> revealed(String asked, List<Route> found) {
        List<String> revealed = new ArrayList<>();
        if (!found.isEmpty()) {
            revealed.add(asked);
        }
        if (found.size() > 1) {
            found.forEach(r -> revealed.add("identity_provider=" + r.org().value() + "/" + r.alias().value()));
        }
        return revealed;
    }

    /** An error for the app, on its (validated) redirect URI, with its state. */
    private ResponseEntity<String> toApp(String redirectUri, Optional<String> state, String error, String description) {
        String location = redirectUri + (redirectUri.contains("?") ? "&" : "?") + "error=" + encode(error)
                + "&error_description=" + encode(description) + state.map(s -> "&state=" + encode(s)).orElse("")
                + "&iss=" + encode(issuer.url());
        return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, location).build();
    }

    /** The application's request itself is wrong: nothing can be sent back to it. */
    private ResponseEntity<String> errorPage(String reason) {
        return pages.render(HttpStatus.BAD_REQUEST, MessagePage.of(Text.of("refused.title"), Text.of(reason),
                Text.of("refused.tell")));
    }

    /**
     * Asks for the work email, keeping every parameter of the app's request; an address that found no
     * provider stays in the field, with the reason tied to it.
     */
    private ResponseEntity<String> emailPage(Map<String, String> p, Optional<Text> error) {
        Map<String, String> hidden = new LinkedHashMap<>(p);
        hidden.remove("login_hint");
        String typed = error.isPresent() ? p.getOrDefault("login_hint", "") : "";
        return pages.render(HttpStatus.OK, new EmailPrompt("/oauth2/authorize", "login_hint", hidden, typed, error));
    }

    /** Several identity providers in the org: the user picks one. */
    private ResponseEntity<String> chooser(OrgId org, Map<String, String> p, List<Route> routes) {
        List<ProviderChooser.Choice> choices = new ArrayList<>();
        for (Route r : routes) {
            Map<String, String> params = new LinkedHashMap<>(p);
            params.remove("organization");
            params.put("identity_provider", r.org().value() + "/" + r.alias().value());
            StringBuilder query = new StringBuilder();
            params.forEach((k, v) -> query.append(query.isEmpty() ? "" : "&").append(encode(k)).append('=')
                    .append(encode(v)));
            choices.add(new ProviderChooser.Choice(r.displayName(), "/oauth2/authorize?" + query));
        }
        return pages.render(HttpStatus.OK, new ProviderChooser(org, choices));
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
