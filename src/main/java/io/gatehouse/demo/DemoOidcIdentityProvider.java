package io.gatehouse.demo;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.Sha256;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.idp.SpEndpoints;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo OpenID provider at {@code /demo/idp/oidc}: authorization code flow with PKCE for
 * Gatehouse's demo relying party only (client_secret_basic), RS256 ID tokens, userinfo. Codes and
 * tokens live in memory for a minute: it's a demo, on one node.
 */
@RestController
class DemoOidcIdentityProvider {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final DemoSetup demo;
    private final Clock clock;
    private final Cache<String, Grant> codes = Caffeine.newBuilder().executor(Runnable::run)
            .expireAfterWrite(Duration.ofSeconds(60))
            .maximumSize(10_000).build();
    private final Cache<String, DemoUser> tokens = Caffeine.newBuilder().executor(Runnable::run)
            .expireAfterWrite(Duration.ofMinutes(10))
            .maximumSize(10_000).build();

    private final DemoPages pages;

    DemoOidcIdentityProvider(DemoSetup demo, Clock clock, DemoPages pages) {
        this.pages = pages;
        this.demo = demo;
        this.clock = clock;
    }

    private record Grant(DemoUser user, Optional<String> nonce, Optional<String> challenge, String redirectUri) {
    }

    private String issuer() {
        return demo.baseUrl() + "/demo/idp/oidc";
    }

    private String redirectUri() {
        return SpEndpoints.of(demo.baseUrl(), DemoSetup.ORG, DemoSetup.alias(DemoSetup.OIDC_ALIAS)).oidcRedirectUri();
    }

    @GetMapping("/demo/idp/oidc/.well-known/openid-configuration")
    ResponseEntity<String> discovery() {
        if (!demo.enabled()) {
            return DemoPages.notFound();
        }
        ObjectNode d = JSON.createObjectNode().put("issuer", issuer()).put("authorization_endpoint", issuer() + "/authorize")
                .put("token_endpoint", issuer() + "/token").put("userinfo_endpoint", issuer() + "/userinfo")
                .put("jwks_uri", issuer() + "/jwks");
        d.putArray("response_types_supported").add("code");
        d.putArray("subject_types_supported").add("public");
        d.putArray("id_token_signing_alg_values_supported").add("RS256");
        d.putArray("code_challenge_methods_supported").add("S256");
        d.putArray("token_endpoint_auth_methods_supported").add("client_secret_basic");
        return json(d.toString());
    }

    @GetMapping("/demo/idp/oidc/jwks")
    ResponseEntity<String> jwks() {
        if (!demo.enabled() || demo.state().isEmpty()) {
            return DemoPages.notFound();
        }
        return json(new JWKSet(demo.state().get().oidcKey().toPublicJWK()).toString());
    }

    @GetMapping("/demo/idp/oidc/authorize")
    ResponseEntity<String> authorize(HttpServletRequest http) {
        if (!demo.enabled() || demo.state().isEmpty()) {
            return DemoPages.notFound();
        }
        if (!DemoSetup.OIDC_CLIENT_ID.equals(http.getParameter("client_id"))
                || !redirectUri().equals(http.getParameter("redirect_uri"))
                || !"code".equals(http.getParameter("response_type"))) {
            return pages.notARequest();
        }
        return form(http.getParameter("state"), http.getParameter("nonce"), http.getParameter("code_challenge"), false);
    }

    @PostMapping("/demo/idp/oidc/login")
    ResponseEntity<String> login(@RequestParam(required = false) String state, @RequestParam(required = false) String nonce,
                                 @RequestParam(name = "code_challenge", required = false) String challenge,
                                 @RequestParam(required = false) String username,
                                 @RequestParam(required = false) String password) {
        if (!demo.enabled() || demo.state().isEmpty()) {
            return DemoPages.notFound();
        }
        Optional<DemoUser> user = DemoUser.authenticate(username, password);
        if (user.isEmpty()) {
            return form(state, nonce, challenge, true);
        }
        String code = RandomTokens.urlSafe(24);
        codes.put(code, new Grant(user.get(), Optional.ofNullable(nonce), Optional.ofNullable(challenge), redirectUri()));
        String location = redirectUri() + "?code=" + enc(code) + (state == null ? "" : "&state=" + enc(state))
                + "&iss=" + enc(issuer());
        return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, location).build();
    }

    @PostMapping("/demo/idp/oidc/token")
    ResponseEntity<String> token(HttpServletRequest http) {
        if (!demo.enabled() || demo.state().isEmpty()) {
            return DemoPages.notFound();
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString((DemoSetup.OIDC_CLIENT_ID + ":"
                + demo.state().get().oidcClientSecret()).getBytes(StandardCharsets.UTF_8));
        String presented = Optional.ofNullable(http.getHeader(HttpHeaders.AUTHORIZATION)).orElse("");
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            return error(HttpStatus.UNAUTHORIZED, "invalid_client");
        }
        String code = http.getParameter("code");
        Grant grant = code == null ? null : codes.asMap().remove(code);
        if (grant == null || !grant.redirectUri().equals(http.getParameter("redirect_uri"))) {
            return error(HttpStatus.BAD_REQUEST, "invalid_grant");
        }
        if (grant.challenge().isPresent()) {
            String verifier = Optional.ofNullable(http.getParameter("code_verifier")).orElse("");
            String computed = Sha256.base64Url(verifier);
            if (!computed.equals(grant.challenge().get())) {
                return error(HttpStatus.BAD_REQUEST, "invalid_grant");
            }
        }
        Instant now = clock.instant();
        DemoUser u = grant.user();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer()).subject(u.username())
                .audience(DemoSetup.OIDC_CLIENT_ID).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("email", u.email(DemoSetup.OIDC_DOMAIN)).claim("email_verified", true)
                .claim("given_name", u.givenName()).claim("family_name", u.familyName())
                .claim("name", u.givenName() + " " + u.familyName()).claim("groups", u.groups());
        grant.nonce().ifPresent(n -> claims.claim("nonce", n));
        SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(demo.state().get().oidcKey().getKeyID()).build(), claims.build());
        try {
            idToken.sign(new RSASSASigner(demo.state().get().oidcKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed");
        }
        String accessToken = RandomTokens.urlSafe(24);
        tokens.put(accessToken, u);
        ObjectNode body = JSON.createObjectNode().put("access_token", accessToken).put("token_type", "Bearer")
                .put("expires_in", 600).put("id_token", idToken.serialize());
        return json(body.toString());
    }

    @GetMapping("/demo/idp/oidc/userinfo")
    ResponseEntity<String> userinfo(HttpServletRequest http) {
        String header = Optional.ofNullable(http.getHeader(HttpHeaders.AUTHORIZATION)).orElse("");
        DemoUser u = header.startsWith("Bearer ") ? tokens.getIfPresent(header.substring(7)) : null;
        if (!demo.enabled() || u == null) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
        }
        ObjectNode o = JSON.createObjectNode().put("sub", u.username()).put("email", u.email(DemoSetup.OIDC_DOMAIN))
                .put("email_verified", true).put("given_name", u.givenName()).put("family_name", u.familyName());
        return json(o.toString());
    }

    private ResponseEntity<String> form(String state, String nonce, String challenge, boolean wrongPassword) {
        Map<String, String> hidden = new LinkedHashMap<>();
        if (state != null) {
            hidden.put("state", state);
        }
        if (nonce != null) {
            hidden.put("nonce", nonce);
        }
        if (challenge != null) {
            hidden.put("code_challenge", challenge);
        }
        return pages.loginForm("demo.login.title.oidc", "/demo/idp/oidc/login", hidden, DemoSetup.OIDC_DOMAIN,
                wrongPassword);
    }

    private static ResponseEntity<String> json(String body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(body);
    }

    private static ResponseEntity<String> error(HttpStatus status, String code) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body("{\"error\":\"" + code + "\"}");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
