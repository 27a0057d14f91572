package io.gatehouse.idp.saml;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.idp.saml.MetadataParseResult.MetadataProblem;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestIdpMetadata;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Metadata as the products export it parses; anything that could never work, or could attack, is refused. */
class SamlMetadataParserTest {
    private static final X509Certificate SIGNING = TestCertificates.valid("idp-signing").certificate();
    private static final X509Certificate NEXT = TestCertificates.valid("idp-signing-next").certificate();
    private static final X509Certificate ENCRYPTION = TestCertificates.valid("idp-encryption").certificate();
    private final SamlMetadataParser parser = new SamlMetadataParser();
    private final Instant now = Instant.now();

    private IdpMetadata parsed(String xml) {
        MetadataParseResult result = parser.parse(xml, Optional.empty(), now);
        assertThat(result).as(result.toString()).isInstanceOf(MetadataParseResult.Parsed.class);
        return ((MetadataParseResult.Parsed) result).metadata();
    }

    private List<String> problems(String xml) {
        MetadataParseResult result = parser.parse(xml, Optional.empty(), now);
        assertThat(result).isInstanceOf(MetadataParseResult.Rejected.class);
        return ((MetadataParseResult.Rejected) result).problems().stream().map(MetadataProblem::code).toList();
    }

    @Test
    void okta() {
        IdpMetadata m = parsed(TestIdpMetadata.okta("http://www.okta.com/exk1", SIGNING));
        assertThat(m.entityId()).isEqualTo("http://www.okta.com/exk1");
        assertThat(m.singleSignOnServices()).extracting(SamlEndpoint::binding)
                .containsExactly(SamlBinding.HTTP_POST, SamlBinding.HTTP_REDIRECT);
        assertThat(m.singleLogoutServices()).hasSize(1);
        assertThat(m.signingCertificates()).containsExactly(SIGNING);
        assertThat(m.nameIdFormats()).contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
        assertThat(m.wantAuthnRequestsSigned()).isFalse();
    }

    @Test
    void entraWithRotationAndValidUntil() {
        Instant until = now.plus(Duration.ofDays(60)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        IdpMetadata m = parsed(TestIdpMetadata.entra("tenant-1", List.of(SIGNING, NEXT), Optional.of(until)));
        assertThat(m.entityId()).isEqualTo("https://sts.windows.net/tenant-1/");
        assertThat(m.signingCertificates()).containsExactly(SIGNING, NEXT);
        assertThat(m.validUntil()).contains(until);
    }

    @Test
    void adfsSeparatesSigningFromEncryption() {
        IdpMetadata m = parsed(TestIdpMetadata.adfs("adfs.acme.com", SIGNING, ENCRYPTION));
        assertThat(m.signingCertificates()).containsExactly(SIGNING);
        assertThat(m.encryptionCertificates()).containsExactly(ENCRYPTION);
        assertThat(m.singleLogoutServices()).hasSize(2);
        assertThat(m.nameIdFormats()).hasSize(3);
    }

    @Test
    void keycloakInsideEntitiesDescriptorWithKeyWithoutUse() {
        IdpMetadata m = parsed(TestIdpMetadata.keycloak("https://kc.acme.com/realms/acme", SIGNING));
        assertThat(m.entityId()).isEqualTo("https://kc.acme.com/realms/acme");
        assertThat(m.signingCertificates()).containsExactly(SIGNING);
        assertThat(m.singleSignOnServices()).extracting(SamlEndpoint::binding).contains(SamlBinding.HTTP_ARTIFACT);
        assertThat(m.wantAuthnRequestsSigned()).isTrue();
    }

    @Test
    void google() {
        IdpMetadata m = parsed("\uFEFF" + TestIdpMetadata.google("C0abc", SIGNING));
        assertThat(m.entityId()).isEqualTo("https://accounts.google.com/o/saml2?idpid=C0abc");
        assertThat(m.singleLogoutServices()).isEmpty();
    }

    @Test
    void externalEntitiesAreNeverResolved() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE md [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&xxe;"/>""";
        assertThat(problems(xxe)).containsExactly("metadata.doctype_not_allowed");
    }

    @Test
    void entityExpansionBombsAreRefused() {
        String lol = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
                <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&lol3;"/>""";
        assertThat(problems(lol)).containsExactly("metadata.doctype_not_allowed");
    }

    @Test
    void notMetadataAtAll() {
        assertThat(problems("this is not xml")).containsExactly("metadata.malformed");
        assertThat(problems("<html><body>Sign in</body></html>")).containsExactly("metadata.not_saml_metadata");
        assertThat(problems("<EntityDescriptor entityID=\"x\"/>")).containsExactly("metadata.not_saml_metadata");
    }

    @Test
    void spMetadataIsNotIdpMetadata() {
        String sp = """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example.com">
                  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.com/acs" index="0"/>
                  </md:SPSSODescriptor>
                </md:EntityDescriptor>""";
        assertThat(problems(sp)).containsExactly("metadata.no_idp_descriptor");
    }

    @Test
    void saml11OnlyIsRefused() {
        String saml11 = TestIdpMetadata.okta("https://idp", SIGNING)
                .replace("urn:oasis:names:tc:SAML:2.0:protocol", "urn:oasis:names:tc:SAML:1.1:protocol");
        assertThat(problems(saml11)).containsExactly("metadata.no_idp_descriptor");
    }

    @Test
    void missingPiecesAreAllReported() {
        String bare = """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp" validUntil="2001-01-01T00:00:00Z">
                  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>
                </md:EntityDescriptor>""";
        assertThat(problems(bare)).containsExactlyInAnyOrder("metadata.expired", "metadata.no_sso_service",
                "metadata.no_signing_certificate");
    }

    @Test
    void garbageCertificatesAreNamed() {
        String bad = TestIdpMetadata.okta("https://idp", SIGNING).replace(TestCertificates.base64(SIGNING), "AAAA");
        assertThat(problems(bad)).containsExactly("metadata.invalid_certificate");
    }

    @Test
    void twoIdpsNeedAChoice() {
        String two = """
                <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">
                %s
                %s
                </md:EntitiesDescriptor>""".formatted(
                TestIdpMetadata.okta("https://one", SIGNING).replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", ""),
                TestIdpMetadata.okta("https://two", SIGNING).replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", ""));
        assertThat(problems(two)).containsExactly("metadata.ambiguous_entity");
        MetadataParseResult chosen = parser.parse(two, Optional.of("https://two"), now);
        assertThat(((MetadataParseResult.Parsed) chosen).metadata().entityId()).isEqualTo("https://two");
    }
}
