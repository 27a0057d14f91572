package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;

import io.gatehouse.saml.SamlExpectation;
import io.gatehouse.saml.SamlValidationResult.Rejected;
import io.gatehouse.signin.RejectReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Element;

/** Checks of the verified Assertion: issuer, bearer confirmation, validity window and audience. */
public final class AssertionChecks {
    private AssertionChecks() {
    }

    public static Optional<Rejected> issuer(Element assertion, SamlExpectation expected) {
        Optional<Element> element = SamlDom.child(assertion, ASSERTION, "Issuer");
        Optional<Rejected> format = element.flatMap(e -> ResponseChecks.issuerFormat(e, "Assertion"));
        if (format.isPresent()) {
            return format;
        }
        String issuer = element.map(SamlDom::text).orElse("");
        if (expected.idpEntityId().isEmpty()) {
            // no entity ID configured: the pinned certificate authenticates the IdP, but an Issuer is still required
            return issuer.isBlank() ? Optional.of(new Rejected(RejectReason.SAML_ISSUER_MISMATCH,
                    "the Assertion has no Issuer")) : Optional.empty();
        }
        String wanted = expected.idpEntityId().get();
        return issuer.equals(wanted) ? Optional.empty()
                : Optional.of(new Rejected(RejectReason.SAML_ISSUER_MISMATCH, "the Assertion issuer "
                        + SamlDom.quote(issuer) + " is not " + SamlDom.quote(wanted)));
    }

    /**
     * A bearer SubjectConfirmation for our ACS, still valid, answering our request; several are
     * allowed and one satisfying all conditions suffices. The value is its NotOnOrAfter.
     */
    public static Checked<Instant> bearer(Element assertion, SamlExpectation expected) {
        Optional<Element> subject = SamlDom.child(assertion, ASSERTION, "Subject");
        List<Element> bearers = subject.map(s -> SamlDom.children(s, ASSERTION, "SubjectConfirmation")).orElse(List.of())
                .stream().filter(c -> SamlDom.BEARER.equals(c.getAttributeNS(null, "Method"))).toList();
        if (bearers.isEmpty()) {
            return Checked.failed(RejectReason.SAML_SUBJECT_MISSING, subject.isEmpty() ? "the Assertion has no Subject"
                    : "the Subject has no bearer SubjectConfirmation");
        }
        Checked<Instant> first = null;
        for (Element bearer : bearers) {
            Checked<Instant> outcome = confirmation(bearer, expected);
            if (outcome instanceof Checked.Passed<Instant>) {
                return outcome;
            }
            first = first == null ? outcome : first;
        }
        return first;
    }

    private static Checked<Instant> confirmation(Element bearer, SamlExpectation expected) {
        List<Element> data = SamlDom.children(bearer, ASSERTION, "SubjectConfirmationData");
        if (data.size() != 1) {
            return Checked.failed(RejectReason.SAML_RECIPIENT_MISMATCH,
                    "the bearer SubjectConfirmation needs exactly one SubjectConfirmationData");
        }
        Element d = data.getFirst();
        Optional<String> recipient = SamlDom.attribute(d, "Recipient");
        if (!recipient.filter(expected.acsUrl()::equals).isPresent()) {
            return Checked.failed(RejectReason.SAML_RECIPIENT_MISMATCH, "the bearer confirmation's Recipient is "
                    + recipient.map(SamlDom::quote).orElse("missing") + ", not " + SamlDom.quote(expected.acsUrl()));
        }
        Duration skew = Duration.ofSeconds(expected.clockSkewSeconds());
        Optional<String> notBeforeText = SamlDom.attribute(d, "NotBefore");
        if (notBeforeText.isPresent()) {
            Optional<Instant> notBefore = Times.parse(notBeforeText.get());
            if (notBefore.isEmpty()) {
                return Checked.failed(RejectReason.SAML_MALFORMED, "SubjectConfirmationData NotBefore is not a time");
            }
            if (Times.notYetValid(notBefore.get(), expected.now(), skew)) {
                return Checked.failed(RejectReason.SAML_NOT_YET_VALID, window("bearer confirmation NotBefore",
                        notBefore.get(), expected));
            }
        }
        Optional<String> notOnOrAfterText = SamlDom.attribute(d, "NotOnOrAfter");
        if (notOnOrAfterText.isEmpty()) {
            return Checked.failed(RejectReason.SAML_EXPIRED,
                    "the bearer confirmation has no NotOnOrAfter, which Web SSO requires");
        }
        Optional<Instant> notOnOrAfter = Times.parse(notOnOrAfterText.get());
        if (notOnOrAfter.isEmpty()) {
            return Checked.failed(RejectReason.SAML_MALFORMED, "SubjectConfirmationData NotOnOrAfter is not a time");
        }
        if (Times.expired(notOnOrAfter.get(), expected.now(), skew)) {
            return Checked.failed(RejectReason.SAML_EXPIRED, window("bearer confirmation NotOnOrAfter",
                    notOnOrAfter.get(), expected));
        }
        Optional<Rejected> answer = ResponseChecks.inResponseTo("bearer confirmation",
                SamlDom.attribute(d, "InResponseTo"), expected);
        if (answer.isPresent()) {
            return new Checked.Failed<>(answer.get());
        }
        return Checked.passed(notOnOrAfter.get());
    }

    /** The Conditions' validity window; the value is their NotOnOrAfter, if any. */
    public static Checked<Optional<Instant>> validity(Element assertion, SamlExpectation expected) {
        Optional<Element> conditions = SamlDom.child(assertion, ASSERTION, "Conditions");
        if (conditions.isEmpty()) {
            return Checked.passed(Optional.empty());
        }
        Duration skew = Duration.ofSeconds(expected.clockSkewSeconds());
        Optional<String> notBeforeText = SamlDom.attribute(conditions.get(), "NotBefore");
        if (notBeforeText.isPresent()) {
            Optional<Instant> notBefore = Times.parse(notBeforeText.get());
            if (notBefore.isEmpty()) {
                return Checked.failed(RejectReason.SAML_MALFORMED, "Conditions NotBefore is not a time");
            }
            if (Times.notYetValid(notBefore.get(), expected.now(), skew)) {
                return Checked.failed(RejectReason.SAML_NOT_YET_VALID, window("Conditions NotBefore", notBefore.get(),
                        expected));
            }
        }
        Optional<String> notOnOrAfterText = SamlDom.attribute(conditions.get(), "NotOnOrAfter");
        if (notOnOrAfterText.isEmpty()) {
            return Checked.passed(Optional.empty());
        }
        Optional<Instant> notOnOrAfter = Times.parse(notOnOrAfterText.get());
        if (notOnOrAfter.isEmpty()) {
            return Checked.failed(RejectReason.SAML_MALFORMED, "Conditions NotOnOrAfter is not a time");
        }
        if (Times.expired(notOnOrAfter.get(), expected.now(), skew)) {
            return Checked.failed(RejectReason.SAML_EXPIRED, window("Conditions NotOnOrAfter", notOnOrAfter.get(),
                    expected));
        }
        return Checked.passed(notOnOrAfter);
    }

    /** Every AudienceRestriction must name us, and there must be at least one. */
    public static Optional<Rejected> audience(Element assertion, SamlExpectation expected) {
        List<Element> restrictions = SamlDom.child(assertion, ASSERTION, "Conditions")
                .map(c -> SamlDom.children(c, ASSERTION, "AudienceRestriction")).orElse(List.of());
        if (restrictions.isEmpty()) {
            return Optional.of(new Rejected(RejectReason.SAML_AUDIENCE_MISMATCH,
                    "the Assertion has no AudienceRestriction; " + SamlDom.quote(expected.spEntityId())
                            + " is required"));
        }
        for (Element restriction : restrictions) {
            List<String> audiences = new ArrayList<>();
            SamlDom.children(restriction, ASSERTION, "Audience").forEach(a -> audiences.add(SamlDom.text(a)));
            if (!audiences.contains(expected.spEntityId())) {
                return Optional.of(new Rejected(RejectReason.SAML_AUDIENCE_MISMATCH, "the Assertion is for "
                        + audiences.stream().limit(5).map(SamlDom::quote).toList() + ", not "
                        + SamlDom.quote(expected.spEntityId())));
            }
        }
        return Optional.empty();
    }

    private static String window(String what, Instant limit, SamlExpectation expected) {
        return what + " is " + limit + "; it is now " + expected.now() + " (clock skew allowed: "
                + expected.clockSkewSeconds() + " s)";
    }
}
