package io.gatehouse.demo;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.Sha256;
import io.gatehouse.pages.Text;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
    private final DemoSetup demo;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final DemoPages pages;
    private volatile int port = 8080;

    DemoApplication(DemoSetup demo, DemoPages pages) {
        this.pages = pages;
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
        return pages.render(HttpStatus.OK, new DemoViews.Home(DemoSetup.SAML_DOMAIN, DemoSetup.OIDC_DOMAIN));
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
            return failure(Text.of("demo.failed.state"));
        }
        if (error != null) {
            return failure(description == null ? Text.of("demo.failed.error", error)
                    : Text.of("demo.failed.error_described", error, description));
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
                return failure(Text.of("demo.failed.token", tokens.path("error").asString("?")));
            }
            String jwks = http.send(HttpRequest.newBuilder(URI.create(local("/oauth2/jwks"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                    new ImmutableJWKSet<>(JWKSet.parse(jwks))));
            JWTClaimsSet claims = processor.process(tokens.get("id_token").asString(), null);
            if (!demo.baseUrl().equals(claims.getIssuer()) || !claims.getAudience().contains(DemoSetup.APP_CLIENT_ID)
                    || !saved[1].equals(claims.getStringClaim("nonce"))) {
                return failure(Text.of("demo.failed.id_token"));
            }
            List<DemoViews.Claim> rows = new ArrayList<>();
            for (Map.Entry<String, Object> c : new TreeMap<>(claims.getClaims()).entrySet()) {
                Object v = c.getValue() instanceof java.util.Date d ? d.toInstant().toString()
                        : c.getKey().equals("auth_time") && c.getValue() instanceof Number t
                        ? java.time.Instant.ofEpochSecond(t.longValue()).toString() : c.getValue();
                rows.add(new DemoViews.Claim(c.getKey(), String.valueOf(v)));
            }
            ResponseCookie clear = ResponseCookie.from(COOKIE, "").path("/demo").maxAge(0).build();
            ResponseEntity<String> page = pages.render(HttpStatus.OK, new DemoViews.Profile(
                    String.valueOf(claims.getClaim("email")), String.valueOf(claims.getClaim("identity_provider")), rows));
            return ResponseEntity.ok().headers(page.getHeaders()).header(HttpHeaders.SET_COOKIE, clear.toString())
                    .body(page.getBody());
        } catch (Exception e) {
            return failure(Text.of("demo.failed.exception", e.getClass().getSimpleName()));
        }
    }

    private ResponseEntity<String> failure(Text message) {
        return pages.render(HttpStatus.BAD_REQUEST, new DemoViews.Notice(Text.of("demo.failed.title"),
                Text.of("demo.banner.app"), message, false));
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
