package io.gatehouse.saml;

import io.gatehouse.crypto.PrivateKeys;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.SamlProvider;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SigningKeyRefresh;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.saml.SpKeys;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInAttempt;
import io.gatehouse.signin.SignInAttempts;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.signin.SignInOutcomes;
import io.gatehouse.tenancy.OrgId;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /sso/{org}/{alias}/saml/acs}: the IdP's answer. The sign-in attempt is claimed once,
 * the Response validated against this IdP's configuration only, the assertion ID recorded against
 * replay, and the identity handed on; every refusal becomes an event with its reason code.
 */
@RestController
class AcsController {
    private static final int MAX_RELAY_STATE = 80;
    private final ProviderDirectory directory;
    private final SigningKeyRefresh signingKeys;
    private final SignInAttempts attempts;
    private final SpKeys spKeys;
    private final SamlSignInStarter starter;
    private final AssertionReplayCache replays;
    private final SignInOutcomes outcomes;
    private final SamlResponseValidator validator = new SamlResponseValidator();
    private final Clock clock;
    private final Pages pages;

    AcsController(ProviderDirectory directory, SigningKeyRefresh signingKeys, SignInAttempts attempts, SpKeys spKeys,
                  SamlSignInStarter starter, AssertionReplayCache replays, SignInOutcomes outcomes, Clock clock, Pages pages) {
        this.pages = pages;
        this.directory = directory;
        this.signingKeys = signingKeys;
        this.attempts = attempts;
        this.spKeys = spKeys;
        this.starter = starter;
        this.replays = replays;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @PostMapping("/sso/{org}/{alias}/saml/acs")
    ResponseEntity<String> acs(@PathVariable String org, @PathVariable String alias,
                               @RequestParam(name = "SAMLResponse", required = false) String samlResponse,
                               @RequestParam(name = "RelayState", required = false) String relayState) {
        Instant now = clock.instant();
        Optional<OrgId> orgId = OrgId.parse(org);
        Optional<SamlProvider> provider = directory.saml(org, alias);
        Optional<IdentityProvider> found = provider.map(SamlProvider::idp);
        Optional<SignInAttempt> attempt = Optional.empty();
        if (found.isPresent() && !found.get().active()) {
            // a draft or inactive provider answers only its own test sign-ins (never an app, nor IdP-initiated)
            attempt = claim(relayState, now).filter(a -> a.testSignIn().isPresent() && a.idpId().equals(found.get().id()));
            if (attempt.isEmpty()) {
                return notFound();
            }
        }
        if (orgId.isEmpty() || found.isEmpty()) {
            return notFound();
        }
        IdentityProvider idp = found.get();
        Optional<SignInFailure> lost = starter.unavailableSecret(provider.get());
        if (lost.isPresent()) {
            return outcomes.failed(idp, lost.get(), attempt, HttpStatus.SERVICE_UNAVAILABLE);
        }
        if (samlResponse == null || samlResponse.isBlank()) {
            return outcomes.failed(idp, SignInFailure.of(RejectReason.SAML_RESPONSE_MISSING), attempt,
                    HttpStatus.FORBIDDEN);
        }
        if (idp.active()) {
            attempt = claim(relayState, now);
        }
        if (attempt.isPresent() && !attempt.get().idpId().equals(idp.id())) {
            return outcomes.failed(idp, SignInFailure.of(RejectReason.SIGNIN_ATTEMPT_MISMATCH), attempt,
                    HttpStatus.FORBIDDEN);
        }
        SamlSettings saml = provider.get().saml();
        if (attempt.isEmpty() && relayState != null && !relayState.isEmpty() && !saml.options().allowIdpInitiated()) {
            return outcomes.failed(idp.org(), found, alias, SignInFailure.of(RejectReason.SIGNIN_ATTEMPT_UNKNOWN));
        }
        SamlValidationResult result = validate(provider.get(), samlResponse, attempt, now);
        if (result instanceof SamlValidationResult.Rejected rejected
                && rejected.reason() == RejectReason.SAML_CERTIFICATE_UNTRUSTED) {
            // the IdP may have rotated its key: re-read its metadata once (rate-limited), then judge again
            Optional<SamlProvider> refreshed = signingKeys.refreshSigningKeys(provider.get(), now);
            if (refreshed.isPresent()) {
                idp = refreshed.get().idp();
                result = validate(refreshed.get(), samlResponse, attempt, now);
            }
        }
        return switch (result) {
            case SamlValidationResult.Rejected r -> outcomes.failed(idp, new SignInFailure(r.reason(), r.detail()),
                    attempt, HttpStatus.FORBIDDEN);
            case SamlValidationResult.Accepted a -> {
                if (!replays.firstUse(idp.id(), a.identity().assertionId(), a.identity().expiresAt(), now)) {
                    yield outcomes.failed(idp, new SignInFailure(RejectReason.SAML_REPLAYED,
                            "assertion " + a.identity().assertionId()), attempt, HttpStatus.FORBIDDEN);
                }
                yield outcomes.succeeded(idp, brokered(idp, a.identity()), attempt);
            }
        };
    }

    private Optional<SignInAttempt> claim(String relayState, Instant now) {
        return Optional.ofNullable(relayState).filter(r -> r.length() <= MAX_RELAY_STATE)
                .flatMap(r -> attempts.claim(r, now));
    }

    /** The same answer for unknown, draft and inactive: which companies use which IdP is nobody's business. */
    private ResponseEntity<String> notFound() {
        return pages.render(HttpStatus.NOT_FOUND, MessagePage.of(Text.of("notfound.title"), Text.of("notfound.endpoint")));
    }

    private SamlValidationResult validate(SamlProvider provider, String samlResponse, Optional<SignInAttempt> attempt,
                                          Instant now) {
        IdentityProvider idp = provider.idp();
        SamlSettings saml = provider.saml();
        SpEndpoints sp = directory.endpoints(idp);
        // only existing keys matter here: nothing can have been encrypted to a key not yet made
        List<PrivateKey> keys = new ArrayList<>(spKeys.privateKeys(idp.id(), SpKeys.Use.ENCRYPTION));
        idp.secrets().decryptionPrivateKey().ifPresent(k -> keys.add(PrivateKeys.parsePem(k.value())));
        SamlExpectation expected = SamlExpectation.of(saml, idp.mappers(), sp.entityId(), sp.acsUrl(),
                attempt.map(a -> new SamlExpectation.SentRequest(a.requestId(), a.createdAt())), keys, now);
        return validator.validate(samlResponse, expected);
    }

    static BrokeredIdentity brokered(IdentityProvider idp, SamlIdentity s) {
        Optional<String> name = s.firstName().isPresent() || s.lastName().isPresent()
                ? Optional.of((s.firstName().orElse("") + " " + s.lastName().orElse("")).strip()) : Optional.empty();
        return new BrokeredIdentity(idp.org(), idp.id(), idp.alias(), idp.settings().protocol(), s.nameId(),
                Optional.of(s.nameIdFormat()), s.sessionIndex(), s.email(), Optional.empty(), s.firstName(),
                s.lastName(), name, s.groups(), s.attributes(), s.issuedAt());
    }
}
