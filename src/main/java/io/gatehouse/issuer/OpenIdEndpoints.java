package io.gatehouse.issuer;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Discovery, the signing keys, and userinfo: what any OpenID Connect client library reads. */
@RestController
class OpenIdEndpoints {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Issuer issuer;
    private final IssuerKeys keys;
    private final AccessTokens accessTokens;
    private final Clock clock;

    OpenIdEndpoints(Issuer issuer, IssuerKeys keys, AccessTokens accessTokens, Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.accessTokens = accessTokens;
        this.clock = clock;
    }

    @GetMapping("/.well-known/openid-configuration")
    ResponseEntity<String> discovery() {
        ObjectNode d = JSON.createObjectNode();
        d.put("issuer", issuer.url());
        d.put("authorization_endpoint", issuer.endpoint("/oauth2/authorize"));
        d.put("token_endpoint", issuer.endpoint("/oauth2/token"));
        d.put("userinfo_endpoint", issuer.endpoint("/oauth2/userinfo"));
        d.put("jwks_uri", issuer.endpoint("/oauth2/jwks"));
        strings(d, "response_types_supported", List.of("code"));
        strings(d, "response_modes_supported", List.of("query"));
        strings(d, "grant_types_supported", List.of("authorization_code"));
        strings(d, "subject_types_supported", List.of("public"));
        strings(d, "id_token_signing_alg_values_supported", IssuerKeys.ALGORITHMS);
        strings(d, "token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post",
                "none"));
        strings(d, "code_challenge_methods_supported", List.of("S256"));
        strings(d, "scopes_supported", List.of("openid", "email", "profile"));
        strings(d, "claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
                "azp", "email", "email_verified", "given_name", "family_name", "name", "groups", "org",
                "identity_provider", "role", "team", "raw_attributes"));
        d.put("authorization_response_iss_parameter_supported", true);
        return json(d.toString(), "public, max-age=300");
    }

    @GetMapping("/oauth2/jwks")
    ResponseEntity<String> jwks() {
        return json(keys.publicKeys().toString(), "public, max-age=300");
    }

    @RequestMapping(path = "/oauth2/userinfo", method = {RequestMethod.GET, RequestMethod.POST})
    ResponseEntity<String> userinfo(HttpServletRequest http) {
        String header = Optional.ofNullable(http.getHeader(HttpHeaders.AUTHORIZATION)).orElse("");
        Optional<String> claims = header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? accessTokens.claims(header.substring(7).strip(), clock.instant()) : Optional.empty();
        if (claims.isEmpty()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build();
        }
        return json(claims.get(), "no-store");
    }

    private static void strings(ObjectNode o, String name, List<String> values) {
        ArrayNode a = o.putArray(name);
        values.forEach(a::add);
    }

    private static ResponseEntity<String> json(String body, String cacheControl) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .body(body);
    }

    @PostMapping("/api/issuer/keys/rotate")
    ResponseEntity<Void> rotate(io.gatehouse.access.Caller caller) {
        caller.requirePlatform();
        keys.rotate();
        return ResponseEntity.noContent().build();
    }
}
