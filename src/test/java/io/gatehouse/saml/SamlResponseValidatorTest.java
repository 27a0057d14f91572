package io.gatehouse.saml;

import static io.gatehouse.testkit.TestSamlResponses.ACS_URL;
import static io.gatehouse.testkit.TestSamlResponses.IDP_ENTITY_ID;
import static io.gatehouse.testkit.TestSamlResponses.SP_ENTITY_ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.saml.SamlValidationResult.Accepted;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSamlResponses.Signing;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.xml.security.encryption.XMLCipher;
import org.junit.jupiter.api.Test;

/** Responses a real IdP sends, in every supported shape, are accepted and read completely. */
class SamlResponseValidatorTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("Okta acme");
    private static final KeyAndCertificate IDP_NEXT = TestCertificates.valid("Okta acme 2027");
    private static final KeyAndCertificate IDP_EC = TestCertificates.ec("Okta acme EC");
    private static final KeyAndCertificate SP = TestCertificates.valid("Gatehouse SP");
    private static final String REQUEST = "_req" + TestSamlResponses.newId();

    private final SamlResponseValidator validator = new SamlResponseValidator();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private SamlIdentity accepted(String response, SamlExpectation expected) {
        SamlValidationResult result = validator.validate(response, expected);
        assertThat(result).isInstanceOf(Accepted.class);
        return ((Accepted) result).identity();
    }

    @Test
    void assertionSignedOnlyIsReadCompletely() {
        var response = TestSamlResponses.okta(IDP, REQUEST, now);

        SamlIdentity identity = accepted(response.base64(),
                TestSamlResponses.expectation(IDP.certificate(), REQUEST, now).build());

        assertThat(identity.assertionId()).isEqualTo(response.assertionId());
        assertThat(identity.issuer()).isEqualTo(IDP_ENTITY_ID);
        assertThat(identity.nameId()).isEqualTo("alice@acme.example");
        assertThat(identity.nameIdFormat()).isEqualTo(TestSamlResponses.EMAIL_FORMAT);
        assertThat(identity.email()).contains("alice@acme.example");
        assertThat(identity.firstName()).contains("Alice");
        assertThat(identity.lastName()).contains("Liddell");
        assertThat(identity.groups()).containsExactly("Everyone", "Engineering");
        assertThat(identity.sessionIndex()).isPresent();
        assertThat(identity.authnInstant()).isEqualTo(now.minusSeconds(2));
        assertThat(identity.expiresAt()).isEqualTo(now.plus(Duration.ofMinutes(5)));
        assertThat(identity.attributes()).containsEntry("groups", List.of("Everyone", "Engineering"))
                .containsKeys("firstName", "lastName");
    }

    @Test
    void responseSignedOnly() {
        String response = TestSamlResponses.okta(IDP, REQUEST, now).signAssertion(null)
                .signResponse(Signing.with(IDP)).base64();

        SamlIdentity identity = accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now)
                .wantAssertionsSigned(false).wantResponseSigned(true).build());

        assertThat(identity.nameId()).isEqualTo("alice@acme.example");
    }

    @Test
    void responseAndAssertionSigned() {
        String response = TestSamlResponses.okta(IDP, REQUEST, now).signResponse(Signing.with(IDP)).base64();

        accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now)
                .wantAssertionsSigned(true).wantResponseSigned(true).build());
    }

    @Test
    void encryptedAssertionWithAesGcm() {
        String response = TestSamlResponses.okta(IDP, REQUEST, now).encryptFor(SP.certificate())
                .signResponse(Signing.with(IDP)).base64();

        SamlIdentity identity = accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now)
                .wantResponseSigned(true).decryptionKeys(SP.privateKey()).build());

        assertThat(identity.nameId()).isEqualTo("alice@acme.example");
    }

    @Test
    void encryptedSignedAssertionWithAesCbcInAnUnsignedResponse() {
        String response = TestSamlResponses.okta(IDP, REQUEST, now).encryptFor(SP.certificate())
                .contentCipher(XMLCipher.AES_128).base64();

        SamlIdentity identity = accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now)
                .decryptionKeys(SP.privateKey()).build());

        assertThat(identity.groups()).contains("Engineering");
    }

    @Test
    void encryptedAssertionWithTheSecondOfTwoSpKeysDuringRotation() {
        KeyAndCertificate oldSp = TestCertificates.valid("Gatehouse SP old");
        String response = TestSamlResponses.okta(IDP, REQUEST, now).encryptFor(SP.certificate()).base64();

        accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now)
                .decryptionKeys(oldSp.privateKey(), SP.privateKey()).build());
    }

    @Test
    void ecdsaSignedAssertion() {
        String response = TestSamlResponses.okta(IDP_EC, REQUEST, now).base64();

        accepted(response, TestSamlResponses.expectation(IDP_EC.certificate(), REQUEST, now).build());
    }

    @Test
    void rsaSha512Signature() {
        String response = TestSamlResponses.okta(IDP, REQUEST, now).signAssertion(Signing.with(IDP).algorithm(
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "http://www.w3.org/2001/04/xmlenc#sha512"))
                .base64();

        accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now).build());
    }

    @Test
    void fingerprintModeVerifiesWithTheCertificateInKeyInfo() {
        String response = TestSamlResponses.okta(IDP, REQUEST, now).base64();

        accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now)
                .fingerprint(FingerprintAlgorithm.SHA256, IDP.certificate()).build());
    }

    @Test
    void rotationWithTwoPinnedCertificatesAcceptsEither() {
        var expected = TestSamlResponses.expectation(IDP.certificate(), REQUEST, now)
                .pinned(IDP.certificate(), IDP_NEXT.certificate()).build();

        accepted(TestSamlResponses.okta(IDP, REQUEST, now).base64(), expected);
        accepted(TestSamlResponses.okta(IDP_NEXT, REQUEST, now).base64(), expected);
    }

    @Test
    void idpInitiatedWhenAllowed() {
        String response = TestSamlResponses.okta(IDP, null, now).base64();

        SamlIdentity identity = accepted(response, TestSamlResponses.expectation(IDP.certificate(), null, now)
                .allowIdpInitiated(true).build());

        assertThat(identity.email()).contains("alice@acme.example");
    }

    @Test
    void entraClaimNamesFillTheConvenienceFields() {
        String response = TestSamlResponses.okta(IDP, REQUEST, now).noAttributes()
                .nameId("8f3a7c2e-opaque", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
                .attribute("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "bob@contoso.example")
                .attribute("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "Bob")
                .attribute("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "Builder")
                .attribute("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", "g-1", "g-2")
                .sessionIndex(null).base64();

        SamlIdentity identity = accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now).build());

        assertThat(identity.nameId()).isEqualTo("8f3a7c2e-opaque");
        assertThat(identity.email()).contains("bob@contoso.example");
        assertThat(identity.firstName()).contains("Bob");
        assertThat(identity.lastName()).contains("Builder");
        assertThat(identity.groups()).containsExactly("g-1", "g-2");
        assertThat(identity.sessionIndex()).isEmpty();
    }

    @Test
    void expiryIsTheEarliestNotOnOrAfter() {
        String response = TestSamlResponses.okta(IDP, REQUEST, now).subjectNotOnOrAfter(now.plusSeconds(90))
                .notOnOrAfter(now.plusSeconds(3600)).base64();

        SamlIdentity identity = accepted(response, TestSamlResponses.expectation(IDP.certificate(), REQUEST, now).build());

        assertThat(identity.expiresAt()).isEqualTo(now.plusSeconds(90));
    }

    @Test
    void expectationFromRegisteredSettings() {
        var settings = new io.gatehouse.idp.SamlSettings(new io.gatehouse.idp.SamlSettings.SamlSource.MetadataXml("<x/>"),
                new io.gatehouse.idp.SamlSettings.ResolvedSamlIdp(Optional.of(IDP_ENTITY_ID), List.of(), List.of(),
                        new io.gatehouse.idp.SamlSettings.CertificateTrust.Pinned(List.of(TestCertificates.pem(IDP.certificate()))),
                        List.of(), Optional.empty(), Optional.empty(), Optional.empty(), false),
                new io.gatehouse.idp.SamlSettings.SamlOptions(io.gatehouse.idp.saml.SamlBinding.HTTP_POST, Optional.empty(), true,
                        false, Optional.empty(), false, false, false, false,
                        io.gatehouse.idp.saml.SignatureAlgorithm.RSA_SHA256, 60, 86_400, Optional.empty()));
        SamlExpectation expected = SamlExpectation.of(settings, List.of(), SP_ENTITY_ID, ACS_URL,
                Optional.of(new SamlExpectation.SentRequest(REQUEST, now.minusSeconds(10))), List.of(SP.privateKey()), now);

        accepted(TestSamlResponses.okta(IDP, REQUEST, now).base64(), expected);
        assertThat(expected.toString()).contains("1 redacted").doesNotContain("modulus");
    }

    @Test
    void withoutAConfiguredEntityIdThePinnedCertificateAuthenticatesButAnIssuerIsStillRequired() {
        SamlExpectation noEntityId = TestSamlResponses.expectation(IDP.certificate(), REQUEST, now).idpEntityId(null)
                .build();
        accepted(TestSamlResponses.okta(IDP, REQUEST, now).base64(), noEntityId);
        SamlValidationResult noIssuer = validator.validate(TestSamlResponses.okta(IDP, REQUEST, now).issuer("").base64(),
                noEntityId);
        assertThat(noIssuer).isInstanceOfSatisfying(SamlValidationResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.SAML_ISSUER_MISMATCH));
    }
}
