package io.gatehouse.saml;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;

import io.gatehouse.saml.SamlValidationResult.Accepted;
import io.gatehouse.saml.SamlValidationResult.Rejected;
import io.gatehouse.saml.internal.AssertionChecks;
import io.gatehouse.saml.internal.AssertionDecrypter;
import io.gatehouse.saml.internal.AssertionShape;
import io.gatehouse.saml.internal.Checked;
import io.gatehouse.saml.internal.Defects;
import io.gatehouse.saml.internal.IdentityReader;
import io.gatehouse.saml.internal.ResponseChecks;
import io.gatehouse.saml.internal.ResponseDecoder;
import io.gatehouse.saml.internal.ResponseStructure;
import io.gatehouse.saml.internal.SamlDom;
import io.gatehouse.saml.internal.SignatureVerifier;
import io.gatehouse.signin.RejectReason;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Validates a SAML 2.0 Response posted to the ACS (HTTP-POST binding); never throws for any input. */
public final class SamlResponseValidator {
    // parse once, verify the exact elements that are then read, check every condition in a fixed
    // order and stop at the first failure

    public SamlValidationResult validate(String samlResponse, SamlExpectation expected) {
        Objects.requireNonNull(expected, "expected");
        return Defects.contained("SAML Response", () -> run(samlResponse, expected),
                () -> new Rejected(RejectReason.SAML_INTERNAL_ERROR, "checking the response failed unexpectedly"));
    }

    private static SamlValidationResult run(String samlResponse, SamlExpectation expected) {
        // 1. decode, bound, parse without DTDs
        Document document;
        switch (ResponseDecoder.decode(samlResponse)) {
            case Checked.Failed<Document>(Rejected rejected) -> {
                return rejected;
            }
            case Checked.Passed<Document>(Document value) -> document = value;
        }
        // 2. shape: unique IDs, one assertion directly in the Response and nowhere else
        Element response = document.getDocumentElement();
        Element assertionOrEncrypted;
        switch (ResponseStructure.inspect(document)) {
            case Checked.Failed<Element>(Rejected rejected) -> {
                return rejected;
            }
            case Checked.Passed<Element>(Element value) -> assertionOrEncrypted = value;
        }
        // 3. the Response's signature, if present or required
        Optional<X509Certificate> responseSigner;
        switch (SignatureVerifier.verify(response, "Response", expected)) {
            case Checked.Failed<Optional<X509Certificate>>(Rejected rejected) -> {
                return rejected;
            }
            case Checked.Passed<Optional<X509Certificate>>(Optional<X509Certificate> value) -> responseSigner = value;
        }
        if (expected.wantResponseSigned() && responseSigner.isEmpty()) {
            return new Rejected(RejectReason.SAML_SIGNATURE_MISSING, "the Response is not signed");
        }
        // 4. the IdP's verdict
        Optional<Rejected> status = ResponseChecks.status(response);
        if (status.isPresent()) {
            return status.get();
        }
        // 5-6. open an encrypted assertion and verify the Assertion's signature
        boolean encrypted = SamlDom.is(assertionOrEncrypted, ASSERTION, "EncryptedAssertion");
        Element assertion;
        Optional<X509Certificate> assertionSigner;
        switch (openAndVerify(document, assertionOrEncrypted, expected)) {
            case Checked.Failed<Opened>(Rejected rejected) -> {
                // With an unsigned Response, telling "does not decrypt" from "decrypts to something
                // invalid" would be a padding oracle on AES-CBC (the ADFS and Entra default): one answer.
                return encrypted && responseSigner.isEmpty()
                        ? new Rejected(RejectReason.SAML_DECRYPTION_FAILED,
                                "the encrypted assertion did not decrypt to a valid, correctly signed assertion")
                        : rejected;
            }
            case Checked.Passed<Opened>(Opened value) -> {
                assertion = value.assertion();
                assertionSigner = value.signer();
            }
        }
        if (expected.wantAssertionsSigned() && assertionSigner.isEmpty()) {
            return new Rejected(RejectReason.SAML_SIGNATURE_MISSING, "the Assertion is not signed");
        }
        if (responseSigner.isEmpty() && assertionSigner.isEmpty()) {
            return new Rejected(RejectReason.SAML_SIGNATURE_MISSING,
                    "neither the Response nor the Assertion is signed");
        }
        // 7-9. from here on only `response` and `assertion`, the verified elements, are read
        Element verifiedAssertion = assertion;
        boolean responseSigned = responseSigner.isPresent();
        Optional<Instant> sentAt = expected.request().map(SamlExpectation.SentRequest::sentAt);
        Optional<Rejected> refused = firstOf(
                () -> AssertionShape.check(verifiedAssertion),
                () -> ResponseChecks.issuer(response, expected),
                () -> AssertionChecks.issuer(verifiedAssertion, expected),
                () -> ResponseChecks.destination(response, "Response", responseSigned, expected.acsUrl()),
                () -> ResponseChecks.inResponseTo(response, expected),
                () -> ResponseChecks.issueInstant(response, "Response", sentAt, expected.now(),
                        expected.clockSkewSeconds()),
                () -> ResponseChecks.issueInstant(verifiedAssertion, "Assertion", sentAt, expected.now(),
                        expected.clockSkewSeconds()));
        if (refused.isPresent()) {
            return refused.get();
        }
        Instant bearerNotOnOrAfter;
        switch (AssertionChecks.bearer(verifiedAssertion, expected)) {
            case Checked.Failed<Instant>(Rejected rejected) -> {
                return rejected;
            }
            case Checked.Passed<Instant>(Instant value) -> bearerNotOnOrAfter = value;
        }
        Optional<Instant> conditionsNotOnOrAfter;
        switch (AssertionChecks.validity(verifiedAssertion, expected)) {
            case Checked.Failed<Optional<Instant>>(Rejected rejected) -> {
                return rejected;
            }
            case Checked.Passed<Optional<Instant>>(Optional<Instant> value) -> conditionsNotOnOrAfter = value;
        }
        Optional<Rejected> audience = AssertionChecks.audience(verifiedAssertion, expected);
        if (audience.isPresent()) {
            return audience.get();
        }
        // 10. the identity; a replay cache keeps the assertion ID until the earliest expiry
        Instant expiresAt = conditionsNotOnOrAfter.filter(c -> c.isBefore(bearerNotOnOrAfter))
                .orElse(bearerNotOnOrAfter);
        return switch (IdentityReader.read(verifiedAssertion, expiresAt, expected)) {
            case Checked.Failed<SamlIdentity>(Rejected rejected) -> rejected;
            case Checked.Passed<SamlIdentity>(SamlIdentity identity) -> new Accepted(identity);
        };
    }

    @SafeVarargs
    private static Optional<Rejected> firstOf(Supplier<Optional<Rejected>>... checks) {
        return Stream.of(checks).map(Supplier::get).flatMap(Optional::stream).findFirst();
    }

    /** The assertion, decrypted when it came encrypted, and who signed it (if anyone). */
    private record Opened(Element assertion, Optional<X509Certificate> signer) {
    }

    private static Checked<Opened> openAndVerify(Document document, Element assertionOrEncrypted,
                                                 SamlExpectation expected) {
        Element assertion = assertionOrEncrypted;
        if (SamlDom.is(assertionOrEncrypted, ASSERTION, "EncryptedAssertion")) {
            switch (AssertionDecrypter.decrypt(assertionOrEncrypted, expected.decryptionKeys())) {
                case Checked.Failed<Element>(Rejected rejected) -> {
                    return new Checked.Failed<>(rejected);
                }
                case Checked.Passed<Element>(Element value) -> assertion = value;
            }
            int assertionsInDocument;
            switch (ResponseStructure.registerUniqueIds(document)) {
                case Checked.Failed<Integer> failed -> {
                    return failed.as();
                }
                case Checked.Passed<Integer>(Integer count) -> assertionsInDocument = count;
            }
            if (!ResponseStructure.onlyAssertionInDocument(assertionsInDocument, assertion)) {
                return new Checked.Failed<>(new Rejected(RejectReason.SAML_ASSERTION_COUNT,
                        "the decrypted assertion contains assertions"));
            }
        }
        return switch (SignatureVerifier.verify(assertion, "Assertion", expected)) {
            case Checked.Failed<Optional<X509Certificate>>(Rejected rejected) -> new Checked.Failed<>(rejected);
            case Checked.Passed<Optional<X509Certificate>>(Optional<X509Certificate> signer) ->
                    new Checked.Passed<>(new Opened(assertion, signer));
        };
    }
}
