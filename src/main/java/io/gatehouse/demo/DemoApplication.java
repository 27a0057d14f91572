package io.gatehouse.demo;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.Sha256;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo application at {@code /demo}: a plain page that acts as an app integrating Gatehouse with
 * standard OpenID Connect — authorization code with PKCE, state and nonce in a cookie, the code
 * exchanged server-side over HTTP, the ID token verified against Gatehouse's JWKS, the profile shown.
 */
@RestController
class DemoApplication {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COOKIE = "gatehouse_demo_app";
    private static final String BANNER = "DEMO application, served by Gatehouse in demo mode to show what an app"
            + " receives. Your own application does exactly this with any OpenID Connect client library.";
    private final DemoSetup demo;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile int port = 8080;

    DemoApplication(DemoSetup demo) {
        this.demo = demo;
    }

    @EventListener
    void serverStarted(WebServerInitializedEvent event) {
        port = event.getWebServer().getPort();
    }

    @GetMapping({"/demo", "/demo/"})
    ResponseEntity<String> home() {
        if (!demo.enabled()) {
            return DemoPages.notFound();
        }
        String body = "<p>Sign in to this demo application through Gatehouse. Each button starts a standard OpenID"
                + " Connect sign-in; Gatehouse routes it to a (built-in, demo) identity provider, where the users"
                + " <code>alice</code> and <code>bob</code> have the password <code>demo</code>.</p>"
                + "<p><a class=\"button\" id=\"sign-in-saml\" href=\"/demo/start?via=saml\">Sign in with SSO (SAML demo IdP)</a>"
                + " <a class=\"button\" id=\"sign-in-oidc\" href=\"/demo/start?via=oidc\">Sign in with SSO (OIDC demo IdP)</a>"
                + " <a class=\"button\" id=\"sign-in-email\" href=\"/demo/start?via=email\">Sign in with SSO (by work email)</a></p>"
                + "<p>By work email, try <code>alice@" + DemoSetup.SAML_DOMAIN + "</code> (SAML) or <code>bob@"
                + DemoSetup.OIDC_DOMAIN + "</code> (OIDC).</p>";
        return DemoPages.page(HttpStatus.OK, "Demo application", BANNER, body);
    }

    @GetMapping("/demo/start")
    ResponseEntity<String> start(@RequestParam(defaultValue = "email") String via) {
        if (!demo.enabled()) {
            return DemoPages.notFound();
        }
        String state = RandomTokens.urlSafe(16);
        String nonce = RandomTokens.urlSafe(16);
        String verifier = RandomTokens.urlSafe(32);
        String route = switch (via) {
            case "saml" -> "&identity_provider=" + enc(DemoSetup.ORG.value() + "/" + DemoSetup.SAML_ALIAS);
            case "oidc" -> "&identity_provider=" + enc(DemoSetup.ORG.value() + "/" + DemoSetup.OIDC_ALIAS);
            default -> "";
        };
        String location = "/oauth2/authorize?response_type=code&client_id=" + enc(DemoSetup.APP_CLIENT_ID)
                + "&redirect_uri=" + enc(callback()) + "&scope=" + enc("openid email profile") + "&state=" + enc(state)
                + "&nonce=" + enc(nonce) + "&code_challenge=" + enc(Sha256.base64Url(verifier)) + "&code_challenge_method=S256"
                + route;
        ResponseCookie cookie = ResponseCookie.from(COOKIE, state + "." + nonce + "." + verifier).httpOnly(true)
                .sameSite("Lax").path("/demo").maxAge(Duration.ofMinutes(15)).secure(demo.baseUrl().startsWith("https:"))
                .build();
        return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, location)
                .header(HttpHeaders.SET_COOKIE, cookie.toString()).build();
    }

    @GetMapping("/demo/callback")
    ResponseEntity<String> callback(@RequestParam(required = false) String code,
                                    @RequestParam(required = false) String state,
                                    @RequestParam(required = false) String error,
                                    @RequestParam(name = "error_description", required = false) String description,
                                    @CookieValue(name = COOKIE, required = false) String cookie) {
        if (!demo.enabled() || demo.state().isEmpty()) {
            return DemoPages.notFound();
        }
        String[] saved = cookie == null ? new String[0] : cookie.split("\\.");
        if (saved.length != 3 || state == null || !MessageDigest.isEqual(saved[0].getBytes(StandardCharsets.UTF_8),
                state.getBytes(StandardCharsets.UTF_8))) {
            return failure("The answer does not belong to a sign-in started here (state mismatch).");
        }
        if (error != null) {
            return failure("Gatehouse answered " + error + (description == null ? "" : ": " + description));
        }
        try {
            HttpRequest tokenRequest = HttpRequest.newBuilder(URI.create(local("/oauth2/token")))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((DemoSetup.APP_CLIENT_ID + ":"
                            + demo.state().get().appSecret()).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + enc(code)
                            + "&redirect_uri=" + enc(callback()) + "&code_verifier=" + enc(saved[2])))
                    .build();
            HttpResponse<String> tokenResponse = http.send(tokenRequest, HttpResponse.BodyHandlers.ofString());
            JsonNode tokens = JSON.readTree(tokenResponse.body());
            if (tokenResponse.statusCode() != 200) {
                return failure("The token endpoint answered " + tokens.path("error").asString("an error"));
            }
            String jwks = http.send(HttpRequest.newBuilder(URI.create(local("/oauth2/jwks"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                    new ImmutableJWKSet<>(JWKSet.parse(jwks))));
            JWTClaimsSet claims = processor.process(tokens.get("id_token").asString(), null);
            if (!demo.baseUrl().equals(claims.getIssuer()) || !claims.getAudience().contains(DemoSetup.APP_CLIENT_ID)
                    || !saved[1].equals(claims.getStringClaim("nonce"))) {
                return failure("The ID token is not for this sign-in (issuer, audience or nonce).");
            }
            StringBuilder rows = new StringBuilder();
            for (Map.Entry<String, Object> c : new TreeMap<>(claims.getClaims()).entrySet()) {
                Object v = c.getValue() instanceof java.util.Date d ? d.toInstant().toString()
                        : c.getKey().equals("auth_time") && c.getValue() instanceof Number t
                        ? java.time.Instant.ofEpochSecond(t.longValue()).toString() : c.getValue();
                rows.append("<tr><th>").append(DemoPages.esc(c.getKey())).append("</th><td id=\"claim-")
                        .append(DemoPages.esc(c.getKey())).append("\">").append(DemoPages.esc(String.valueOf(v)))
                        .append("</td></tr>");
            }
            String body = "<p id=\"welcome\">Signed in as <strong>" + DemoPages.esc(String.valueOf(claims.getClaim("email")))
                    + "</strong> through <code>" + DemoPages.esc(String.valueOf(claims.getClaim("identity_provider")))
                    + "</code>.</p><h2>The ID token's profile</h2><table>" + rows + "</table>"
                    + "<p><a class=\"button\" href=\"/demo\">Back to the demo</a></p>";
            ResponseCookie clear = ResponseCookie.from(COOKIE, "").path("/demo").maxAge(0).build();
            ResponseEntity<String> page = DemoPages.page(HttpStatus.OK, "Signed in", BANNER, body);
            return ResponseEntity.ok().headers(page.getHeaders()).header(HttpHeaders.SET_COOKIE, clear.toString())
                    .body(page.getBody());
        } catch (Exception e) {
            return failure("The sign-in could not be completed (" + e.getClass().getSimpleName() + ").");
        }
    }

    private ResponseEntity<String> failure(String message) {
        return DemoPages.page(HttpStatus.BAD_REQUEST, "Sign-in failed", BANNER, "<p role=\"alert\">"
                + DemoPages.esc(message) + "</p><p><a class=\"button\" href=\"/demo\">Back to the demo</a></p>");
    }

    private String callback() {
        return demo.baseUrl() + "/demo/callback";
    }

    /** Gatehouse itself, on this node's own port: the app's back channel. */
    private String local(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
