package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;

import io.gatehouse.saml.SamlValidationResult.Rejected;
import io.gatehouse.signin.RejectReason;
import java.util.Optional;
import org.w3c.dom.Element;

/** The assertion's schema cardinalities, so that every later "first child" lookup is also the only one. */
public final class AssertionShape {
    private AssertionShape() {
    }

    public static Optional<Rejected> check(Element assertion) {
        if (!"2.0".equals(assertion.getAttributeNS(null, "Version")) || SamlDom.attribute(assertion, "ID").isEmpty()) {
            return Optional.of(new Rejected(RejectReason.SAML_MALFORMED, "the Assertion needs Version 2.0 and an ID"));
        }
        if (SamlDom.children(assertion, ASSERTION, "Issuer").size() != 1) {
            return Optional.of(new Rejected(RejectReason.SAML_ISSUER_MISMATCH,
                    "the Assertion must have exactly one Issuer"));
        }
        if (SamlDom.children(assertion, ASSERTION, "Subject").size() > 1
                || SamlDom.children(assertion, ASSERTION, "Conditions").size() > 1) {
            return Optional.of(new Rejected(RejectReason.SAML_MALFORMED,
                    "the Assertion has more than one Subject or Conditions"));
        }
        if (SamlDom.children(assertion, ASSERTION, "AuthnStatement").size() > 1) {
            return Optional.of(new Rejected(RejectReason.SAML_AUTHN_STATEMENT_COUNT,
                    "the Assertion has " + SamlDom.children(assertion, ASSERTION, "AuthnStatement").size()
                            + " AuthnStatements; exactly one is accepted"));
        }
        Optional<Element> subject = SamlDom.child(assertion, ASSERTION, "Subject");
        if (subject.isPresent() && SamlDom.children(subject.get(), ASSERTION, "NameID").size() > 1) {
            return Optional.of(new Rejected(RejectReason.SAML_MALFORMED, "the Subject has more than one NameID"));
        }
        return Optional.empty();
    }
}
