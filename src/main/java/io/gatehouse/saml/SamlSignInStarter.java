package io.gatehouse.saml;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.Protocol;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.saml.SamlBinding;
import io.gatehouse.idp.saml.SamlEndpoint;
import io.gatehouse.idp.saml.SpKeys;
import io.gatehouse.saml.internal.AuthnRequestXml;
import io.gatehouse.signin.LoginRequest;
import io.gatehouse.signin.SignInAttempt;
import io.gatehouse.signin.SignInAttempts;
import io.gatehouse.signin.SignInOutcomes;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import org.w3c.dom.Document;

/**
 * Starts a SAML sign-in: records the attempt, writes the AuthnRequest (its ID is the attempt's
 * request id, RelayState the attempt's handle, never a URL) and sends it by the configured binding.
 */
@Component
class SamlSignInStarter implements io.gatehouse.signin.SignInStarter {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SignInAttempts attempts;
    private final SpKeys spKeys;
    private final IdentityProviders registry;

    SamlSignInStarter(SignInAttempts attempts, SpKeys spKeys, IdentityProviders registry) {
        this.attempts = attempts;
        this.spKeys = spKeys;
        this.registry = registry;
    }

    @Override
    public Protocol protocol() {
        return Protocol.SAML;
    }

    @Override
    public ResponseEntity<String> start(IdentityProvider idp, LoginRequest login, Instant now) {
        SamlSettings saml = (SamlSettings) idp.settings();
        SamlSettings.SamlOptions options = saml.options();
        Optional<SamlEndpoint> endpoint = saml.resolved().sso(options.ssoBinding())
                .or(() -> saml.resolved().ssoServices().stream()
                        .filter(e -> e.binding() == SamlBinding.HTTP_REDIRECT || e.binding() == SamlBinding.HTTP_POST)
                        .findFirst());
        if (endpoint.isEmpty()) {
            return SignInOutcomes.page(HttpStatus.BAD_GATEWAY, "Sign-in not available",
                    "<p>The identity provider has no single sign-on endpoint for HTTP-Redirect or HTTP-POST.</p>");
        }
        SignInAttempt attempt = attempts.start(idp, Optional.empty(), Optional.empty(), login.appContext(), now);
        SpEndpoints sp = SpEndpoints.of(registry.baseUrl(), idp.org(), idp.alias());
        Document request = AuthnRequestXml.document(new AuthnRequestXml.Request(attempt.requestId(), now,
                endpoint.get().location(), sp.acsUrl(), sp.entityId(), options.nameIdFormat(), options.forceAuthn(),
                !options.disableRequestedAuthnContext()));
        Optional<KeyAndCertificate> signer = Optional.empty();
        if (options.signAuthnRequests()) {
            // keys are normally assigned in the background right after creation; never send unsigned instead
            spKeys.ensure(idp.id(), now);
            signer = Optional.of(spKeys.active(idp.id(), SpKeys.Use.SIGNING)
                    .orElseThrow(() -> new IllegalStateException("no active SP signing key")));
        }
        if (endpoint.get().binding() == SamlBinding.HTTP_POST) {
            return postForm(endpoint.get().location(), AuthnRequestXml.postValue(request, signer,
                    options.signatureAlgorithm()), attempt.id());
        }
        String location = endpoint.get().location();
        String query = AuthnRequestXml.redirectQuery(request, attempt.id(), signer, options.signatureAlgorithm());
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, location + (location.contains("?") ? "&" : "?") + query)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    /** The HTTP-POST binding: a form the browser submits at once (a button when scripts are off). */
    static ResponseEntity<String> postForm(String action, String samlRequest, String relayState) {
        byte[] nonceBytes = new byte[16];
        RANDOM.nextBytes(nonceBytes);
        String nonce = Base64.getEncoder().encodeToString(nonceBytes);
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in</title></head>"
                + "<body><form method=\"post\" action=\"" + HtmlUtils.htmlEscape(action) + "\">"
                + "<input type=\"hidden\" name=\"SAMLRequest\" value=\"" + HtmlUtils.htmlEscape(samlRequest) + "\">"
                + "<input type=\"hidden\" name=\"RelayState\" value=\"" + HtmlUtils.htmlEscape(relayState) + "\">"
                + "<noscript><button type=\"submit\">Continue to sign in</button></noscript></form>"
                + "<script nonce=\"" + nonce + "\">document.forms[0].submit()</script></body></html>";
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML)
                .header("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; form-action "
                        + formAction(action) + "; frame-ancestors 'none'")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(html);
    }

    private static String formAction(String action) {
        java.net.URI uri = java.net.URI.create(action);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
