package io.gatehouse.oidc;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.OidcProvider;
import io.gatehouse.idp.OidcSettings;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.oidc.Pkce;
import io.gatehouse.idp.oidc.TokenEndpointAuthMethod;
import io.gatehouse.oidc.internal.AuthorizationRequests;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
import io.gatehouse.signin.LoginRequest;
import io.gatehouse.signin.SignInAttempt;
import io.gatehouse.signin.SignInAttempts;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.signin.SignInOutcomes;
import io.gatehouse.signin.SignInStarter;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Starts an OpenID Connect sign-in: records the attempt (its id is the {@code state}, with a fresh
 * nonce and the sealed PKCE verifier) and redirects to the provider's authorization endpoint.
 */
@Component
class OidcSignInStarter implements SignInStarter<OidcProvider> {
    private final SignInAttempts attempts;
    private final ProviderDirectory directory;
    private final PkceVerifiers verifiers;
    private final OidcClientKeys clientKeys;
    private final Pages pages;

    OidcSignInStarter(SignInAttempts attempts, ProviderDirectory directory, PkceVerifiers verifiers,
                      OidcClientKeys clientKeys, Pages pages) {
        this.pages = pages;
        this.attempts = attempts;
        this.directory = directory;
        this.verifiers = verifiers;
        this.clientKeys = clientKeys;
    }

    /** Also the client key that signs private_key_jwt assertions, when that is the method. */
    @Override
    public Optional<SignInFailure> unavailableSecret(OidcProvider provider) {
        return SignInStarter.super.unavailableSecret(provider).or(() ->
                provider.oidc().tokenEndpointAuthMethod() == TokenEndpointAuthMethod.PRIVATE_KEY_JWT
                ? clientKeys.unopenableActiveKey(provider.idp().id())
                        .map(keyId -> SignInFailure.secretUnavailable("OIDC client private key", keyId))
                : Optional.empty());
    }

    @Override
    public ResponseEntity<String> start(OidcProvider provider, LoginRequest login, Instant now) {
        IdentityProvider idp = provider.idp();
        OidcSettings oidc = provider.oidc();
        Optional<URI> endpoint = oidc.effective().authorization().flatMap(OidcSignInStarter::uri);
        if (endpoint.isEmpty()) {
            return pages.render(HttpStatus.BAD_GATEWAY, MessagePage.of(Text.of("unavailable.title"),
                    Text.of("unavailable.oidc"), Text.of("unavailable.admin")).forOrg(idp.org()));
        }
        if (oidc.tokenEndpointAuthMethod() == TokenEndpointAuthMethod.PRIVATE_KEY_JWT) {
            // normally assigned when the admin first reads the JWKS; never later than the sign-in needs it
            clientKeys.ensure(idp.id(), now);
        }
        Optional<String> nonce = oidc.oauth2Only() ? Optional.empty() : Optional.of(AuthorizationRequests.newNonce());
        Optional<String> verifier = oidc.pkce() == Pkce.DISABLED ? Optional.empty()
                : Optional.of(AuthorizationRequests.newCodeVerifier());
        SignInAttempt attempt = attempts.start(idp, nonce, verifier.map(v -> verifiers.seal(idp.id(), v)), login,
                now);
        SpEndpoints sp = directory.endpoints(idp);
        URI location = AuthorizationRequests.uri(new AuthorizationRequests.Params(endpoint.get(), oidc.clientId(),
                URI.create(sp.oidcRedirectUri()), oidc.scopes(), attempt.id(), nonce, verifier,
                oidc.pkce() == Pkce.PLAIN ? AuthorizationRequests.ChallengeMethod.PLAIN
                        : AuthorizationRequests.ChallengeMethod.S256,
                login.loginHint(), oidc.hostedDomain(), oidc.oauth2Only()));
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, location.toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    private static Optional<URI> uri(String value) {
        try {
            return Optional.of(URI.create(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
