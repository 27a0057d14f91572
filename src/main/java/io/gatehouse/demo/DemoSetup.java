package io.gatehouse.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.gatehouse.access.Caller;
import io.gatehouse.api.ProblemException;
import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.crypto.KeyAlgorithm;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.SelfSignedCertificates;
import io.gatehouse.domains.DomainOwnership;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.issuer.Applications;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.tenancy.Orgs;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.core.annotation.Order;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Demo mode ({@code GATEHOUSE_DEMO=true}): a demo org with two built-in identity providers served
 * by Gatehouse itself (SAML and OIDC, each with two demo users) and a demo application page. Keys
 * and secrets are made anew at each start and the demo's records replaced, so nothing demo-made
 * outlives the demo. Nothing here exists when demo mode is off.
 */
@Component
class DemoSetup {
    static final OrgId ORG = new OrgId("demo");
    static final String SAML_ALIAS = "demo-saml";
    static final String OIDC_ALIAS = "demo-oidc";
    static final String SAML_DOMAIN = "saml-demo.example.com";
    static final String OIDC_DOMAIN = "oidc-demo.example.com";
    static final String APP_CLIENT_ID = "demo-app";
    static final String OIDC_CLIENT_ID = "gatehouse-demo";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final GatehouseProperties properties;
    private final Orgs orgs;
    private final IdentityProviders registry;
    private final Applications applications;
    private final Clock clock;
    private final DomainOwnership ownership;
    private volatile State state;

    DemoSetup(GatehouseProperties properties, Orgs orgs, IdentityProviders registry, Applications applications,
              Clock clock, DomainOwnership ownership) {
        this.ownership = ownership;
        this.properties = properties;
        this.orgs = orgs;
        this.registry = registry;
        this.applications = applications;
        this.clock = clock;
    }

    /** The demo's keys and secrets for this run. */
    record State(KeyAndCertificate samlKey, RSAKey oidcKey, String oidcClientSecret, String appSecret) {
        @Override
        public String toString() {
            return "DemoState[redacted]";
        }
    }

    boolean enabled() {
        return properties.demo();
    }

    Optional<State> state() {
        return Optional.ofNullable(state);
    }

    String baseUrl() {
        return properties.baseUrl();
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void setUp() {
        if (!properties.demo()) {
            return;
        }
        KeyAndCertificate samlKey = SelfSignedCertificates.generate("Gatehouse demo SAML IdP", KeyAlgorithm.RSA_2048,
                clock.instant().minus(Duration.ofMinutes(5)), Duration.ofDays(365));
        RSAKey oidcKey;
        try {
            oidcKey = new RSAKeyGenerator(2048).keyID("demo-" + RandomTokens.urlSafe(6)).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        State s = new State(samlKey, oidcKey, RandomTokens.urlSafe(24), RandomTokens.urlSafe(24));
        if (orgs.find(ORG).isEmpty()) {
            orgs.create(ORG, "Demo organization", true, 10);
        }
        Caller admin = new Caller.PlatformAdmin();
        String base = properties.baseUrl();
        replace(admin, SAML_ALIAS, samlIdp(base, samlKey));
        replace(admin, OIDC_ALIAS, oidcIdp(base, s.oidcClientSecret()));
        // the demo's domains are its own (nobody publishes a TXT record for example.com): verified by hand,
        // method manual, as the platform key would
        for (String domain : List.of(SAML_DOMAIN, OIDC_DOMAIN)) {
            ownership.verify(admin, ORG, domain, new DomainOwnership.Proof.Manual(), Optional.empty());
        }
        applications.delete(APP_CLIENT_ID);
        applications.register(APP_CLIENT_ID, "Demo application", List.of(base + "/demo/callback"),
                Optional.of(List.of(ORG)), Optional.of(s.appSecret()), "ES256", clock.instant());
        state = s;
    }

    private void replace(Caller admin, String alias, ObjectNode body) {
        try {
            registry.get(admin, ORG, alias);
            registry.delete(admin, ORG, alias);
        } catch (ProblemException e) {
            // not there yet
        }
        registry.create(admin, ORG, body);
    }

    private static ObjectNode samlIdp(String base, KeyAndCertificate key) {
        String entityId = base + "/demo/idp/saml";
        String metadata = """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%1$s">
                  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
                      <ds:X509Data><ds:X509Certificate>%2$s</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
                    </md:KeyDescriptor>
                    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                        Location="%1$s/sso"/>
                  </md:IDPSSODescriptor>
                </md:EntityDescriptor>""".formatted(entityId, Base64.getEncoder().encodeToString(encoded(key)));
        ObjectNode body = JSON.createObjectNode().put("alias", SAML_ALIAS)
                .put("display_name", "Demo SAML IdP (built in, demo only)").put("protocol", "saml");
        body.putArray("domains").add(SAML_DOMAIN);
        body.putObject("saml").put("metadata_xml", metadata).put("name_id_format",
                "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
        // SAML asserts no "verified" flag: the addresses are verified because the org claims their domain
        body.putArray("mappers").addObject().put("name", "where the user came from").put("type", "hardcoded")
                .put("target", "custom.signed_in_with").put("value", "demo SAML IdP");
        return body;
    }

    private static ObjectNode oidcIdp(String base, String secret) {
        String issuer = base + "/demo/idp/oidc";
        ObjectNode body = JSON.createObjectNode().put("alias", OIDC_ALIAS)
                .put("display_name", "Demo OIDC IdP (built in, demo only)").put("protocol", "oidc");
        body.putArray("domains").add(OIDC_DOMAIN);
        body.putObject("oidc").put("issuer", issuer).put("client_id", OIDC_CLIENT_ID).put("client_secret", secret)
                .put("authorization_endpoint", issuer + "/authorize").put("token_endpoint", issuer + "/token")
                .put("userinfo_endpoint", issuer + "/userinfo").put("jwks_uri", issuer + "/jwks");
        return body;
    }

    private static byte[] encoded(KeyAndCertificate key) {
        try {
            return key.certificate().getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static IdpAlias alias(String value) {
        return IdpAlias.parse(value).orElseThrow();
    }
}
