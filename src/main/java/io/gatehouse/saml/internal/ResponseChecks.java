package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;
import static io.gatehouse.saml.internal.SamlDom.PROTOCOL;

import io.gatehouse.saml.SamlExpectation;
import io.gatehouse.saml.SamlValidationResult.Rejected;
import io.gatehouse.signin.RejectReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.w3c.dom.Element;

/** Checks of the Response element itself: status, issuer, destination and the request it answers. */
public final class ResponseChecks {
    static final String ENTITY_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

    private ResponseChecks() {
    }

    /** Step 4: a top-level status other than Success ends the sign-in, with the IdP's codes in the detail. */
    public static Optional<Rejected> status(Element response) {
        Element status = SamlDom.child(response, PROTOCOL, "Status").orElseThrow();
        Optional<Element> code = SamlDom.child(status, PROTOCOL, "StatusCode");
        String value = code.map(c -> c.getAttributeNS(null, "Value")).orElse("");
        if (SamlDom.STATUS_SUCCESS.equals(value)) {
            return Optional.empty();
        }
        String second = code.flatMap(c -> SamlDom.child(c, PROTOCOL, "StatusCode"))
                .map(c -> ", " + SamlDom.quote(c.getAttributeNS(null, "Value"))).orElse("");
        return Optional.of(new Rejected(RejectReason.SAML_STATUS_NOT_SUCCESS,
                "status " + SamlDom.quote(value) + second));
    }

    public static Optional<Rejected> issuer(Element response, SamlExpectation expected) {
        Optional<Element> element = SamlDom.child(response, ASSERTION, "Issuer");
        Optional<Rejected> format = element.flatMap(e -> issuerFormat(e, "Response"));
        if (format.isPresent()) {
            return format;
        }
        return element.map(SamlDom::text)
                .filter(issuer -> expected.idpEntityId().filter(e -> !issuer.equals(e)).isPresent())
                .map(issuer -> new Rejected(RejectReason.SAML_ISSUER_MISMATCH, "the Response issuer "
                        + SamlDom.quote(issuer) + " is not " + SamlDom.quote(expected.idpEntityId().orElseThrow())));
    }

    /**
     * A logout message's Issuer: named by entity ID, and, when the IdP's entity ID is known, present
     * and exactly that (SAML profiles 4.4.4.1, 4.4.4.2).
     */
    public static Optional<Rejected> issuer(Element message, String what, Optional<String> idpEntityId) {
        Optional<Element> element = SamlDom.child(message, ASSERTION, "Issuer");
        Optional<Rejected> format = element.flatMap(e -> issuerFormat(e, what));
        if (format.isPresent() || idpEntityId.isEmpty()) {
            return format;
        }
        Optional<String> issuer = element.map(SamlDom::text);
        return issuer.filter(idpEntityId.get()::equals).isPresent() ? Optional.empty()
                : Optional.of(new Rejected(RejectReason.SAML_ISSUER_MISMATCH, "the " + what + " issuer "
                        + issuer.map(SamlDom::quote).orElse("(none)") + " is not " + SamlDom.quote(idpEntityId.get())));
    }

    /** An Issuer names its IdP by entity ID: the Format is left out or says so (SAML profiles 4.1.4.2). */
    static Optional<Rejected> issuerFormat(Element issuer, String where) {
        if (!issuer.hasAttributeNS(null, "Format")) {
            return Optional.empty();
        }
        String format = issuer.getAttributeNS(null, "Format");
        return format.equals(ENTITY_FORMAT) ? Optional.empty()
                : Optional.of(new Rejected(RejectReason.SAML_ISSUER_FORMAT_REFUSED, "the " + where
                        + " Issuer's Format is " + SamlDom.quote(format) + ", not " + SamlDom.quote(ENTITY_FORMAT)));
    }

    /**
     * The Destination may be absent on an unsigned message, never on a signed one (SAML bindings
     * 3.4.5.2, 3.5.5.2); present, it is exactly our endpoint, and an empty one is not.
     */
    public static Optional<Rejected> destination(Element message, String what, boolean signed, String endpoint) {
        if (!message.hasAttributeNS(null, "Destination")) {
            return signed ? Optional.of(new Rejected(RejectReason.SAML_DESTINATION_MISSING,
                    "the signed " + what + " has no Destination")) : Optional.empty();
        }
        String destination = message.getAttributeNS(null, "Destination");
        return destination.equals(endpoint) ? Optional.empty()
                : Optional.of(new Rejected(RejectReason.SAML_DESTINATION_MISMATCH, "the " + what + " is addressed to "
                        + SamlDom.quote(destination) + ", not " + SamlDom.quote(endpoint)));
    }

    /**
     * The IssueInstant of a Response, an Assertion or a logout message: not beyond the clock skew in
     * the future, and not before the request it answers was sent (less the skew) or, with no request
     * to answer, not older than {@link SamlExpectation#UNSOLICITED_MAX_AGE}.
     */
    public static Optional<Rejected> issueInstant(Element message, String what, Optional<Instant> requestSentAt,
                                                  Instant now, int clockSkewSeconds) {
        Optional<Instant> issued = SamlDom.attribute(message, "IssueInstant").flatMap(Times::parse);
        if (issued.isEmpty()) {
            return Optional.of(new Rejected(RejectReason.SAML_MALFORMED, "the " + what + " has no valid IssueInstant"));
        }
        Duration skew = Duration.ofSeconds(clockSkewSeconds);
        Instant at = issued.get();
        if (Times.notYetValid(at, now, skew)) {
            return Optional.of(new Rejected(RejectReason.SAML_ISSUED_IN_FUTURE, "the " + what + " was issued at " + at
                    + "; it is now " + now + " (clock skew allowed: " + clockSkewSeconds + " s)"));
        }
        if (requestSentAt.isPresent()) {
            return at.isBefore(requestSentAt.get().minus(skew))
                    ? Optional.of(new Rejected(RejectReason.SAML_ISSUED_BEFORE_REQUEST, "the " + what
                            + " was issued at " + at + ", before the request it answers was sent at " + requestSentAt.get()
                            + " (clock skew allowed: " + clockSkewSeconds + " s)"))
                    : Optional.empty();
        }
        return at.isBefore(now.minus(SamlExpectation.UNSOLICITED_MAX_AGE).minus(skew))
                ? Optional.of(new Rejected(RejectReason.SAML_ISSUED_TOO_LONG_AGO, "the unsolicited " + what
                        + " was issued at " + at + "; it is now " + now + " and at most "
                        + SamlExpectation.UNSOLICITED_MAX_AGE.toMinutes() + " minutes (plus " + clockSkewSeconds
                        + " s clock skew) are allowed"))
                : Optional.empty();
    }

    /**
     * The answer to our request, or an IdP-initiated response where they are allowed; the same rule
     * then applies to the bearer confirmation's InResponseTo.
     */
    public static Optional<Rejected> inResponseTo(Element response, SamlExpectation expected) {
        if (expected.inResponseTo().isEmpty() && !expected.allowIdpInitiated()) {
            return Optional.of(new Rejected(RejectReason.SAML_UNSOLICITED_REFUSED,
                    "no sign-in was started for this response and IdP-initiated sign-in is off"));
        }
        return inResponseTo("Response", SamlDom.attribute(response, "InResponseTo"), expected);
    }

    static Optional<Rejected> inResponseTo(String where, Optional<String> actual, SamlExpectation expected) {
        if (expected.inResponseTo().isEmpty()) {
            return actual.map(a -> new Rejected(RejectReason.SAML_IN_RESPONSE_TO_MISMATCH, "the " + where
                    + " answers request " + SamlDom.quote(a) + " but no sign-in is waiting for it"));
        }
        String wanted = expected.inResponseTo().get();
        return actual.filter(wanted::equals).isPresent() ? Optional.empty()
                : Optional.of(new Rejected(RejectReason.SAML_IN_RESPONSE_TO_MISMATCH, "the " + where + " answers "
                        + actual.map(SamlDom::quote).orElse("no request") + ", not this sign-in's request "
                        + SamlDom.quote(wanted)));
    }
}
