package io.gatehouse.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import io.gatehouse.crypto.Sha256;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /oauth2/token}: the authorization-code grant. The client authenticates
 * (client_secret_basic, client_secret_post, or none with PKCE); the code is redeemed once, only by
 * the client it was issued to, with the same redirect URI and the PKCE verifier, which are checked
 * before the code is spent; a replayed code (from a request that passes those checks) revokes what
 * it issued.
 */
@RestController
class TokenController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Applications applications;
    private final AuthorizationCodes codes;
    private final AccessTokens accessTokens;
    private final IssuerKeys keys;
    private final Issuer issuer;
    private final Clock clock;
    /** By key id; a rotation adds one (rotations are rare, and a retired key's signer is tiny). */
    private final Map<String, JWSSigner> signers = new java.util.concurrent.ConcurrentHashMap<>();

    TokenController(Applications applications, AuthorizationCodes codes, AccessTokens accessTokens, IssuerKeys keys,
                    Issuer issuer, Clock clock) {
        this.applications = applications;
        this.codes = codes;
        this.accessTokens = accessTokens;
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
    }

    @PostMapping("/oauth2/token")
    ResponseEntity<String> token(HttpServletRequest http) {
        String contentType = Optional.ofNullable(http.getContentType()).orElse("");
        if (!contentType.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            return error(HttpStatus.BAD_REQUEST, "invalid_request", "send application/x-www-form-urlencoded", false);
        }
        Map<String, String[]> form = http.getParameterMap();
        // credentials in the query string would end up in logs: refused
        if (http.getQueryString() != null && !http.getQueryString().isEmpty()) {
            return error(HttpStatus.BAD_REQUEST, "invalid_request", "parameters belong in the body", false);
        }
        Optional<Credentials> credentials = credentials(http, form);
        if (credentials.isEmpty()) {
            return error(HttpStatus.UNAUTHORIZED, "invalid_client", "client authentication failed", true);
        }
        Optional<Application> app = applications.find(credentials.get().clientId());
        boolean basic = credentials.get().basic();
        if (app.isEmpty()) {
            return error(HttpStatus.UNAUTHORIZED, "invalid_client", "client authentication failed", basic);
        }
        if (app.get().publicClient() ? credentials.get().secret().isPresent()
                : !Applications.secretMatches(app.get(), credentials.get().secret().orElse(null))) {
            return error(HttpStatus.UNAUTHORIZED, "invalid_client", "client authentication failed", basic);
        }
        if (!"authorization_code".equals(one(form, "grant_type"))) {
            return error(HttpStatus.BAD_REQUEST, "unsupported_grant_type", "only authorization_code is supported", false);
        }
        Instant now = clock.instant();
        AuthorizationCodes.Lookup.Found found;
        switch (codes.find(one(form, "code"), now)) {
            case AuthorizationCodes.Lookup.Unknown u -> {
                return error(HttpStatus.BAD_REQUEST, "invalid_grant", "the code is invalid or expired", false);
            }
            case AuthorizationCodes.Lookup.Found f -> found = f;
        }
        AuthorizationCodes.Grant grant = found.grant();
        // the bindings first: a request that cannot prove them changes nothing, so a stolen code can
        // neither be burned before its owner redeems it nor used to revoke what it issued
        Optional<String> mismatch = bindingMismatch(grant, app.get(), form);
        if (mismatch.isPresent()) {
            return error(HttpStatus.BAD_REQUEST, "invalid_grant", mismatch.get(), false);
        }
        if (found.used() || !codes.consume(grant.codeHash(), now)) {
            // a second use (or the loser of two racing uses): refused, and what the code issued is
            // revoked (RFC 6749 section 4.1.2)
            accessTokens.revokeIssuedFor(grant.codeHash());
            return error(HttpStatus.BAD_REQUEST, "invalid_grant", "the code was already used", false);
        }
        String accessToken = accessTokens.issue(grant.codeHash(), app.get().clientId(), now);
        String idToken = idToken(app.get(), grant, accessToken, now);
        ObjectNode body = JSON.createObjectNode();
        body.put("access_token", accessToken);
        body.put("token_type", "Bearer");
        body.put("expires_in", AccessTokens.LIFETIME.toSeconds());
        body.put("id_token", idToken);
        body.put("scope", grant.scope());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Pragma", "no-cache").body(body.toString());
    }

    /** Why the request may not redeem the code (client, redirect URI, PKCE), if it may not. */
    private static Optional<String> bindingMismatch(AuthorizationCodes.Grant grant, Application app,
                                                    Map<String, String[]> form) {
        if (!grant.clientId().equals(app.clientId())) {
            return Optional.of("the code was issued to another client");
        }
        if (!grant.redirectUri().equals(one(form, "redirect_uri"))) {
            return Optional.of("redirect_uri differs from the authorization request");
        }
        String verifier = one(form, "code_verifier");
        if (grant.codeChallenge().isPresent()) {
            if (verifier == null || !verifier.matches("^[A-Za-z0-9._~-]{43,128}$")
                    || !MessageDigest.isEqual(Sha256.base64Url(verifier).getBytes(StandardCharsets.US_ASCII),
                    grant.codeChallenge().get().getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of("the PKCE code_verifier does not match");
            }
        } else if (verifier != null) {
            // a verifier without a challenge means the challenge was stripped on the way: a downgrade
            return Optional.of("no code_challenge was sent with the request");
        }
        return Optional.empty();
    }

    private String idToken(Application app, AuthorizationCodes.Grant grant, String accessToken, Instant now) {
        JWK key = keys.signingKey(app.idTokenAlg());
        JWSAlgorithm alg = JWSAlgorithm.parse(app.idTokenAlg());
        // the stored profile claims, then the protocol's, which no profile value may replace; written
        // straight to JSON (a claims-set object in between costs more than the rest of the token)
        ObjectNode claims = (ObjectNode) JSON.readTree(grant.claimsJson());
        claims.put("iss", issuer.url());
        claims.put("aud", app.clientId());
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(AccessTokens.LIFETIME).getEpochSecond());
        claims.put("auth_time", grant.authTime().getEpochSecond());
        claims.put("azp", app.clientId());
        claims.put("at_hash", AccessTokenHash.compute(new BearerAccessToken(accessToken), alg, null).getValue());
        grant.nonce().ifPresentOrElse(n -> claims.put("nonce", n), () -> claims.remove("nonce"));
        JWSObject jws = new JWSObject(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                new Payload(claims.toString()));
        try {
            jws.sign(signers.computeIfAbsent(key.getKeyID(), kid -> signerFor(key)));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the ID token failed");
        }
        return jws.serialize();
    }

    /** Nimbus signers are thread-safe; building one converts the key, which costs as much as half a signature. */
    private static JWSSigner signerFor(JWK key) {
        try {
            return key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(key.toRSAKey());
        } catch (JOSEException e) {
            throw new IllegalStateException("the issuer key cannot sign");
        }
    }

    /** How the client authenticated: HTTP Basic, or client_id (and client_secret) in the body. */
    private record Credentials(String clientId, Optional<String> secret, boolean basic) {
        @Override
        public String toString() {
            return "Credentials[" + clientId + "]";
        }
    }

    private static Optional<Credentials> credentials(HttpServletRequest http, Map<String, String[]> form) {
        String header = http.getHeader(HttpHeaders.AUTHORIZATION);
        boolean inBody = form.containsKey("client_secret");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (inBody) {
                return Optional.empty();
            }
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    return Optional.empty();
                }
                return Optional.of(new Credentials(urlDecode(decoded.substring(0, colon)),
                        Optional.of(urlDecode(decoded.substring(colon + 1))), true));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        String clientId = one(form, "client_id");
        if (clientId == null) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(clientId, Optional.ofNullable(one(form, "client_secret")), false));
    }

    private static String urlDecode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String one(Map<String, String[]> form, String name) {
        String[] values = form.get(name);
        // a repeated parameter is ambiguous: treated as absent
        return values == null || values.length != 1 ? null : values[0];
    }

    private static ResponseEntity<String> error(HttpStatus status, String error, String description, boolean basic) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        ResponseEntity.BodyBuilder b = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (basic || status == HttpStatus.UNAUTHORIZED) {
            b.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\"");
        }
        return b.body(body.toString());
    }
}
