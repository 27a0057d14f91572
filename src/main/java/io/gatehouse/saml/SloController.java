package io.gatehouse.saml;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.SamlProvider;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.saml.SpKeys;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
import io.gatehouse.saml.internal.LogoutXml;
import io.gatehouse.saml.internal.SamlBindings;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.signin.SignInOutcomes;
import io.gatehouse.signin.SsoSessions;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.w3c.dom.Document;

/**
 * {@code GET|POST /sso/{org}/{alias}/saml/slo}: the IdP's LogoutRequest (checked by
 * {@link LogoutMessageValidator}; the subject's sessions end and a signed LogoutResponse answers)
 * and its LogoutResponse to ours (then {@code logout_redirect_url}).
 */
@RestController
class SloController {
    private static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
    private final ProviderDirectory directory;
    private final SsoSessions sessions;
    private final SpKeys spKeys;
    private final SignInOutcomes outcomes;
    private final Clock clock;
    private final LogoutMessageValidator validator = new LogoutMessageValidator();
    private final Pages pages;
    private final SamlSignOut signOut;

    SloController(ProviderDirectory directory, SsoSessions sessions, SpKeys spKeys, SignInOutcomes outcomes,
                  Clock clock, Pages pages, SamlSignOut signOut) {
        this.signOut = signOut;
        this.pages = pages;
        this.directory = directory;
        this.sessions = sessions;
        this.spKeys = spKeys;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @GetMapping("/sso/{org}/{alias}/saml/slo")
    ResponseEntity<String> redirectBinding(@PathVariable String org, @PathVariable String alias,
                                           HttpServletRequest request) {
        Optional<SamlProvider> idp = directory.saml(org, alias);
        if (idp.isEmpty()) {
            return notFound();
        }
        LogoutValidationResult result = validator.validateRedirect(request.getQueryString(), expectation(idp.get()));
        Optional<String> relayState = Optional.ofNullable(SamlBindings.rawParameters(request.getQueryString())
                .get("RelayState")).flatMap(SloController::decoded);
        return handle(idp.get(), result, relayState);
    }

    @PostMapping("/sso/{org}/{alias}/saml/slo")
    ResponseEntity<String> postBinding(@PathVariable String org, @PathVariable String alias,
                                       HttpServletRequest request) {
        Optional<SamlProvider> idp = directory.saml(org, alias);
        if (idp.isEmpty()) {
            return notFound();
        }
        LogoutValidationResult result = validator.validatePost(request.getParameter("SAMLRequest"),
                request.getParameter("SAMLResponse"), expectation(idp.get()));
        return handle(idp.get(), result, Optional.ofNullable(request.getParameter("RelayState")));
    }

    private LogoutExpectation expectation(SamlProvider provider) {
        SpEndpoints sp = directory.endpoints(provider.idp());
        return LogoutExpectation.of(provider.saml(), sp.entityId(), sp.sloUrl(), clock.instant());
    }

    private ResponseEntity<String> handle(SamlProvider provider, LogoutValidationResult result,
                                          Optional<String> relayState) {
        IdentityProvider idp = provider.idp();
        Instant now = clock.instant();
        return switch (result) {
            case LogoutValidationResult.Refused r -> refused(idp, r.reason(), r.detail());
            case LogoutValidationResult.LogoutAnswered answered ->
                    sessions.answersOurLogoutRequest(idp.id(), answered.inResponseTo()) ? outcomes.afterLogout(idp)
                            : refused(idp, RejectReason.SAML_IN_RESPONSE_TO_MISMATCH, "the LogoutResponse answers "
                                    + "no logout Gatehouse started (or one already answered)");
            case LogoutValidationResult.LogoutRequested requested -> endSessions(provider, requested, relayState, now);
        };
    }

    private ResponseEntity<String> endSessions(SamlProvider provider, LogoutValidationResult.LogoutRequested requested,
                                               Optional<String> relayState, Instant now) {
        IdentityProvider idp = provider.idp();
        SamlSettings saml = provider.saml();
        int ended = 0;
        if (requested.sessionIndexes().isEmpty()) {
            ended = sessions.endBySubject(idp.id(), requested.nameId(), Optional.empty(), now);
        }
        for (String index : requested.sessionIndexes()) {
            ended += sessions.endBySubject(idp.id(), requested.nameId(), Optional.of(index), now);
        }
        outcomes.signedOut(idp, new SsoSessions.SsoSession("", idp.org(), idp.id(), requested.nameId(),
                Optional.empty(), Optional.empty(), now), ended > 0 ? "sign_out.idp_initiated" : "sign_out.idp_initiated_no_session");
        if (saml.resolved().slo().isEmpty()) {
            return outcomes.afterLogout(idp);
        }
        Document answer = LogoutXml.response(RandomTokens.samlId(), now,
                saml.resolved().slo().get().responseLocation().orElse(saml.resolved().slo().get().location()),
                directory.endpoints(idp).entityId(), requested.requestId(), SUCCESS);
        spKeys.ensure(idp.id(), now);
        // the IdP's RelayState goes back with its answer, as the bindings require
        return signOut.send(saml.resolved().slo().get(), "SAMLResponse", answer,
                spKeys.active(idp.id(), SpKeys.Use.SIGNING), saml, relayState.filter(r -> r.length() <= 512));
    }

    private static Optional<String> decoded(String raw) {
        try {
            return Optional.of(SamlBindings.decoded(raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private ResponseEntity<String> refused(IdentityProvider idp, RejectReason reason, String detail) {
        return outcomes.logoutRefused(idp, new SignInFailure(reason, detail));
    }

    private ResponseEntity<String> notFound() {
        return pages.render(HttpStatus.NOT_FOUND, MessagePage.of(Text.of("notfound.title"), Text.of("notfound.endpoint")));
    }
}
