package io.gatehouse.oidc;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.OidcProvider;
import io.gatehouse.idp.ProviderDirectory;
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
    private final ProviderDirectory directory;
    private final OidcClientKeys keys;
    private final Clock clock;

    ClientJwksController(ProviderDirectory directory, OidcClientKeys keys, Clock clock) {
        this.directory = directory;
        this.keys = keys;
        this.clock = clock;
    }

    @GetMapping("/sso/{org}/{alias}/oidc/jwks")
    ResponseEntity<String> jwks(@PathVariable String org, @PathVariable String alias) {
        Optional<OidcProvider> found = directory.oidc(org, alias);
        if (found.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                    .body("{\"error\":\"not_found\"}");
        }
        IdentityProvider idp = found.get().idp();
        boolean usesKeys = found.get().oidc().tokenEndpointAuthMethod() == TokenEndpointAuthMethod.PRIVATE_KEY_JWT;
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
