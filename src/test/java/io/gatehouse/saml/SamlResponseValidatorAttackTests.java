package io.gatehouse.saml;

import static io.gatehouse.testkit.TestSamlResponses.DS;
import static io.gatehouse.testkit.TestSamlResponses.SAML;
import static io.gatehouse.testkit.TestSamlResponses.SAMLP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.saml.SamlValidationResult.Accepted;
import io.gatehouse.saml.SamlValidationResult.Rejected;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSamlResponses.Builder;
import io.gatehouse.testkit.TestSamlResponses.ExpectationBuilder;
import io.gatehouse.testkit.TestSamlResponses.Signing;
import io.gatehouse.testkit.TestSamlResponses.TransformStyle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One test per way to refuse a SAML response, each with a real, correctly signed but malicious
 * input and its passing twin (the same response without the attack), asserting reason codes only.
 */
class SamlResponseValidatorAttackTests {
    private static final KeyAndCertificate IDP = TestCertificates.valid("Okta acme");
    private static final KeyAndCertificate ATTACKER = TestCertificates.valid("Okta acme");
    private static final KeyAndCertificate EXPIRED = TestCertificates.expired("Okta acme 2024");
    private static final KeyAndCertificate SP = TestCertificates.valid("Gatehouse SP");
    private static final KeyAndCertificate OTHER_SP = TestCertificates.valid("Gatehouse SP of another org");
    private static final String REQUEST = "_req" + TestSamlResponses.newId();
    private static final String SHA1_DIGEST = "http://www.w3.org/2000/09/xmldsig#sha1";

    private final SamlResponseValidator validator = new SamlResponseValidator();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private Builder response() {
        return TestSamlResponses.okta(IDP, REQUEST, now);
    }

    private ExpectationBuilder expectation() {
        return TestSamlResponses.expectation(IDP.certificate(), REQUEST, now);
    }

    private SamlIdentity accepted(String response, ExpectationBuilder expected) {
        SamlValidationResult result = validator.validate(response, expected.build());
        assertThat(result).as("twin should pass: %s", result).isInstanceOf(Accepted.class);
        return ((Accepted) result).identity();
    }

    private Rejected rejected(String response, ExpectationBuilder expected, RejectReason reason) {
        SamlValidationResult result = validator.validate(response, expected.build());
        assertThat(result).isInstanceOf(Rejected.class);
        Rejected rejected = (Rejected) result;
        assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(reason);
        return rejected;
    }

    private static String encode(Document document) {
        return TestSamlResponses.base64(document);
    }

    @Nested
    class Signatures {
        @Test
        void unsignedResponseAndAssertionAreRefusedEvenWhenNoSignatureIsRequired() {
            ExpectationBuilder lenient = expectation().wantAssertionsSigned(false).wantResponseSigned(false);
            accepted(response().base64(), lenient);

            rejected(response().signAssertion(null).base64(), lenient, RejectReason.SAML_SIGNATURE_MISSING);
        }

        @Test
        void unsignedAssertionWhenAssertionsMustBeSigned() {
            Builder responseSignedOnly = response().signAssertion(null).signResponse(Signing.with(IDP));
            accepted(responseSignedOnly.base64(), expectation().wantAssertionsSigned(false));

            rejected(responseSignedOnly.base64(), expectation(), RejectReason.SAML_SIGNATURE_MISSING);
        }

        @Test
        void unsignedResponseWhenTheResponseMustBeSigned() {
            accepted(response().signResponse(Signing.with(IDP)).base64(), expectation().wantResponseSigned(true));

            rejected(response().base64(), expectation().wantResponseSigned(true), RejectReason.SAML_SIGNATURE_MISSING);
        }

        @Test
        void attackerKeyWithItsOwnCertificateInKeyInfoIsUntrustedInPinnedMode() {
            accepted(response().base64(), expectation());

            Rejected r = rejected(response().signAssertion(Signing.with(ATTACKER)).base64(), expectation(),
                    RejectReason.SAML_CERTIFICATE_UNTRUSTED);
            assertThat(r.detail()).contains(FingerprintAlgorithm.SHA256.fingerprint(ATTACKER.certificate()));
        }

        @Test
        void attackerKeyPresentingTheIdpCertificateInKeyInfo() {
            accepted(response().base64(), expectation());

            rejected(response().signAssertion(Signing.with(ATTACKER).keyInfo(IDP.certificate())).base64(),
                    expectation(), RejectReason.SAML_SIGNATURE_INVALID);
        }

        @Test
        void attackerKeyWithoutKeyInfo() {
            accepted(response().signAssertion(Signing.with(IDP).keyInfo(null)).base64(), expectation());

            rejected(response().signAssertion(Signing.with(ATTACKER).keyInfo(null)).base64(), expectation(),
                    RejectReason.SAML_SIGNATURE_INVALID);
        }

        @Test
        void attackerCertificateInFingerprintMode() {
            ExpectationBuilder fingerprint = expectation().fingerprint(FingerprintAlgorithm.SHA256, IDP.certificate());
            accepted(response().base64(), fingerprint);

            rejected(response().signAssertion(Signing.with(ATTACKER)).base64(), fingerprint,
                    RejectReason.SAML_CERTIFICATE_UNTRUSTED);
        }

        @Test
        void fingerprintModeWithoutACertificateInKeyInfo() {
            ExpectationBuilder fingerprint = expectation().fingerprint(FingerprintAlgorithm.SHA256, IDP.certificate());
            accepted(response().base64(), fingerprint);

            rejected(response().signAssertion(Signing.with(IDP).keyInfo(null)).base64(), fingerprint,
                    RejectReason.SAML_CERTIFICATE_UNTRUSTED);
        }

        @Test
        void contentChangedAfterSigning() {
            Document twin = response().document();
            accepted(encode(twin), expectation());

            Document tampered = response().document();
            TestSamlResponses.find(tampered, SAML, "NameID").setTextContent("ceo@acme.example");
            rejected(encode(tampered), expectation(), RejectReason.SAML_SIGNATURE_INVALID);
        }

        @Test
        void responseSignatureCoveringAnotherIdThanTheResponse() {
            Builder b = response().signAssertion(null);
            accepted(b.signResponse(Signing.with(IDP)).base64(),
                    expectation().wantResponseSigned(true).wantAssertionsSigned(false));

            // a valid signature over the assertion only, placed on the Response: Status, Destination
            // and InResponseTo would be free for an attacker to rewrite
            String overAssertion = response().signAssertion(null)
                    .signResponse(Signing.with(IDP).referenceUri("#" + b.assertionId())).assertionId(b.assertionId())
                    .base64();
            rejected(overAssertion, expectation().wantResponseSigned(true).wantAssertionsSigned(false),
                    RejectReason.SAML_SIGNATURE_INVALID);
        }

        @Test
        void emptyReferenceUriSigningTheWholeDocument() {
            ExpectationBuilder responseSigned = expectation().wantResponseSigned(true).wantAssertionsSigned(false);
            accepted(response().signAssertion(null).signResponse(Signing.with(IDP)).base64(), responseSigned);

            rejected(response().signAssertion(null).signResponse(Signing.with(IDP).referenceUri("")).base64(),
                    responseSigned, RejectReason.SAML_SIGNATURE_INVALID);
        }

        @Test
        void xpathTransform() {
            accepted(response().base64(), expectation());

            rejected(response().signAssertion(Signing.with(IDP).transforms(TransformStyle.XPATH)).base64(),
                    expectation(), RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED);
        }

        @Test
        void xsltTransform() {
            accepted(response().base64(), expectation());

            rejected(response().signAssertion(Signing.with(IDP).transforms(TransformStyle.XSLT)).base64(),
                    expectation(), RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED);
        }

        @Test
        void rsaSha1IsRefusedUnlessAllowed() {
            String sha1 = response().signAssertion(Signing.with(IDP).algorithm(TestSamlResponses.RSA_SHA1, SHA1_DIGEST))
                    .base64();

            accepted(sha1, expectation().allowSha1(true));
            rejected(sha1, expectation(), RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED);
        }

        @Test
        void sha1DigestUnderAnRsaSha256Signature() {
            String sha1Digest = response().signAssertion(Signing.with(IDP).algorithm(TestSamlResponses.RSA_SHA256,
                    SHA1_DIGEST)).base64();

            accepted(sha1Digest, expectation().allowSha1(true));
            rejected(sha1Digest, expectation(), RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED);
        }

        @Test
        void expiredSigningCertificate() {
            accepted(response().base64(), expectation());

            Rejected r = rejected(TestSamlResponses.okta(EXPIRED, REQUEST, now).base64(),
                    expectation().pinned(EXPIRED.certificate()), RejectReason.SAML_CERTIFICATE_EXPIRED);
            assertThat(r.detail()).contains(EXPIRED.certificate().getNotAfter().toInstant().toString());
        }

        @Test
        void signatureMovedOutOfTheElementItSigns() {
            accepted(response().base64(), expectation());

            Document moved = response().document();
            Element assertion = TestSamlResponses.find(moved, SAML, "Assertion");
            Element signature = TestSamlResponses.firstChild(assertion, DS, "Signature");
            TestSamlResponses.firstChild(assertion, SAML, "Subject").appendChild(signature);
            rejected(encode(moved), expectation(), RejectReason.SAML_SIGNATURE_MISSING);
        }
    }

    @Nested
    class Wrapping {
        private Element evilAssertion(Document into, String id) {
            String xml = response().assertionId(id).nameId("ceo@acme.example", TestSamlResponses.EMAIL_FORMAT)
                    .assertionXml();
            return (Element) into.importNode(TestSamlResponses.parse(xml).getDocumentElement(), true);
        }

        @Test
        void evilAssertionBesideTheSignedOne() {
            accepted(response().base64(), expectation());

            Document doc = response().document();
            doc.getDocumentElement().appendChild(evilAssertion(doc, TestSamlResponses.newId()));
            rejected(encode(doc), expectation(), RejectReason.SAML_ASSERTION_COUNT);
        }

        @Test
        void evilAssertionBeforeTheSignedOne() {
            accepted(response().base64(), expectation());

            Document doc = response().document();
            Element signed = TestSamlResponses.find(doc, SAML, "Assertion");
            doc.getDocumentElement().insertBefore(evilAssertion(doc, TestSamlResponses.newId()), signed);
            rejected(encode(doc), expectation(), RejectReason.SAML_ASSERTION_COUNT);
        }

        @Test
        void signedAssertionHiddenInExtensionsWithAnEvilOneInItsPlace() {
            accepted(response().base64(), expectation());

            Document doc = response().document();
            Element response = doc.getDocumentElement();
            Element signed = TestSamlResponses.find(doc, SAML, "Assertion");
            Element extensions = doc.createElementNS(SAMLP, "saml2p:Extensions");
            response.insertBefore(extensions, TestSamlResponses.firstChild(response, SAMLP, "Status"));
            response.replaceChild(evilAssertion(doc, TestSamlResponses.newId()), signed);
            extensions.appendChild(signed);
            rejected(encode(doc), expectation(), RejectReason.SAML_ASSERTION_COUNT);
        }

        @Test
        void evilAssertionWithTheSignedOnesIdWhileTheSignedOneHidesInExtensions() {
            accepted(response().base64(), expectation());

            Document doc = response().document();
            Element response = doc.getDocumentElement();
            Element signed = TestSamlResponses.find(doc, SAML, "Assertion");
            Element extensions = doc.createElementNS(SAMLP, "saml2p:Extensions");
            response.insertBefore(extensions, TestSamlResponses.firstChild(response, SAMLP, "Status"));
            Element evil = evilAssertion(doc, signed.getAttribute("ID"));
            // the evil copy carries the original signature, as a wrapping attacker would
            evil.insertBefore(TestSamlResponses.firstChild(signed, DS, "Signature").cloneNode(true),
                    TestSamlResponses.firstChild(evil, SAML, "Subject"));
            response.replaceChild(evil, signed);
            extensions.appendChild(signed);
            rejected(encode(doc), expectation(), RejectReason.SAML_DUPLICATE_ID);
        }

        @Test
        void signedResponseHiddenInTheSignatureObjectOfAnEvilResponse() {
            ExpectationBuilder responseSigned = expectation().wantResponseSigned(true).wantAssertionsSigned(false);
            Builder original = response().signAssertion(null).signResponse(Signing.with(IDP));
            accepted(original.base64(), responseSigned);

            Document doc = original.document();
            Element signedResponse = doc.getDocumentElement();
            Element evil = (Element) signedResponse.cloneNode(true);
            evil.setAttribute("ID", TestSamlResponses.newId());
            TestSamlResponses.firstChild(evil, SAML, "Assertion").setAttribute("ID", TestSamlResponses.newId());
            TestSamlResponses.firstChild(TestSamlResponses.firstChild(evil, SAML, "Assertion"), SAML, "Subject")
                    .getElementsByTagNameNS(SAML, "NameID").item(0).setTextContent("ceo@acme.example");
            Element signature = TestSamlResponses.firstChild(evil, DS, "Signature");
            Element object = doc.createElementNS(DS, "ds:Object");
            signature.appendChild(object);
            doc.replaceChild(evil, signedResponse);
            object.appendChild(signedResponse);
            rejected(encode(doc), responseSigned, RejectReason.SAML_ASSERTION_COUNT);
        }

        @Test
        void duplicateIdElsewhereInTheDocument() {
            Builder b = response();
            Document twin = b.document();
            addExtension(twin, TestSamlResponses.newId());
            accepted(encode(twin), expectation());

            Document doc = response().document();
            addExtension(doc, TestSamlResponses.find(doc, SAML, "Assertion").getAttribute("ID"));
            rejected(encode(doc), expectation(), RejectReason.SAML_DUPLICATE_ID);
        }

        private void addExtension(Document doc, String id) {
            Element response = doc.getDocumentElement();
            Element extensions = doc.createElementNS(SAMLP, "saml2p:Extensions");
            Element custom = doc.createElementNS("urn:example:ext", "ext:Hint");
            custom.setAttribute("ID", id);
            extensions.appendChild(custom);
            response.insertBefore(extensions, TestSamlResponses.firstChild(response, SAMLP, "Status"));
        }

        @Test
        void twoCorrectlySignedAssertions() {
            accepted(response().base64(), expectation());

            Document doc = response().document();
            Document second = response().nameId("ceo@acme.example", TestSamlResponses.EMAIL_FORMAT).document();
            doc.getDocumentElement().appendChild(doc.importNode(TestSamlResponses.find(second, SAML, "Assertion"), true));
            rejected(encode(doc), expectation(), RejectReason.SAML_ASSERTION_COUNT);
        }

        @Test
        void commentInjectedIntoTheNameIdIsReadInFull() {
            Builder b = response().nameId("user@evil.com.example.com", TestSamlResponses.EMAIL_FORMAT)
                    .attribute("email", "user@evil.com.example.com");
            assertThat(accepted(b.base64(), expectation()).nameId()).isEqualTo("user@evil.com.example.com");

            Document doc = b.document();
            splitWithComment(TestSamlResponses.find(doc, SAML, "NameID"), "user@evil.com", ".example.com");
            splitWithComment((Element) doc.getElementsByTagNameNS(SAML, "AttributeValue").item(4), "user@evil.com",
                    ".example.com");
            assertThat(TestSamlResponses.serialize(doc)).contains("user@evil.com<!---->.example.com");

            SamlIdentity identity = accepted(encode(doc), expectation());
            assertThat(identity.nameId()).isEqualTo("user@evil.com.example.com");
            assertThat(identity.email()).contains("user@evil.com.example.com");
        }

        private void splitWithComment(Element element, String before, String after) {
            assertThat(element.getTextContent()).isEqualTo(before + after);
            while (element.getFirstChild() != null) {
                element.removeChild(element.getFirstChild());
            }
            Document doc = element.getOwnerDocument();
            element.appendChild(doc.createTextNode(before));
            element.appendChild(doc.createComment(""));
            element.appendChild(doc.createTextNode(after));
        }
    }

    @Nested
    class Parsing {
        @Test
        void doctypeWithAnExternalEntity() {
            String xml = response().xml();
            accepted(TestSamlResponses.base64(xml), expectation());

            String xxe = xml.replaceFirst("\\?>", "?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>")
                    .replace("alice@acme.example</saml2:NameID>", "&xxe;</saml2:NameID>");
            rejected(TestSamlResponses.base64(xxe), expectation(), RejectReason.SAML_MALFORMED);
        }

        @Test
        void entityExpansionBomb() {
            String xml = response().xml();
            accepted(TestSamlResponses.base64(xml), expectation());

            String bomb = xml.replaceFirst("\\?>", "?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
                    + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;\">]>")
                    .replace("alice@acme.example</saml2:NameID>", "&d;</saml2:NameID>");
            rejected(TestSamlResponses.base64(bomb), expectation(), RejectReason.SAML_MALFORMED);
        }

        @Test
        void base64Garbage() {
            accepted(response().base64(), expectation());

            rejected("%%%not-base64!!", expectation(), RejectReason.SAML_MALFORMED);
            rejected(Base64.getEncoder().encodeToString("not xml at all".getBytes(StandardCharsets.UTF_8)),
                    expectation(), RejectReason.SAML_MALFORMED);
            rejected("", expectation(), RejectReason.SAML_MALFORMED);
            rejected(null, expectation(), RejectReason.SAML_MALFORMED);
            // characters beyond ASCII are never base64, whether Latin-1 or not, nor is a no-break space
            String good = response().base64();
            for (String stranger : new String[] {"\u00e9", "\u0100", "\u00a0", "\u20ac", "\ud83d\ude00", "\u0000"}) {
                rejected(good.substring(0, 40) + stranger + good.substring(40), expectation(),
                        RejectReason.SAML_MALFORMED);
            }
        }

        @Test
        void base64WithLineBreaksAsSomeIdpsSendIt() {
            String wrapped = Base64.getMimeEncoder().encodeToString(response().xml().getBytes(StandardCharsets.UTF_8));
            accepted(wrapped, expectation());
            accepted(" \t" + wrapped.replace("\r\n", "\n") + "\n", expectation());
            // whitespace as Java defines it, Unicode's line separator included, as before
            accepted(wrapped.replace("\r\n", "\u2028\u000b"), expectation());
        }

        @Test
        void notAResponse() {
            accepted(response().base64(), expectation());

            String logout = "<samlp:LogoutRequest xmlns:samlp=\"" + SAMLP + "\" ID=\"x\" Version=\"2.0\"/>";
            rejected(TestSamlResponses.base64(logout), expectation(), RejectReason.SAML_MALFORMED);
        }

        @Test
        void tooLarge() {
            accepted(response().attribute("blob", "x".repeat(100_000)).base64(), expectation());

            rejected(response().attribute("blob", "x".repeat(300_000)).base64(), expectation(),
                    RejectReason.SAML_TOO_LARGE);
            rejected("A".repeat(5_000_000), expectation(), RejectReason.SAML_TOO_LARGE);
        }

        @Test
        void deeplyNestedElements() {
            accepted(response().base64(), expectation());

            // deeper than any real response, yet within the JDK parser's own limits: our bound answers
            String deep = "<a>".repeat(60) + "</a>".repeat(60);
            String xml = response().xml().replace("</saml2p:Status>", "</saml2p:Status><saml2p:Extensions>" + deep
                    + "</saml2p:Extensions>");
            assertThat(rejected(TestSamlResponses.base64(xml), expectation(), RejectReason.SAML_MALFORMED).detail())
                    .contains("nested too deeply");
            String deeper = "<a>".repeat(5000) + "</a>".repeat(5000);
            rejected(TestSamlResponses.base64(response().xml().replace("</saml2p:Status>", "</saml2p:Status>"
                    + "<saml2p:Extensions>" + deeper + "</saml2p:Extensions>")), expectation(),
                            RejectReason.SAML_MALFORMED);
        }

        @Test
        void mutatedResponsesAreNeverAccepted() {
            String xml = response().signResponse(Signing.with(IDP)).encryptFor(SP.certificate()).xml();
            accepted(TestSamlResponses.base64(xml), expectation().decryptionKeys(SP.privateKey()));
            byte[] original = xml.getBytes(StandardCharsets.UTF_8);
            // every byte from the Response's start tag on is signed or is the signature itself, except
            // the KeyInfo that only names the signer (pinned trust never verifies with it): flips there
            // may be harmless, flips anywhere else must never pass
            int from = xml.indexOf("<saml2p:Response");
            int keyInfoStart = xml.indexOf("<ds:KeyInfo", xml.indexOf("<ds:SignatureValue"));
            int keyInfoEnd = xml.indexOf("</ds:KeyInfo>", keyInfoStart) + "</ds:KeyInfo>".length();
            assertThat(from).isPositive();
            assertThat(keyInfoStart).isGreaterThan(from);
            Random random = new Random(42);
            int refused = 0;
            for (int i = 0; i < 300; i++) {
                byte[] bytes = original.clone();
                int cut = i % 3 == 0 ? from + random.nextInt(bytes.length - from) : bytes.length;
                for (int flips = 0; flips < 3; flips++) {
                    int at;
                    do {
                        at = from + random.nextInt(bytes.length - from);
                    } while (at >= keyInfoStart && at < keyInfoEnd);
                    bytes[at] = (byte) (bytes[at] ^ (1 << random.nextInt(7)));
                }
                String posted = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, cut));
                SamlValidationResult result = validator.validate(posted,
                        expectation().decryptionKeys(SP.privateKey()).build());
                int mutation = i;
                assertThat(result).as("mutation %d", mutation).isInstanceOfSatisfying(Rejected.class,
                        r -> assertThat(r.reason()).as("mutation %d: %s", mutation, r.detail())
                                .isNotEqualTo(RejectReason.SAML_INTERNAL_ERROR));
                refused++;
            }
            assertThat(refused).isEqualTo(300);
        }
    }

    @Nested
    class Decryption {
        @Test
        void encryptedForAnotherSpKey() {
            String encrypted = response().encryptFor(SP.certificate()).base64();
            accepted(encrypted, expectation().decryptionKeys(SP.privateKey()));

            rejected(encrypted, expectation().decryptionKeys(OTHER_SP.privateKey()),
                    RejectReason.SAML_DECRYPTION_FAILED);
            rejected(encrypted, expectation().decryptionKeys(), RejectReason.SAML_DECRYPTION_FAILED);
        }

        @Test
        void encryptedAssertionHidingASecondAssertion() {
            accepted(response().encryptFor(SP.certificate()).base64(), expectation().decryptionKeys(SP.privateKey()));

            // the IdP-signed assertion smuggles an unsigned one inside; after decryption only one may exist
            Document doc = TestSamlResponses.parse(response().signAssertion(null).xml());
            Element outer = TestSamlResponses.find(doc, SAML, "Assertion");
            Element inner = (Element) doc.importNode(TestSamlResponses.parse(response()
                    .nameId("ceo@acme.example", TestSamlResponses.EMAIL_FORMAT).assertionXml()).getDocumentElement(), true);
            TestSamlResponses.firstChild(outer, SAML, "AttributeStatement").appendChild(inner);
            TestSamlResponses.sign(outer, Signing.with(IDP));
            TestSamlResponses.encrypt(outer, SP.certificate(), org.apache.xml.security.encryption.XMLCipher.AES_256_GCM);
            // an unsigned Response gets one answer for every failure behind the encryption (no padding oracle)
            rejected(encode(doc), expectation().decryptionKeys(SP.privateKey()), RejectReason.SAML_DECRYPTION_FAILED);
            // a signed Response cannot be altered, so the precise reason is safe to give
            TestSamlResponses.sign(doc.getDocumentElement(), Signing.with(IDP));
            rejected(encode(doc), expectation().decryptionKeys(SP.privateKey()), RejectReason.SAML_ASSERTION_COUNT);
        }

        @Test
        void withAnUnsignedResponseEveryFailureBehindTheEncryptionLooksTheSame() {
            accepted(response().encryptFor(SP.certificate()).base64(), expectation().decryptionKeys(SP.privateKey()));

            // an assertion signed by someone else, then encrypted: not "signature invalid" but the one answer
            KeyAndCertificate other = TestCertificates.valid("not-the-idp");
            rejected(response().signAssertion(Signing.with(other)).encryptFor(SP.certificate()).base64(),
                    expectation().decryptionKeys(SP.privateKey()), RejectReason.SAML_DECRYPTION_FAILED);
            rejected(response().encryptFor(SP.certificate()).base64(),
                    expectation().decryptionKeys(TestCertificates.valid("other-sp").privateKey()),
                    RejectReason.SAML_DECRYPTION_FAILED);
        }
    }

    @Nested
    class Conditions {
        @Test
        void wrongAssertionIssuer() {
            accepted(response().base64(), expectation());

            rejected(response().assertionIssuer("https://evil.example/idp").base64(), expectation(),
                    RejectReason.SAML_ISSUER_MISMATCH);
        }

        @Test
        void wrongResponseIssuer() {
            accepted(response().responseIssuer(null).base64(), expectation());

            rejected(response().responseIssuer("https://evil.example/idp").base64(), expectation(),
                    RejectReason.SAML_ISSUER_MISMATCH);
        }

        @Test
        void wrongDestination() {
            accepted(response().base64(), expectation());

            rejected(response().destination("https://other-sp.example/acs").base64(), expectation(),
                    RejectReason.SAML_DESTINATION_MISMATCH);
        }

        @Test
        void signedResponseWithoutDestination() {
            accepted(response().destination(null).base64(), expectation());
            accepted(response().signResponse(Signing.with(IDP)).base64(), expectation());

            rejected(response().destination(null).signResponse(Signing.with(IDP)).base64(), expectation(),
                    RejectReason.SAML_DESTINATION_MISSING);
        }

        @Test
        void emptyDestinationIsNotThisAcsUrl() {
            accepted(response().destination(null).base64(), expectation());

            rejected(response().destination("").base64(), expectation(), RejectReason.SAML_DESTINATION_MISMATCH);
            rejected(response().destination("").signResponse(Signing.with(IDP)).base64(), expectation(),
                    RejectReason.SAML_DESTINATION_MISMATCH);
        }

        @Test
        void destinationDifferingOnlyInCaseOrATrailingSlash() {
            accepted(response().signResponse(Signing.with(IDP)).base64(), expectation());

            rejected(response().destination(TestSamlResponses.ACS_URL + "/").signResponse(Signing.with(IDP)).base64(),
                    expectation(), RejectReason.SAML_DESTINATION_MISMATCH);
            rejected(response().destination(TestSamlResponses.ACS_URL.toUpperCase(java.util.Locale.ROOT))
                    .signResponse(Signing.with(IDP)).base64(), expectation(), RejectReason.SAML_DESTINATION_MISMATCH);
        }

        @Test
        void wrongRecipient() {
            accepted(response().base64(), expectation());

            rejected(response().recipient("https://other-sp.example/acs").base64(), expectation(),
                    RejectReason.SAML_RECIPIENT_MISMATCH);
            rejected(response().recipient(null).base64(), expectation(), RejectReason.SAML_RECIPIENT_MISMATCH);
        }

        @Test
        void wrongAudience() {
            accepted(response().audiences("urn:other", TestSamlResponses.SP_ENTITY_ID).base64(), expectation());

            Rejected r = rejected(response().audiences("spn:00000000-1111-2222-3333-444444444444").base64(),
                    expectation(), RejectReason.SAML_AUDIENCE_MISMATCH);
            assertThat(r.detail()).contains("spn:00000000");
            rejected(response().audiences().base64(), expectation(), RejectReason.SAML_AUDIENCE_MISMATCH);
        }

        @Test
        void wrongInResponseTo() {
            accepted(response().base64(), expectation());

            rejected(response().inResponseTo("_another-sign-in").base64(), expectation(),
                    RejectReason.SAML_IN_RESPONSE_TO_MISMATCH);
            rejected(response().subjectInResponseTo("_another-sign-in").base64(), expectation(),
                    RejectReason.SAML_IN_RESPONSE_TO_MISMATCH);
            rejected(response().responseInResponseTo(null).base64(), expectation(),
                    RejectReason.SAML_IN_RESPONSE_TO_MISMATCH);
        }

        @Test
        void unsolicitedWhenNotAllowed() {
            String unsolicited = TestSamlResponses.okta(IDP, null, now).base64();
            accepted(unsolicited, expectation().inResponseTo(null).allowIdpInitiated(true));

            rejected(unsolicited, expectation().inResponseTo(null), RejectReason.SAML_UNSOLICITED_REFUSED);
        }

        @Test
        void responseToSomeRequestReplayedAsUnsolicited() {
            accepted(TestSamlResponses.okta(IDP, null, now).base64(),
                    expectation().inResponseTo(null).allowIdpInitiated(true));

            rejected(response().base64(), expectation().inResponseTo(null).allowIdpInitiated(true),
                    RejectReason.SAML_IN_RESPONSE_TO_MISMATCH);
            rejected(response().responseInResponseTo(null).base64(),
                    expectation().inResponseTo(null).allowIdpInitiated(true),
                            RejectReason.SAML_IN_RESPONSE_TO_MISMATCH);
        }

        @Test
        void notYetValidAtTheSkewBoundary() {
            accepted(response().notBefore(now.plusSeconds(60)).base64(), expectation().clockSkewSeconds(60));

            rejected(response().notBefore(now.plusSeconds(61)).base64(), expectation().clockSkewSeconds(60),
                    RejectReason.SAML_NOT_YET_VALID);
        }

        @Test
        void expiredAtTheSkewBoundary() {
            accepted(response().notOnOrAfter(now.minusSeconds(59)).base64(), expectation().clockSkewSeconds(60));

            rejected(response().notOnOrAfter(now.minusSeconds(60)).base64(), expectation().clockSkewSeconds(60),
                    RejectReason.SAML_EXPIRED);
        }

        @Test
        void bearerConfirmationExpiredAtTheSkewBoundary() {
            accepted(response().subjectNotOnOrAfter(now.minusSeconds(29)).base64(), expectation().clockSkewSeconds(30));

            rejected(response().subjectNotOnOrAfter(now.minusSeconds(30)).base64(), expectation().clockSkewSeconds(30),
                    RejectReason.SAML_EXPIRED);
            rejected(response().subjectNotOnOrAfter(null).base64(), expectation(), RejectReason.SAML_EXPIRED);
        }

        @Test
        void replayedLongAfterIssue() {
            String response = response().base64();
            accepted(response, expectation());

            rejected(response, expectation().now(now.plusSeconds(3600)), RejectReason.SAML_EXPIRED);
        }

        @Test
        void statusResponder() {
            accepted(response().base64(), expectation());

            Rejected r = rejected(response().status("urn:oasis:names:tc:SAML:2.0:status:Responder",
                            "urn:oasis:names:tc:SAML:2.0:status:RequestDenied").signResponse(Signing.with(IDP)).base64(),
                    expectation(), RejectReason.SAML_STATUS_NOT_SUCCESS);
            assertThat(r.detail()).contains("urn:oasis:names:tc:SAML:2.0:status:Responder")
                    .contains("RequestDenied");
        }

        @Test
        void noNameId() {
            accepted(response().base64(), expectation());

            rejected(response().nameId(null, null).base64(), expectation(), RejectReason.SAML_SUBJECT_MISSING);
        }

        @Test
        void noSubjectConfirmation() {
            accepted(response().base64(), expectation());

            Document doc = TestSamlResponses.parse(response().signAssertion(null).xml());
            Element confirmation = TestSamlResponses.find(doc, SAML, "SubjectConfirmation");
            confirmation.getParentNode().removeChild(confirmation);
            TestSamlResponses.sign(TestSamlResponses.find(doc, SAML, "Assertion"), Signing.with(IDP));
            rejected(encode(doc), expectation(), RejectReason.SAML_SUBJECT_MISSING);
        }

        @Test
        void detailsNeverQuoteTheWholeResponse() {
            String longIssuer = "https://evil.example/" + "x".repeat(5000);
            Rejected r = rejected(response().assertionIssuer(longIssuer).base64(), expectation(),
                    RejectReason.SAML_ISSUER_MISMATCH);
            assertThat(r.detail()).hasSizeLessThan(600).doesNotContain("<");
        }
    }

    /** The Web Browser SSO profile and the core spec, held strictly: each refusal with its own reason. */
    @Nested
    class StrictProfile {
        private static final String INCLUSIVE_WITH_COMMENTS =
                "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
        private static final String EXCLUSIVE_WITH_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

        @Test
        void responseIssuedInTheFutureBeyondTheSkew() {
            Signing signed = Signing.with(IDP);
            accepted(response().responseIssueInstant(now.plusSeconds(60)).signResponse(signed).base64(),
                    expectation().clockSkewSeconds(60));

            rejected(response().responseIssueInstant(now.plusSeconds(61)).signResponse(signed).base64(),
                    expectation().clockSkewSeconds(60), RejectReason.SAML_ISSUED_IN_FUTURE);
        }

        @Test
        void assertionIssuedInTheFutureBeyondTheSkew() {
            accepted(response().assertionIssueInstant(now.plusSeconds(60)).base64(), expectation().clockSkewSeconds(60));

            rejected(response().assertionIssueInstant(now.plusSeconds(61)).base64(), expectation().clockSkewSeconds(60),
                    RejectReason.SAML_ISSUED_IN_FUTURE);
        }

        @Test
        void assertionIssuedBeforeTheRequestItAnswers() {
            // an assertion the IdP made for an earlier sign-in, still inside its (long) validity windows
            Instant sent = now.minusSeconds(30);
            ExpectationBuilder expected = expectation().requestSentAt(sent).clockSkewSeconds(60);
            accepted(response().assertionIssueInstant(sent.minusSeconds(60)).base64(), expected);

            rejected(response().assertionIssueInstant(sent.minusSeconds(61)).base64(), expected,
                    RejectReason.SAML_ISSUED_BEFORE_REQUEST);
            rejected(response().assertionIssueInstant(now.minus(java.time.Duration.ofDays(7))).base64(), expected,
                    RejectReason.SAML_ISSUED_BEFORE_REQUEST);
        }

        @Test
        void responseIssuedBeforeTheRequestItAnswers() {
            Instant sent = now.minusSeconds(30);
            ExpectationBuilder expected = expectation().requestSentAt(sent).clockSkewSeconds(60);
            accepted(response().responseIssueInstant(sent.minusSeconds(60)).signResponse(Signing.with(IDP)).base64(),
                    expected);

            rejected(response().responseIssueInstant(sent.minusSeconds(61)).signResponse(Signing.with(IDP)).base64(),
                    expected, RejectReason.SAML_ISSUED_BEFORE_REQUEST);
        }

        @Test
        void unsolicitedResponseOlderThanTheUnsolicitedBound() {
            ExpectationBuilder idpInitiated = expectation().inResponseTo(null).allowIdpInitiated(true)
                    .clockSkewSeconds(60);
            Instant oldest = now.minus(SamlExpectation.UNSOLICITED_MAX_AGE).minusSeconds(60);
            accepted(TestSamlResponses.okta(IDP, null, now).assertionIssueInstant(oldest).base64(), idpInitiated);

            rejected(TestSamlResponses.okta(IDP, null, now).assertionIssueInstant(oldest.minusSeconds(1)).base64(),
                    idpInitiated, RejectReason.SAML_ISSUED_TOO_LONG_AGO);
            rejected(TestSamlResponses.okta(IDP, null, now).responseIssueInstant(oldest.minusSeconds(1))
                    .signResponse(Signing.with(IDP)).base64(), idpInitiated, RejectReason.SAML_ISSUED_TOO_LONG_AGO);
        }

        @Test
        void missingOrUnreadableIssueInstant() {
            accepted(response().base64(), expectation());

            Document doc = TestSamlResponses.parse(response().signAssertion(null).xml());
            TestSamlResponses.find(doc, SAML, "Assertion").removeAttribute("IssueInstant");
            TestSamlResponses.sign(TestSamlResponses.find(doc, SAML, "Assertion"), Signing.with(IDP));
            rejected(encode(doc), expectation(), RejectReason.SAML_MALFORMED);
        }

        @Test
        void twoAuthnStatements() {
            accepted(signedAfter(response(), doc -> { }), expectation());

            // which authentication (and which SessionIndex) counts would be ambiguous
            rejected(signedAfter(response(), doc -> {
                Element authn = TestSamlResponses.find(doc, SAML, "AuthnStatement");
                Element second = (Element) authn.cloneNode(true);
                second.setAttribute("SessionIndex", "_other-session");
                authn.getParentNode().insertBefore(second, authn.getNextSibling());
            }), expectation(), RejectReason.SAML_AUTHN_STATEMENT_COUNT);
        }

        @Test
        void anAttributeTheProfileReadsOneValueFromRepeated() {
            // groups split over several elements, as Keycloak's group mapper sends them, still merge
            SamlIdentity merged = accepted(signedAfter(response(), doc -> repeat(doc, "groups", "Admins")),
                    expectation());
            assertThat(merged.groups()).containsExactly("Everyone", "Engineering", "Admins");

            rejected(signedAfter(response().attribute("email", "alice@acme.example"),
                    doc -> repeat(doc, "email", "ceo@acme.example")), expectation(),
                            RejectReason.SAML_ATTRIBUTE_REPEATED);
            rejected(signedAfter(response(), doc -> repeat(doc, "firstName", "Eve")), expectation(),
                    RejectReason.SAML_ATTRIBUTE_REPEATED);
            // in another AttributeStatement, and under another case of the name, just the same
            rejected(signedAfter(response(), doc -> {
                Element statement = TestSamlResponses.find(doc, SAML, "AttributeStatement");
                Element second = (Element) statement.cloneNode(false);
                statement.getParentNode().appendChild(second);
                second.appendChild(attribute(doc, "LASTNAME", "Mallory"));
            }), expectation(), RejectReason.SAML_ATTRIBUTE_REPEATED);
        }

        @Test
        void anAttributeAMapperReadsRepeated() {
            io.gatehouse.idp.Mapper department = new io.gatehouse.idp.Mapper("department",
                    io.gatehouse.idp.Mapper.MapperType.ATTRIBUTE, java.util.Optional.of("department"),
                    "custom.department", java.util.Map.of(), java.util.Optional.empty(), 0);
            String twice = signedAfter(response().attribute("department", "Sales"), doc -> repeat(doc, "department",
                    "Finance"));
            accepted(twice, expectation());
            accepted(signedAfter(response().attribute("department", "Sales"), doc -> { }),
                    expectation().mappers(department));

            rejected(twice, expectation().mappers(department), RejectReason.SAML_ATTRIBUTE_REPEATED);
        }

        @Test
        void nameIdQualifiedForAnotherServiceProvider() {
            accepted(response().spNameQualifier(TestSamlResponses.SP_ENTITY_ID).base64(), expectation());

            rejected(response().spNameQualifier("https://other-sp.example/saml").base64(), expectation(),
                    RejectReason.SAML_NAME_ID_QUALIFIER_MISMATCH);
            rejected(response().spNameQualifier("").base64(), expectation(),
                    RejectReason.SAML_NAME_ID_QUALIFIER_MISMATCH);
        }

        @Test
        void issuerWithAFormatOtherThanEntity() {
            accepted(response().issuerFormat(null).base64(), expectation());
            accepted(response().base64(), expectation());

            rejected(response().issuerFormat(TestSamlResponses.EMAIL_FORMAT).base64(), expectation(),
                    RejectReason.SAML_ISSUER_FORMAT_REFUSED);
            rejected(response().issuerFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")
                    .signResponse(Signing.with(IDP)).base64(), expectation(), RejectReason.SAML_ISSUER_FORMAT_REFUSED);
        }

        @Test
        void canonicalizationWithComments() {
            accepted(response().base64(), expectation());

            for (String withComments : new String[] {EXCLUSIVE_WITH_COMMENTS, INCLUSIVE_WITH_COMMENTS}) {
                rejected(response().signAssertion(Signing.with(IDP).canonicalization(withComments)).base64(),
                        expectation(), RejectReason.SAML_CANONICALIZATION_WITH_COMMENTS);
                rejected(response().signAssertion(Signing.with(IDP).referenceCanonicalization(withComments)).base64(),
                        expectation(), RejectReason.SAML_CANONICALIZATION_WITH_COMMENTS);
                rejected(response().signAssertion(null).signResponse(Signing.with(IDP).canonicalization(withComments))
                        .base64(), expectation().wantAssertionsSigned(false),
                                RejectReason.SAML_CANONICALIZATION_WITH_COMMENTS);
            }
        }

        @Test
        void nameIdWithSurroundingWhitespaceOrControlCharacters() {
            assertThat(accepted(response().base64(), expectation()).nameId()).isEqualTo("alice@acme.example");
            assertThat(accepted(response().nameId("alice smith", TestSamlResponses.EMAIL_FORMAT).base64(),
                    expectation()).nameId()).isEqualTo("alice smith");

            for (String padded : new String[] {" alice@acme.example", "alice@acme.example\n", "\talice@acme.example",
                    "alice@acme.example\u00a0", "alice\u0085@acme.example", "alice@acme.example\u200b",
                    "\u202ealice@acme.example", "alice\u2028@acme.example"}) {
                rejected(response().nameId(padded, TestSamlResponses.EMAIL_FORMAT).base64(), expectation(),
                        RejectReason.SAML_NAME_ID_NOT_EXACT);
            }
        }

        @Test
        void emailWithSurroundingWhitespaceOrControlCharacters() {
            assertThat(accepted(response().attribute("email", "alice@acme.example").base64(), expectation()).email())
                    .contains("alice@acme.example");

            rejected(response().attribute("email", "alice@acme.example ").base64(), expectation(),
                    RejectReason.SAML_EMAIL_NOT_EXACT);
            rejected(response().attribute("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                    "\nceo@acme.example").base64(), expectation(), RejectReason.SAML_EMAIL_NOT_EXACT);
        }

        @Test
        void anEmailAMapperReadsWithSurroundingWhitespace() {
            io.gatehouse.idp.Mapper corpMail = new io.gatehouse.idp.Mapper("email", io.gatehouse.idp.Mapper.MapperType.ATTRIBUTE,
                    java.util.Optional.of("corpMail"), "email", java.util.Map.of(), java.util.Optional.empty(), 0);
            String padded = response().attribute("corpMail", " ceo@acme.example").base64();
            accepted(padded, expectation());
            accepted(response().attribute("corpMail", "alice@acme.example").base64(), expectation().mappers(corpMail));

            rejected(padded, expectation().mappers(corpMail), RejectReason.SAML_EMAIL_NOT_EXACT);
        }

        /** The response with its assertion changed by {@code change} before the IdP signs it. */
        private String signedAfter(Builder builder, java.util.function.Consumer<Document> change) {
            Document doc = TestSamlResponses.parse(builder.signAssertion(null).xml());
            change.accept(doc);
            TestSamlResponses.sign(TestSamlResponses.find(doc, SAML, "Assertion"), Signing.with(IDP));
            return encode(doc);
        }

        /** A second Attribute element of that name, after the first. */
        private void repeat(Document doc, String name, String value) {
            Element statement = TestSamlResponses.find(doc, SAML, "AttributeStatement");
            statement.appendChild(attribute(doc, name, value));
        }

        private Element attribute(Document doc, String name, String value) {
            Element attribute = doc.createElementNS(SAML, "saml2:Attribute");
            attribute.setAttribute("Name", name);
            Element v = doc.createElementNS(SAML, "saml2:AttributeValue");
            v.setTextContent(value);
            attribute.appendChild(v);
            return attribute;
        }
    }
}
