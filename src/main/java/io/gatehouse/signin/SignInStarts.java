package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.OidcProvider;
import io.gatehouse.idp.ProviderView;
import io.gatehouse.idp.SamlProvider;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** Starts a sign-in at an identity provider with the starter of its protocol. */
@Component
public class SignInStarts {
    private final SignInStarter<SamlProvider> saml;
    private final SignInStarter<OidcProvider> oidc;
    private final SignInOutcomes outcomes;

    SignInStarts(SignInStarter<SamlProvider> saml, SignInStarter<OidcProvider> oidc, SignInOutcomes outcomes) {
        this.saml = saml;
        this.oidc = oidc;
        this.outcomes = outcomes;
    }

    /** Starts there, unless the provider needs a secret that cannot be opened: then 503, with the reason. */
    public ResponseEntity<String> start(ProviderView provider, LoginRequest login, Instant now) {
        return switch (provider) {
            case SamlProvider p -> start(saml, p, login, now);
            case OidcProvider p -> start(oidc, p, login, now);
        };
    }

    private <P extends ProviderView> ResponseEntity<String> start(SignInStarter<P> starter, P provider,
                                                                  LoginRequest login, Instant now) {
        IdentityProvider idp = provider.idp();
        return starter.unavailableSecret(provider)
                .map(lost -> outcomes.failed(idp.org(), Optional.of(idp), idp.alias().value(), lost,
                        HttpStatus.SERVICE_UNAVAILABLE))
                .orElseGet(() -> starter.start(provider, login, now));
    }
}
