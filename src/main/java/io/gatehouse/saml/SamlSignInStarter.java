package io.gatehouse.saml;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.SamlProvider;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.saml.SamlBinding;
import io.gatehouse.idp.saml.SamlEndpoint;
import io.gatehouse.idp.saml.SpKeys;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
import io.gatehouse.saml.internal.AuthnRequestXml;
import io.gatehouse.saml.internal.SamlBindings;
import io.gatehouse.signin.LoginRequest;
import io.gatehouse.signin.SignInAttempt;
import io.gatehouse.signin.SignInAttempts;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.signin.SignInOutcomes;
import io.gatehouse.signin.SignInStarter;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.w3c.dom.Document;

/**
 * Starts a SAML sign-in: records the attempt, writes the AuthnRequest (its ID is the attempt's
 * request id, RelayState the attempt's handle, never a URL) and sends it by the configured binding.
 */
@Component
class SamlSignInStarter implements SignInStarter<SamlProvider> {
    private final SignInAttempts attempts;
    private final SpKeys spKeys;
    private final ProviderDirectory directory;
    private final Pages pages;
    private final PostForm postForm;

    SamlSignInStarter(SignInAttempts attempts, SpKeys spKeys, ProviderDirectory directory, Pages pages,
                      PostForm postForm) {
        this.postForm = postForm;
        this.pages = pages;
        this.attempts = attempts;
        this.spKeys = spKeys;
        this.directory = directory;
    }

    /** Also the SP's own active keys: they sign the requests and decrypt the assertions. */
    @Override
    public Optional<SignInFailure> unavailableSecret(SamlProvider provider) {
        return SignInStarter.super.unavailableSecret(provider).or(() -> spKeys.unopenableActiveKey(provider.idp().id())
                .map(keyId -> SignInFailure.secretUnavailable("SAML SP private key", keyId)));
    }

    @Override
    public ResponseEntity<String> start(SamlProvider provider, LoginRequest login, Instant now) {
        IdentityProvider idp = provider.idp();
        SamlSettings saml = provider.saml();
        SamlSettings.SamlOptions options = saml.options();
        Optional<SamlEndpoint> endpoint = saml.resolved().sso(options.ssoBinding())
                .or(() -> saml.resolved().ssoServices().stream()
                        .filter(e -> e.binding() == SamlBinding.HTTP_REDIRECT || e.binding() == SamlBinding.HTTP_POST)
                        .findFirst());
        if (endpoint.isEmpty()) {
            return pages.render(HttpStatus.BAD_GATEWAY, MessagePage.of(Text.of("unavailable.title"),
                    Text.of("unavailable.saml"), Text.of("unavailable.admin")).forOrg(idp.org()));
        }
        SignInAttempt attempt = attempts.start(idp, Optional.empty(), Optional.empty(), login, now);
        SpEndpoints sp = directory.endpoints(idp);
        Document request = AuthnRequestXml.document(new AuthnRequestXml.Request(attempt.requestId(), now,
                endpoint.get().location(), sp.acsUrl(), sp.entityId(), options.nameIdFormat(), options.forceAuthn(),
                !options.disableRequestedAuthnContext()));
        Optional<KeyAndCertificate> signer = Optional.empty();
        if (saml.signsAuthnRequests()) {
            // keys are normally assigned in the background right after creation; never send unsigned instead
            spKeys.ensure(idp.id(), now);
            signer = Optional.of(spKeys.active(idp.id(), SpKeys.Use.SIGNING)
                    .orElseThrow(() -> new IllegalStateException("no active SP signing key")));
        }
        if (endpoint.get().binding() == SamlBinding.HTTP_POST) {
            return postForm.of(endpoint.get().location(), "SAMLRequest", SamlBindings.postValue(request, signer,
                    options.signatureAlgorithm()), Optional.of(attempt.id()));
        }
        String location = endpoint.get().location();
        String query = SamlBindings.redirectQuery("SAMLRequest", request, attempt.id(), signer,
                options.signatureAlgorithm());
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, location + (location.contains("?") ? "&" : "?") + query)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

}
