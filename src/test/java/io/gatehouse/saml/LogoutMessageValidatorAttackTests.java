package io.gatehouse.saml;

import static io.gatehouse.testkit.TestSamlResponses.IDP_ENTITY_ID;
import static io.gatehouse.testkit.TestSamlResponses.SAML;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import io.gatehouse.saml.LogoutValidationResult.LogoutAnswered;
import io.gatehouse.saml.LogoutValidationResult.LogoutRequested;
import io.gatehouse.saml.LogoutValidationResult.Refused;
import io.gatehouse.saml.internal.LogoutXml;
import io.gatehouse.saml.internal.SamlBindings;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSamlResponses.Signing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One test per way to refuse an identity provider's logout message, each with a real, correctly
 * signed but malicious message and its passing twin, asserting reason codes only.
 */
class LogoutMessageValidatorAttackTests {
    private static final KeyAndCertificate IDP = TestCertificates.valid("Okta acme");
    private static final KeyAndCertificate ATTACKER = TestCertificates.valid("Okta acme");
    private static final String SP_ENTITY_ID = TestSamlResponses.SP_ENTITY_ID;
    private static final String SLO_URL = "https://gatehouse.example.com/sso/acme/okta/saml/slo";
    private static final String SUBJECT = "alice@acme.example";

    private final LogoutMessageValidator validator = new LogoutMessageValidator();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private LogoutExpectation expectation() {
        return new LogoutExpectation(SP_ENTITY_ID, SLO_URL, Optional.of(IDP_ENTITY_ID),
                new CertificateTrust.Pinned(List.of(TestCertificates.pem(IDP.certificate()))), false, 60, now);
    }

    /** The IdP's LogoutRequest for alice's session, changed by {@code change} before it is signed. */
    private Document request(Consumer<Element> change) {
        Document doc = LogoutXml.request("_logout" + TestSamlResponses.newId(), now, SLO_URL, IDP_ENTITY_ID, SUBJECT,
                Optional.of(TestSamlResponses.EMAIL_FORMAT), Optional.of("_session-1"));
        change.accept(doc.getDocumentElement());
        return doc;
    }

    private Document logoutResponse(Consumer<Element> change) {
        Document doc = LogoutXml.response("_answer" + TestSamlResponses.newId(), now, SLO_URL, IDP_ENTITY_ID,
                "_our-logout-1", "urn:oasis:names:tc:SAML:2.0:status:Success");
        change.accept(doc.getDocumentElement());
        return doc;
    }

    private static Document signed(Document doc, Signing signing) {
        TestSamlResponses.sign(doc.getDocumentElement(), signing);
        return doc;
    }

    private static String posted(Document doc) {
        return Base64.getEncoder().encodeToString(SamlBindings.serialize(doc));
    }

    private LogoutValidationResult post(Document doc) {
        boolean request = doc.getDocumentElement().getLocalName().equals("LogoutRequest");
        return validator.validatePost(request ? posted(doc) : null, request ? null : posted(doc), expectation());
    }

    private LogoutRequested requested(LogoutValidationResult result) {
        assertThat(result).as("twin should pass: %s", result).isInstanceOf(LogoutRequested.class);
        return (LogoutRequested) result;
    }

    private static void refused(LogoutValidationResult result, RejectReason reason) {
        assertThat(result).isInstanceOfSatisfying(Refused.class,
                r -> assertThat(r.reason()).as(r.detail()).isEqualTo(reason));
    }

    private static Consumer<Element> nothing() {
        return e -> { };
    }

    @Nested
    class Signatures {
        @Test
        void aSignedLogoutRequestNamesTheSubjectAndItsSessions() {
            LogoutRequested r = requested(post(signed(request(nothing()), Signing.with(IDP))));

            assertThat(r.nameId()).isEqualTo(SUBJECT);
            assertThat(r.sessionIndexes()).containsExactly("_session-1");
        }

        @Test
        void anUnsignedLogoutRequestEndsNothing() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            refused(post(request(nothing())), RejectReason.SAML_SIGNATURE_MISSING);
            refused(validator.validateRedirect(SamlBindings.redirectQuery("SAMLRequest", request(nothing()), "rs",
                    Optional.empty(), SignatureAlgorithm.RSA_SHA256), expectation()),
                            RejectReason.SAML_SIGNATURE_MISSING);
        }

        @Test
        void signedByAnotherKey() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            refused(post(signed(request(nothing()), Signing.with(ATTACKER))), RejectReason.SAML_CERTIFICATE_UNTRUSTED);
            refused(post(signed(request(nothing()), Signing.with(ATTACKER).keyInfo(IDP.certificate()))),
                    RejectReason.SAML_SIGNATURE_INVALID);
        }

        @Test
        void contentChangedAfterSigning() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            Document doc = signed(request(nothing()), Signing.with(IDP));
            doc.getElementsByTagNameNS(SAML, "NameID").item(0).setTextContent("ceo@acme.example");
            refused(post(doc), RejectReason.SAML_SIGNATURE_INVALID);
        }

        @Test
        void aRedirectBindingSignatureCoversTheQueryAsSent() {
            String query = SamlBindings.redirectQuery("SAMLRequest", request(nothing()), "rs", Optional.of(IDP),
                    SignatureAlgorithm.RSA_SHA256);
            requested(validator.validateRedirect(query, expectation()));

            refused(validator.validateRedirect(query.replace("RelayState=rs", "RelayState=other"), expectation()),
                    RejectReason.SAML_SIGNATURE_INVALID);
            refused(validator.validateRedirect(SamlBindings.redirectQuery("SAMLRequest", request(nothing()), "rs",
                    Optional.of(ATTACKER), SignatureAlgorithm.RSA_SHA256), expectation()),
                            RejectReason.SAML_SIGNATURE_INVALID);
        }

        @Test
        void canonicalizationWithComments() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            refused(post(signed(request(nothing()), Signing.with(IDP)
                    .canonicalization("http://www.w3.org/2001/10/xml-exc-c14n#WithComments"))),
                    RejectReason.SAML_CANONICALIZATION_WITH_COMMENTS);
        }

        @Test
        void anUnsignedLogoutResponseOnlyEndsARedirectButABrokenSignatureOnOneIsRefused() {
            assertThat(post(logoutResponse(nothing()))).isEqualTo(new LogoutAnswered("_our-logout-1",
                    Optional.of("urn:oasis:names:tc:SAML:2.0:status:Success")));
            assertThat(post(signed(logoutResponse(nothing()), Signing.with(IDP)))).isInstanceOf(LogoutAnswered.class);

            refused(post(signed(logoutResponse(nothing()), Signing.with(ATTACKER))),
                    RejectReason.SAML_CERTIFICATE_UNTRUSTED);
        }
    }

    @Nested
    class Conditions {
        @Test
        void anotherIssuer() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            refused(post(signed(request(root -> issuer(root).setTextContent("https://evil.example/idp")),
                    Signing.with(IDP))), RejectReason.SAML_ISSUER_MISMATCH);
            refused(post(signed(request(root -> root.removeChild(issuer(root))), Signing.with(IDP))),
                    RejectReason.SAML_ISSUER_MISMATCH);
        }

        @Test
        void anIssuerFormatOtherThanEntity() {
            requested(post(signed(request(root -> issuer(root).setAttribute("Format",
                    "urn:oasis:names:tc:SAML:2.0:nameid-format:entity")), Signing.with(IDP))));

            refused(post(signed(request(root -> issuer(root).setAttribute("Format", TestSamlResponses.EMAIL_FORMAT)),
                    Signing.with(IDP))), RejectReason.SAML_ISSUER_FORMAT_REFUSED);
        }

        @Test
        void anotherDestination() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            refused(post(signed(request(root -> root.setAttribute("Destination", "https://other-sp.example/slo")),
                    Signing.with(IDP))), RejectReason.SAML_DESTINATION_MISMATCH);
            refused(post(signed(request(root -> root.setAttribute("Destination", "")), Signing.with(IDP))),
                    RejectReason.SAML_DESTINATION_MISMATCH);
        }

        @Test
        void aSignedMessageWithoutDestination() {
            assertThat(post(logoutResponse(root -> root.removeAttribute("Destination")))).isInstanceOf(LogoutAnswered.class);

            refused(post(signed(request(root -> root.removeAttribute("Destination")), Signing.with(IDP))),
                    RejectReason.SAML_DESTINATION_MISSING);
            refused(post(signed(logoutResponse(root -> root.removeAttribute("Destination")), Signing.with(IDP))),
                    RejectReason.SAML_DESTINATION_MISSING);
        }

        @Test
        void issuedInTheFuture() {
            requested(post(signed(request(root -> root.setAttribute("IssueInstant", now.plusSeconds(60).toString())),
                    Signing.with(IDP))));

            refused(post(signed(request(root -> root.setAttribute("IssueInstant", now.plusSeconds(61).toString())),
                    Signing.with(IDP))), RejectReason.SAML_ISSUED_IN_FUTURE);
        }

        @Test
        void issuedTooLongAgo() {
            Instant oldest = now.minus(SamlExpectation.UNSOLICITED_MAX_AGE).minusSeconds(60);
            requested(post(signed(request(root -> root.setAttribute("IssueInstant", oldest.toString())),
                    Signing.with(IDP))));

            // a LogoutRequest kept from last week, replayed to end the user's new sessions
            refused(post(signed(request(root -> root.setAttribute("IssueInstant", oldest.minusSeconds(1).toString())),
                    Signing.with(IDP))), RejectReason.SAML_ISSUED_TOO_LONG_AGO);
            refused(post(signed(logoutResponse(root -> root.setAttribute("IssueInstant",
                    oldest.minusSeconds(1).toString())), Signing.with(IDP))), RejectReason.SAML_ISSUED_TOO_LONG_AGO);
        }

        @Test
        void expired() {
            requested(post(signed(request(root -> root.setAttribute("NotOnOrAfter", now.minusSeconds(59).toString())),
                    Signing.with(IDP))));

            refused(post(signed(request(root -> root.setAttribute("NotOnOrAfter", now.minusSeconds(60).toString())),
                    Signing.with(IDP))), RejectReason.SAML_EXPIRED);
            refused(post(signed(request(root -> root.setAttribute("NotOnOrAfter", "yesterday")), Signing.with(IDP))),
                    RejectReason.SAML_LOGOUT_MALFORMED);
        }

        @Test
        void aLogoutResponseAnsweringNothing() {
            assertThat(post(signed(logoutResponse(nothing()), Signing.with(IDP)))).isInstanceOf(LogoutAnswered.class);

            refused(post(signed(logoutResponse(root -> root.removeAttribute("InResponseTo")), Signing.with(IDP))),
                    RejectReason.SAML_IN_RESPONSE_TO_MISMATCH);
        }

        @Test
        void aLogoutRequestNamingNoSubject() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            refused(post(signed(request(root -> root.removeChild(root.getElementsByTagNameNS(SAML, "NameID").item(0))),
                    Signing.with(IDP))), RejectReason.SAML_SUBJECT_MISSING);
        }

        private Element issuer(Element root) {
            return (Element) root.getElementsByTagNameNS(SAML, "Issuer").item(0);
        }
    }

    @Nested
    class Parsing {
        @Test
        void notALogoutMessage() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            refused(validator.validatePost(null, null, expectation()), RejectReason.SAML_LOGOUT_MALFORMED);
            refused(validator.validatePost("%%%not-base64", null, expectation()), RejectReason.SAML_LOGOUT_MALFORMED);
            refused(validator.validatePost(Base64.getEncoder().encodeToString("<a/>".getBytes(StandardCharsets.UTF_8)),
                    null, expectation()), RejectReason.SAML_LOGOUT_MALFORMED);
            refused(validator.validateRedirect("RelayState=x", expectation()), RejectReason.SAML_LOGOUT_MALFORMED);
            refused(validator.validateRedirect("SAMLRequest=%zz", expectation()), RejectReason.SAML_LOGOUT_MALFORMED);
            refused(validator.validateRedirect("SAMLRequest=bm90IGRlZmxhdGVk", expectation()),
                    RejectReason.SAML_LOGOUT_MALFORMED);
            refused(validator.validateRedirect(null, expectation()), RejectReason.SAML_LOGOUT_MALFORMED);
        }

        @Test
        void aLogoutResponseSentAsARequest() {
            Document answer = signed(logoutResponse(nothing()), Signing.with(IDP));
            assertThat(validator.validatePost(null, posted(answer), expectation())).isInstanceOf(LogoutAnswered.class);

            refused(validator.validatePost(posted(answer), null, expectation()), RejectReason.SAML_LOGOUT_MALFORMED);
        }

        @Test
        void duplicateIds() {
            requested(post(signed(request(nothing()), Signing.with(IDP))));

            Document doc = signed(request(nothing()), Signing.with(IDP));
            Element root = doc.getDocumentElement();
            Element extensions = doc.createElementNS(TestSamlResponses.SAMLP, "samlp:Extensions");
            Element copy = doc.createElementNS("urn:example:ext", "ext:Hint");
            copy.setAttribute("ID", root.getAttribute("ID"));
            extensions.appendChild(copy);
            root.appendChild(extensions);
            refused(post(doc), RejectReason.SAML_DUPLICATE_ID);
        }
    }
}
