package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;
import static io.gatehouse.saml.internal.SamlDom.PROTOCOL;

import io.gatehouse.saml.SamlExpectation;
import io.gatehouse.saml.SamlRejectReason;
import io.gatehouse.saml.SamlValidationResult.Rejected;
import java.util.Optional;
import org.w3c.dom.Element;

/** Checks of the Response element itself: status, issuer, destination and the request it answers. */
public final class ResponseChecks {
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
        return Optional.of(new Rejected(SamlRejectReason.STATUS_NOT_SUCCESS,
                "status " + SamlDom.quote(value) + second));
    }

    public static Optional<Rejected> issuer(Element response, SamlExpectation expected) {
        return SamlDom.child(response, ASSERTION, "Issuer").map(SamlDom::text)
                .filter(issuer -> expected.idpEntityId().filter(e -> !issuer.equals(e)).isPresent())
                .map(issuer -> new Rejected(SamlRejectReason.ISSUER_MISMATCH, "the Response issuer "
                        + SamlDom.quote(issuer) + " is not " + SamlDom.quote(expected.idpEntityId().orElseThrow())));
    }

    /** The Destination may be absent on an unsigned Response, never on a signed one (SAML bindings 3.5.5.2). */
    public static Optional<Rejected> destination(Element response, boolean responseSigned, SamlExpectation expected) {
        Optional<String> destination = SamlDom.attribute(response, "Destination");
        if (destination.isEmpty()) {
            return responseSigned ? Optional.of(new Rejected(SamlRejectReason.DESTINATION_MISMATCH,
                    "the signed Response has no Destination")) : Optional.empty();
        }
        return destination.get().equals(expected.acsUrl()) ? Optional.empty()
                : Optional.of(new Rejected(SamlRejectReason.DESTINATION_MISMATCH, "the Response is addressed to "
                        + SamlDom.quote(destination.get()) + ", not " + SamlDom.quote(expected.acsUrl())));
    }

    /**
     * The answer to our request, or an IdP-initiated response where they are allowed; the same rule
     * then applies to the bearer confirmation's InResponseTo.
     */
    public static Optional<Rejected> inResponseTo(Element response, SamlExpectation expected) {
        if (expected.inResponseTo().isEmpty() && !expected.allowIdpInitiated()) {
            return Optional.of(new Rejected(SamlRejectReason.UNSOLICITED_REFUSED,
                    "no sign-in was started for this response and IdP-initiated sign-in is off"));
        }
        return inResponseTo("Response", SamlDom.attribute(response, "InResponseTo"), expected);
    }

    static Optional<Rejected> inResponseTo(String where, Optional<String> actual, SamlExpectation expected) {
        if (expected.inResponseTo().isEmpty()) {
            return actual.map(a -> new Rejected(SamlRejectReason.IN_RESPONSE_TO_MISMATCH, "the " + where
                    + " answers request " + SamlDom.quote(a) + " but no sign-in is waiting for it"));
        }
        String wanted = expected.inResponseTo().get();
        return actual.filter(wanted::equals).isPresent() ? Optional.empty()
                : Optional.of(new Rejected(SamlRejectReason.IN_RESPONSE_TO_MISMATCH, "the " + where + " answers "
                        + actual.map(SamlDom::quote).orElse("no request") + ", not this sign-in's request "
                        + SamlDom.quote(wanted)));
    }
}
