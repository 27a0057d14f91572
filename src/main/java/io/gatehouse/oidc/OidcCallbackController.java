package io.gatehouse.oidc;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.OidcProvider;
import io.gatehouse.idp.OidcSettings;
import io.gatehouse.idp.Protocol;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.oidc.internal.IdTokenVerifier;
import io.gatehouse.oidc.internal.Outcome;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInAttempt;
import io.gatehouse.signin.SignInAttempts;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.signin.SignInOutcomes;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /sso/{org}/{alias}/oidc/callback}: the provider's answer. The attempt named by
 * {@code state} is claimed once (and must belong to this provider), the issuer identified (RFC
 * 9207), then the code redeemed and the tokens judged; every refusal is an event with its code.
 */
@RestController
class OidcCallbackController {
    private static final int MAX_PARAM = 2048;
    private final ProviderDirectory directory;
    private final SignInAttempts attempts;
    private final SignInOutcomes outcomes;
    private final OidcRelyingParty relyingParty;
    private final PkceVerifiers verifiers;
    private final OidcSignInStarter starter;
    private final Clock clock;
    private final Pages pages;

    OidcCallbackController(ProviderDirectory directory, SignInAttempts attempts, SignInOutcomes outcomes,
                           OidcRelyingParty relyingParty, PkceVerifiers verifiers, OidcSignInStarter starter,
                           Clock clock, Pages pages) {
        this.pages = pages;
        this.starter = starter;
        this.directory = directory;
        this.attempts = attempts;
        this.outcomes = outcomes;
        this.relyingParty = relyingParty;
        this.verifiers = verifiers;
        this.clock = clock;
    }

    @GetMapping("/sso/{org}/{alias}/oidc/callback")
    ResponseEntity<String> callback(@PathVariable String org, @PathVariable String alias,
                                    @RequestParam(name = "state", required = false) String state,
                                    @RequestParam(name = "code", required = false) String code,
                                    @RequestParam(name = "iss", required = false) String iss,
                                    @RequestParam(name = "error", required = false) String error,
                                    @RequestParam(name = "error_description", required = false) String errorDescription) {
        Instant now = clock.instant();
        Optional<OidcProvider> provider = directory.oidc(org, alias);
        Optional<IdentityProvider> found = provider.map(OidcProvider::idp);
        Optional<SignInAttempt> attempt = Optional.empty();
        if (found.isPresent() && !found.get().active()) {
            // a draft or inactive provider answers only its own test sign-ins
            attempt = claim(state, now).filter(a -> a.testSignIn().isPresent() && a.idpId().equals(found.get().id()));
            if (attempt.isEmpty()) {
                return notFound();
            }
        }
        if (found.isEmpty()) {
            return notFound();
        }
        IdentityProvider idp = found.get();
        Optional<SignInFailure> lost = starter.unavailableSecret(provider.get());
        if (lost.isPresent()) {
            return outcomes.failed(idp, lost.get(), attempt, HttpStatus.SERVICE_UNAVAILABLE);
        }
        OidcSettings oidc = provider.get().oidc();
        if (idp.active()) {
            attempt = claim(state, now);
        }
        if (error != null) {
            // the attempt is spent either way: an error answer ends the sign-in it belongs to
            return refuse(idp, attempt, "access_denied".equals(error) ? RejectReason.OIDC_ACCESS_DENIED
                    : RejectReason.OIDC_IDP_ERROR, "the provider answered error=" + printable(error)
                    + (errorDescription == null ? "" : ": " + printable(errorDescription)));
        }
        if (attempt.isEmpty()) {
            return refuse(idp, attempt, RejectReason.OIDC_STATE_UNKNOWN, state == null ? "the answer carries no state"
                    : "no open sign-in has this state (unknown, expired or already used)");
        }
        if (!attempt.get().idpId().equals(idp.id()) || attempt.get().protocol() != Protocol.OIDC) {
            return refuse(idp, attempt, RejectReason.OIDC_STATE_MISMATCH,
                    "the state belongs to a sign-in started at another identity provider");
        }
        String issuer = OidcRelyingParty.expectedIssuer(idp, oidc);
        if (iss != null && !IdTokenVerifier.issuerMatches(issuer, iss)) {
            // RFC 9207: the answer names another issuer, so its code must not be sent to our token endpoint
            return refuse(idp, attempt, RejectReason.OIDC_ISS_MISMATCH, "the answer's iss parameter is "
                    + printable(iss) + "; expected " + issuer);
        }
        if (iss == null && oidc.discovered().map(OidcSettings.Discovered::authorizationResponseIssParameterSupported)
                .orElse(false)) {
            return refuse(idp, attempt, RejectReason.OIDC_ISS_MISSING,
                    "the provider announces authorization_response_iss_parameter_supported, yet sent no iss");
        }
        if (code == null || code.isBlank() || code.length() > MAX_PARAM) {
            return refuse(idp, attempt, RejectReason.OIDC_CODE_MISSING, "the answer carries no (usable) code");
        }
        Optional<String> verifier = Optional.empty();
        if (attempt.get().codeVerifier().isPresent()) {
            verifier = verifiers.open(idp.id(), attempt.get().codeVerifier().get());
            if (verifier.isEmpty()) {
                return refuse(idp, attempt, RejectReason.OIDC_STATE_MISMATCH,
                        "the sign-in's PKCE verifier does not open for this identity provider");
            }
        }
        URI redirectUri = URI.create(directory.endpoints(idp).oidcRedirectUri());
        Outcome<BrokeredIdentity> result = relyingParty.finish(provider.get(), code, attempt.get().nonce(), verifier,
                redirectUri, attempt.get().createdAt(), now);
        return switch (result) {
            case Outcome.Passed<BrokeredIdentity> p -> outcomes.succeeded(idp, p.value(), attempt);
            case Outcome.Refused<BrokeredIdentity> r -> refuse(idp, attempt, r.reason(), r.detail());
        };
    }

    private Optional<SignInAttempt> claim(String state, Instant now) {
        return Optional.ofNullable(state).filter(s -> s.length() <= 64).flatMap(s -> attempts.claim(s, now));
    }

    /** The same answer for unknown, draft and inactive providers. */
    private ResponseEntity<String> notFound() {
        return pages.render(HttpStatus.NOT_FOUND, MessagePage.of(Text.of("notfound.title"), Text.of("notfound.endpoint")));
    }

    private ResponseEntity<String> refuse(IdentityProvider idp, Optional<SignInAttempt> attempt, RejectReason reason,
                                          String detail) {
        return outcomes.failed(idp, new SignInFailure(reason, detail), attempt, HttpStatus.FORBIDDEN);
    }

    private static String printable(String text) {
        String s = text.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
