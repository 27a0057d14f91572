package io.gatehouse.saml;

import io.gatehouse.crypto.CertificateParseException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.saml.LogoutValidationResult.LogoutAnswered;
import io.gatehouse.saml.LogoutValidationResult.LogoutRequested;
import io.gatehouse.saml.LogoutValidationResult.Refused;
import io.gatehouse.saml.SamlValidationResult.Rejected;
import io.gatehouse.saml.internal.Checked;
import io.gatehouse.saml.internal.Defects;
import io.gatehouse.saml.internal.LogoutXml;
import io.gatehouse.saml.internal.ResponseChecks;
import io.gatehouse.saml.internal.ResponseStructure;
import io.gatehouse.saml.internal.SamlBindings;
import io.gatehouse.saml.internal.SignatureVerifier;
import io.gatehouse.saml.internal.Times;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.xml.SecureXml;
import io.gatehouse.xml.XmlRejected;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.w3c.dom.Document;

/**
 * Validates an identity provider's LogoutRequest or LogoutResponse at the SLO endpoint, over the
 * HTTP-Redirect binding (signature over the query) or the HTTP-POST binding (enveloped signature);
 * never throws. A LogoutRequest ends sessions, so it must be signed; an unsigned LogoutResponse only
 * ends a redirect, but a signature it carries must verify.
 */
public final class LogoutMessageValidator {
    private static final String REQUEST = "LogoutRequest";

    /** A message sent by HTTP-Redirect: {@code rawQuery} exactly as received, since the signature covers its bytes. */
    public LogoutValidationResult validateRedirect(String rawQuery, LogoutExpectation expected) {
        Objects.requireNonNull(expected, "expected");
        return Defects.contained("SAML logout message", () -> redirect(rawQuery, expected), LogoutMessageValidator::defect);
    }

    /** A message sent by HTTP-POST, in the SAMLRequest or the SAMLResponse form field (null when absent). */
    public LogoutValidationResult validatePost(String samlRequest, String samlResponse, LogoutExpectation expected) {
        Objects.requireNonNull(expected, "expected");
        return Defects.contained("SAML logout message", () -> post(samlRequest, samlResponse, expected),
                LogoutMessageValidator::defect);
    }

    private static LogoutValidationResult defect() {
        return new Refused(RejectReason.SAML_INTERNAL_ERROR, "checking the logout message failed unexpectedly");
    }

    private static LogoutValidationResult redirect(String rawQuery, LogoutExpectation expected) {
        Map<String, String> raw = SamlBindings.rawParameters(rawQuery);
        String parameter = raw.containsKey("SAMLRequest") ? "SAMLRequest" : "SAMLResponse";
        if (!raw.containsKey(parameter)) {
            return malformed("no SAMLRequest or SAMLResponse parameter was sent");
        }
        Optional<Document> doc = decoded(raw.get(parameter)).flatMap(SamlBindings::inflate)
                .flatMap(LogoutMessageValidator::parse);
        if (doc.isEmpty()) {
            return malformed("the " + parameter + " parameter is not a deflated, base64-encoded XML message");
        }
        Optional<LogoutXml.Incoming> message = read(doc.get(), parameter);
        if (message.isEmpty()) {
            return malformed("the " + parameter + " parameter carries no " + kind(parameter) + " with an ID");
        }
        boolean signed = raw.containsKey("Signature");
        if (signed && !SamlBindings.redirectSignatureVerifies(raw, parameter, pinned(expected.trust()),
                expected.allowSha1())) {
            return new Refused(RejectReason.SAML_SIGNATURE_INVALID, "the " + kind(parameter)
                    + "'s query signature does not verify with the identity provider's certificates");
        }
        return checked(message.get(), signed, expected);
    }

    private static LogoutValidationResult post(String samlRequest, String samlResponse, LogoutExpectation expected) {
        String parameter = samlRequest != null ? "SAMLRequest" : "SAMLResponse";
        String value = samlRequest != null ? samlRequest : samlResponse;
        if (value == null) {
            return malformed("no SAMLRequest or SAMLResponse field was posted");
        }
        Optional<Document> doc;
        try {
            doc = parse(Base64.getMimeDecoder().decode(value));
        } catch (IllegalArgumentException e) {
            doc = Optional.empty();
        }
        if (doc.isEmpty()) {
            return malformed("the " + parameter + " field is not a base64-encoded XML message");
        }
        // every ID registered once, duplicates refused: the signature's "#id" then names exactly one element
        if (ResponseStructure.registerUniqueIds(doc.get()) instanceof Checked.Failed<Integer>(Rejected rejected)) {
            return refused(rejected);
        }
        Optional<LogoutXml.Incoming> message = read(doc.get(), parameter);
        if (message.isEmpty()) {
            return malformed("the " + parameter + " field carries no " + kind(parameter) + " with an ID");
        }
        return switch (SignatureVerifier.verify(message.get().root(), message.get().kind(), expected.trust(),
                expected.allowSha1(), expected.now())) {
            case Checked.Failed<Optional<X509Certificate>>(Rejected rejected) -> refused(rejected);
            case Checked.Passed<Optional<X509Certificate>>(Optional<X509Certificate> signer) ->
                    checked(message.get(), signer.isPresent(), expected);
        };
    }

    /** The checks after the signature, on the verified message; {@code verified}: a signature verified. */
    private static LogoutValidationResult checked(LogoutXml.Incoming message, boolean verified,
                                                  LogoutExpectation expected) {
        boolean request = message.kind().equals(REQUEST);
        if (request && !verified) {
            return new Refused(RejectReason.SAML_SIGNATURE_MISSING, "the identity provider's LogoutRequest is not"
                    + " signed; have the identity provider sign logout requests");
        }
        Optional<Rejected> refused = ResponseChecks.issuer(message.root(), message.kind(), expected.idpEntityId())
                .or(() -> ResponseChecks.destination(message.root(), message.kind(), verified, expected.sloUrl()))
                .or(() -> ResponseChecks.issueInstant(message.root(), message.kind(), Optional.empty(), expected.now(),
                        expected.clockSkewSeconds()));
        if (refused.isPresent()) {
            return refused(refused.get());
        }
        if (!request) {
            return message.inResponseTo().<LogoutValidationResult>map(id -> new LogoutAnswered(id, message.status()))
                    .orElseGet(() -> new Refused(RejectReason.SAML_IN_RESPONSE_TO_MISMATCH,
                            "the LogoutResponse answers no request"));
        }
        if (message.notOnOrAfter().isPresent()) {
            Optional<Instant> notOnOrAfter = Times.parse(message.notOnOrAfter().get());
            if (notOnOrAfter.isEmpty()) {
                return malformed("the LogoutRequest's NotOnOrAfter is not a time");
            }
            if (Times.expired(notOnOrAfter.get(), expected.now(), Duration.ofSeconds(expected.clockSkewSeconds()))) {
                return new Refused(RejectReason.SAML_EXPIRED, "the LogoutRequest expired at " + notOnOrAfter.get()
                        + "; it is now " + expected.now() + " (clock skew allowed: " + expected.clockSkewSeconds()
                        + " s)");
            }
        }
        if (message.nameId().isEmpty()) {
            return new Refused(RejectReason.SAML_SUBJECT_MISSING, "the LogoutRequest names no subject (NameID)");
        }
        return new LogoutRequested(message.id(), message.nameId().get(), message.sessionIndexes());
    }

    /** The message, when it is the kind its parameter announces. */
    private static Optional<LogoutXml.Incoming> read(Document doc, String parameter) {
        return LogoutXml.read(doc).filter(m -> m.kind().equals(kind(parameter)));
    }

    private static String kind(String parameter) {
        return parameter.equals("SAMLRequest") ? REQUEST : "LogoutResponse";
    }

    private static Optional<String> decoded(String raw) {
        try {
            return Optional.of(SamlBindings.decoded(raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Document> parse(byte[] xml) {
        try {
            return Optional.of(SecureXml.parse(xml, SamlBindings.MAX_INFLATED_BYTES));
        } catch (XmlRejected e) {
            return Optional.empty();
        }
    }

    /** The certificates an HTTP-Redirect signature may be checked with: fingerprint trust has none to offer. */
    private static List<X509Certificate> pinned(CertificateTrust trust) {
        List<X509Certificate> out = new ArrayList<>();
        if (trust instanceof CertificateTrust.Pinned p) {
            for (String pem : p.certificatesPem()) {
                try {
                    out.add(Certificates.parse(pem));
                } catch (CertificateParseException e) {
                    // stored certificates parsed on save; skip one that no longer does
                }
            }
        }
        return out;
    }

    private static Refused malformed(String detail) {
        return new Refused(RejectReason.SAML_LOGOUT_MALFORMED, detail);
    }

    private static Refused refused(Rejected rejected) {
        // the checks shared with the Response validator call an unreadable message "malformed"
        return new Refused(rejected.reason() == RejectReason.SAML_MALFORMED ? RejectReason.SAML_LOGOUT_MALFORMED
                : rejected.reason(), rejected.detail());
    }
}
