package io.gatehouse.oidc;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.OidcSettings;
import io.gatehouse.idp.oidc.TokenEndpointAuthMethod;
import io.gatehouse.oidc.internal.ClientJwks;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /sso/{org}/{alias}/oidc/jwks}: Gatehouse's public client keys for this provider, which
 * the provider fetches to check private_key_jwt assertions. Public, like SAML SP metadata.
 */
@RestController
class ClientJwksController {
    private final IdentityProviders registry;
    private final OidcClientKeys keys;
    private final Clock clock;

    ClientJwksController(IdentityProviders registry, OidcClientKeys keys, Clock clock) {
        this.registry = registry;
        this.keys = keys;
        this.clock = clock;
    }

    @GetMapping("/sso/{org}/{alias}/oidc/jwks")
    ResponseEntity<String> jwks(@PathVariable String org, @PathVariable String alias) {
        Optional<IdentityProvider> found = registry.lookup(org, alias).filter(i -> i.settings() instanceof OidcSettings);
        if (found.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                    .body("{\"error\":\"not_found\"}");
        }
        IdentityProvider idp = found.get();
        boolean usesKeys = ((OidcSettings) idp.settings()).tokenEndpointAuthMethod()
                == TokenEndpointAuthMethod.PRIVATE_KEY_JWT;
        List<String> published = List.of();
        if (usesKeys) {
            keys.ensure(idp.id(), clock.instant());
            published = keys.publicJwks(idp.id());
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/jwk-set+json"))
                .header(HttpHeaders.CACHE_CONTROL, "public, max-age=300")
                .body(ClientJwks.jwkSet(published));
    }
}
