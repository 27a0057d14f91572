package io.gatehouse.saml;

import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.idp.saml.SpKeys;
import io.gatehouse.saml.internal.Checked;
import io.gatehouse.saml.internal.LogoutXml;
import io.gatehouse.saml.internal.SamlBindings;
import io.gatehouse.saml.internal.SignatureVerifier;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.signin.SignInOutcomes;
import io.gatehouse.signin.SsoSessions;
import io.gatehouse.xml.SecureXml;
import io.gatehouse.xml.XmlRejected;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.w3c.dom.Document;

/**
 * {@code GET|POST /sso/{org}/{alias}/saml/slo}: the IdP's LogoutRequest (validated like a response:
 * signature with the configured certificates, issuer, destination; answered with a signed
 * LogoutResponse) and its LogoutResponse to ours (then {@code logout_redirect_url}).
 */
@RestController
class SloController {
    private static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
    private final IdentityProviders registry;
    private final SsoSessions sessions;
    private final SpKeys spKeys;
    private final SignInOutcomes outcomes;
    private final Clock clock;

    SloController(IdentityProviders registry, SsoSessions sessions, SpKeys spKeys, SignInOutcomes outcomes,
                  Clock clock) {
        this.registry = registry;
        this.sessions = sessions;
        this.spKeys = spKeys;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @GetMapping("/sso/{org}/{alias}/saml/slo")
    ResponseEntity<String> redirectBinding(@PathVariable String org, @PathVariable String alias,
                                           HttpServletRequest request) {
        Optional<IdentityProvider> idp = samlIdp(org, alias);
        if (idp.isEmpty()) {
            return notFound();
        }
        Map<String, String> raw = SamlBindings.rawParameters(request.getQueryString());
        String parameter = raw.containsKey("SAMLRequest") ? "SAMLRequest" : "SAMLResponse";
        if (!raw.containsKey(parameter)) {
            return refused(idp.get(), "saml.logout_malformed", "No logout message was sent", "");
        }
        Optional<Document> doc = SamlBindings.inflate(SamlBindings.decoded(raw.get(parameter))).flatMap(SloController::parse);
        if (doc.isEmpty()) {
            return refused(idp.get(), "saml.logout_malformed", "The logout message could not be read", "");
        }
        SamlSettings saml = (SamlSettings) idp.get().settings();
        boolean signed = raw.containsKey("Signature");
        boolean verified = signed && SamlBindings.redirectSignatureVerifies(raw, parameter, pinned(saml),
                saml.options().allowSha1());
        Optional<String> relayState = Optional.ofNullable(raw.get("RelayState")).map(SamlBindings::decoded);
        return handle(idp.get(), doc.get(), signed, verified, relayState);
    }

    @PostMapping("/sso/{org}/{alias}/saml/slo")
    ResponseEntity<String> postBinding(@PathVariable String org, @PathVariable String alias,
                                       HttpServletRequest request) {
        Optional<IdentityProvider> idp = samlIdp(org, alias);
        if (idp.isEmpty()) {
            return notFound();
        }
        String message = Optional.ofNullable(request.getParameter("SAMLRequest"))
                .orElse(request.getParameter("SAMLResponse"));
        Optional<Document> doc = Optional.ofNullable(message).flatMap(m -> {
            try {
                return Optional.of(Base64.getMimeDecoder().decode(m));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }).flatMap(SloController::parse);
        if (doc.isEmpty()) {
            return refused(idp.get(), "saml.logout_malformed", "The logout message could not be read", "");
        }
        Optional<LogoutXml.Incoming> incoming = LogoutXml.read(doc.get());
        if (incoming.isEmpty()) {
            return refused(idp.get(), "saml.logout_malformed", "The message is not a LogoutRequest or LogoutResponse", "");
        }
        SamlSettings saml = (SamlSettings) idp.get().settings();
        SpEndpoints sp = sp(idp.get());
        SamlExpectation trust = SamlExpectation.of(saml, sp.entityId(), sp.sloUrl(), Optional.empty(), List.of(),
                clock.instant());
        boolean signed;
        boolean verified;
        switch (SignatureVerifier.verify(incoming.get().root(), incoming.get().kind(), trust)) {
            case Checked.Failed<Optional<X509Certificate>> f -> {
                signed = true;
                verified = false;
            }
            case Checked.Passed<Optional<X509Certificate>>(Optional<X509Certificate> signer) -> {
                signed = signer.isPresent();
                verified = signer.isPresent();
            }
        }
        return handle(idp.get(), doc.get(), signed, verified, Optional.ofNullable(request.getParameter("RelayState")));
    }

    private ResponseEntity<String> handle(IdentityProvider idp, Document doc, boolean signed, boolean verified,
                                          Optional<String> relayState) {
        Instant now = clock.instant();
        Optional<LogoutXml.Incoming> read = LogoutXml.read(doc);
        if (read.isEmpty()) {
            return refused(idp, "saml.logout_malformed", "The message is not a LogoutRequest or LogoutResponse", "");
        }
        LogoutXml.Incoming message = read.get();
        SamlSettings saml = (SamlSettings) idp.settings();
        SpEndpoints sp = sp(idp);
        if (signed && !verified) {
            return refused(idp, "saml.signature_invalid", "The logout message's signature does not verify with the"
                    + " identity provider's certificates", message.kind());
        }
        // a LogoutRequest ends sessions, so it must be signed; an unsigned LogoutResponse only ends a redirect
        if (message.kind().equals("LogoutRequest") && !verified) {
            return refused(idp, "saml.signature_missing", "The identity provider's LogoutRequest is not signed",
                    "sign logout requests at the identity provider");
        }
        Optional<String> issuerMismatch = saml.resolved().entityId()
                .filter(expected -> !message.issuer().map(expected::equals).orElse(false));
        if (issuerMismatch.isPresent()) {
            return refused(idp, "saml.issuer_mismatch", "The logout message comes from another issuer",
                    "issuer " + message.issuer().orElse("(none)"));
        }
        if (message.destination().isPresent() && !message.destination().get().equals(sp.sloUrl())) {
            return refused(idp, "saml.destination_mismatch", "The logout message was sent to another destination",
                    "destination " + message.destination().get());
        }
        if (message.kind().equals("LogoutResponse")) {
            if (message.inResponseTo().isEmpty()
                    || !sessions.answersOurLogoutRequest(idp.id(), message.inResponseTo().get())) {
                return refused(idp, "saml.in_response_to_mismatch", "The LogoutResponse answers no logout we started",
                        "");
            }
            return outcomes.afterLogout(idp);
        }
        int skew = saml.options().clockSkewSeconds();
        if (message.notOnOrAfter().map(t -> !now.isBefore(t.plusSeconds(skew))).orElse(false)) {
            return refused(idp, "saml.expired", "The LogoutRequest has expired", "");
        }
        if (message.nameId().isEmpty()) {
            return refused(idp, "saml.subject_missing", "The LogoutRequest names no subject", "");
        }
        int ended = 0;
        if (message.sessionIndexes().isEmpty()) {
            ended = sessions.endBySubject(idp.id(), message.nameId().get(), Optional.empty(), now);
        }
        for (String index : message.sessionIndexes()) {
            ended += sessions.endBySubject(idp.id(), message.nameId().get(), Optional.of(index), now);
        }
        outcomes.signedOut(idp, new SsoSessions.SsoSession("", idp.org(), idp.id(), message.nameId().get(),
                Optional.empty(), Optional.empty(), now), ended > 0 ? "sign_out.idp_initiated" : "sign_out.idp_initiated_no_session");
        if (saml.resolved().slo().isEmpty()) {
            return outcomes.afterLogout(idp);
        }
        Document answer = LogoutXml.response(RandomTokens.samlId(), now,
                saml.resolved().slo().get().responseLocation().orElse(saml.resolved().slo().get().location()),
                sp.entityId(), message.id(), SUCCESS);
        spKeys.ensure(idp.id(), now);
        ResponseEntity<String> sent = SamlSignOut.send(saml.resolved().slo().get(), "SAMLResponse", answer,
                spKeys.active(idp.id(), SpKeys.Use.SIGNING), saml);
        return relayState.filter(r -> r.length() <= 512).map(r -> withRelayState(sent, r)).orElse(sent);
    }

    /** The IdP's RelayState goes back with its answer, as the bindings require. */
    private static ResponseEntity<String> withRelayState(ResponseEntity<String> sent, String relayState) {
        String location = sent.getHeaders().getFirst("Location");
        if (location != null) {
            return ResponseEntity.status(sent.getStatusCode()).headers(h -> {
                h.putAll(sent.getHeaders());
                h.set("Location", location + "&RelayState=" + java.net.URLEncoder.encode(relayState,
                        java.nio.charset.StandardCharsets.UTF_8));
            }).build();
        }
        String body = sent.getBody() == null ? "" : sent.getBody().replace("</form>",
                "<input type=\"hidden\" name=\"RelayState\" value=\""
                        + org.springframework.web.util.HtmlUtils.htmlEscape(relayState) + "\"></form>");
        return ResponseEntity.status(sent.getStatusCode()).headers(sent.getHeaders()).body(body);
    }

    private ResponseEntity<String> refused(IdentityProvider idp, String code, String title, String detail) {
        return outcomes.logoutRefused(idp, new SignInFailure(code, title, "", detail));
    }

    private Optional<IdentityProvider> samlIdp(String org, String alias) {
        return registry.lookup(org, alias)
                .filter(i -> i.settings() instanceof SamlSettings);
    }

    private SpEndpoints sp(IdentityProvider idp) {
        return SpEndpoints.of(registry.baseUrl(), idp.org(), idp.alias());
    }

    private static ResponseEntity<String> notFound() {
        return SignInOutcomes.page(HttpStatus.NOT_FOUND, "No such sign-in", "<p>This endpoint is not valid.</p>");
    }

    /** The certificates an HTTP-Redirect signature may be checked with: fingerprint trust has none to offer. */
    private static List<X509Certificate> pinned(SamlSettings saml) {
        List<X509Certificate> out = new ArrayList<>();
        if (saml.resolved().trust() instanceof SamlSettings.CertificateTrust.Pinned p) {
            for (String pem : p.certificatesPem()) {
                try {
                    out.add(io.gatehouse.crypto.Certificates.parse(pem));
                } catch (io.gatehouse.crypto.CertificateParseException e) {
                    // stored certificates parsed on save; skip one that no longer does
                }
            }
        }
        return out;
    }

    private static Optional<Document> parse(byte[] xml) {
        try {
            return Optional.of(SecureXml.parse(xml, SamlBindings.MAX_INFLATED_BYTES));
        } catch (XmlRejected e) {
            return Optional.empty();
        }
    }

}
