package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.BrowserSession;
import io.gatehouse.testkit.BrowserSession.Form;
import io.gatehouse.testkit.BrowserSession.Page;
import io.gatehouse.testkit.KeycloakServer.NameIdFormat;
import io.gatehouse.testkit.KeycloakServer.SamlAttributeNames;
import io.gatehouse.testkit.KeycloakServer.SamlClientOptions;
import io.gatehouse.testkit.KeycloakServer.SamlSignatureAlgorithm;
import io.gatehouse.testkit.KeycloakServer.User;
import io.gatehouse.testkit.OnH2;
import io.gatehouse.testkit.TestSamlResponses;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gatehouse as a SAML service provider of a real Keycloak, registered by its metadata URL: a user signs in through
 * Keycloak's login form over the Redirect and POST bindings, with signed AuthnRequests, with encrypted assertions, and
 * signs out again through Keycloak's single logout.
 */
@OnH2
class KeycloakSamlInteropTest extends AgainstKeycloak {
    private static final String REALM = "gatehouse-saml-interop";
    private static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";
    private static final User ALICE = User.of("alice", "alice-password-1", "alice@saml-interop.example", "Alice",
            "Liddell", "engineering");

    private String org;
    private String key;

    @BeforeAll
    static void setUpRealm() {
        createRealm(REALM);
        keycloak.createGroup(REALM, "engineering");
        keycloak.createUser(REALM, ALICE);
    }

    @BeforeEach
    void setUpOrg() {
        org = createOrg(uniqueOrgId("kc-saml"));
        key = createKey(org, "idp_manager");
    }

    /**
     * Registers Keycloak's realm by its metadata URL as "keycloak", then the matching SAML client in Keycloak (its
     * options decided once Gatehouse's SP exists, so they can name its certificates).
     */
    private void register(String extraSaml, UnaryOperator<SamlClientOptions> client) {
        ObjectNode body = ApiClient.parse("""
                {"alias": "keycloak", "display_name": "Keycloak", "protocol": "saml",
                 "logout_redirect_url": "%s/signed-out",
                 "saml": {"metadata_url": "%s"%s}}""".formatted(APP, keycloak.samlDescriptorUrl(REALM), extraSaml));
        JsonNode sp = createIdp(org, key, body).get("sp");
        SamlClientOptions options = client.apply(SamlClientOptions.defaults()
                .withFrontChannelLogout(sp.get("slo_url").asString()));
        keycloak.samlClient(REALM, sp.get("entity_id").asString(), sp.get("acs_url").asString(), options);
    }

    /** From the browser's first request at Gatehouse to its result page, through Keycloak's login form. */
    private Page signIn(BrowserSession browser) {
        Page login = browser.open(local("/sso/" + org + "/keycloak/login"));
        if (login.autoSubmitForm().isPresent()) {
            // the POST binding: Gatehouse's self-posting AuthnRequest form, then Keycloak's login form
            login = browser.continueFlow(login);
        }
        assertThat(login.url().toString()).startsWith(keycloak.issuer(REALM));
        Page answer = browser.login(login, ALICE.username(), ALICE.password());
        return browser.continueFlow(answer);
    }

    private void assertSignedIn(Page result) {
        assertThat(assertSignedInAs(result)).isEqualTo(ALICE.email());
    }

    /** Gatehouse's result page shows the user's email and the mapped attributes; returns the event's subject. */
    private String assertSignedInAs(Page result) {
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        assertThat(result.url().getPath()).isEqualTo("/sso/" + org + "/keycloak/saml/acs");
        assertThat(result.body()).contains("Signed in", ALICE.email(), "Alice", "Liddell", "engineering");
        JsonNode event = lastSignInEvent(org);
        assertThat(event.get("type").asString()).isEqualTo("sign_in.succeeded");
        return event.at("/details/subject").asString();
    }

    /** Gatehouse's logout, Keycloak's single logout, back to Gatehouse's SLO endpoint, then logout_redirect_url. */
    private void signOut(BrowserSession browser) {
        int before = browser.visited().size();
        Page done = browser.continueFlow(browser.get(local("/sso/" + org + "/keycloak/logout")));

        List<URI> hops = browser.visited().subList(before, browser.visited().size());
        assertThat(hops.get(1).toString()).as("Gatehouse's LogoutRequest").startsWith(keycloak.samlEndpoint(REALM));
        assertThat(hops.get(hops.size() - 2).getPath()).as("Keycloak's LogoutResponse")
                .isEqualTo("/sso/" + org + "/keycloak/saml/slo");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("app: /signed-out");
        assertThat(lastSignInEvent(org).get("type").asString()).isEqualTo("sign_out.requested");
        // Keycloak's session is over too: the next sign-in asks for the password again
        Page again = browser.open(local("/sso/" + org + "/keycloak/login"));
        assertThat(browser.continueFlow(again).loginForm()).isPresent();
    }

    @Test
    void redirectBindingSignsInThroughKeycloaksLoginFormAndSignsOutThroughItsSingleLogout() {
        register("", o -> o);
        BrowserSession browser = browser();

        Page result = signIn(browser);

        assertSignedIn(result);
        assertThat(browser.visited().get(1).toString()).startsWith(keycloak.samlEndpoint(REALM) + "?SAMLRequest=");
        signOut(browser);
    }

    @Test
    void postBinding() {
        register(", \"sso_binding\": \"post\"", o -> o);
        BrowserSession browser = browser();

        Page result = signIn(browser);

        assertSignedIn(result);
        assertThat(browser.visited().get(1)).isEqualTo(URI.create(keycloak.samlEndpoint(REALM)));
    }

    @Test
    void signedAuthnRequestsAreVerifiedByKeycloakWithTheCertificateOfGatehousesSpMetadata() {
        register(", \"sign_authn_requests\": true", o -> o.withSignedAuthnRequests(pem(spCertificate("signing"))));
        BrowserSession browser = browser();

        Page result = signIn(browser);

        assertSignedIn(result);
        assertThat(query(browser.visited().get(1))).containsKeys("SigAlg", "Signature");
        // Keycloak now also refuses an unsigned LogoutRequest
        signOut(browser);
    }

    /** Keycloak's default (AES-GCM, RSA-OAEP), and the CBC and OAEP-MGF1P pair older IdPs and ADFS still send. */
    @ParameterizedTest
    @CsvSource({"'', ''",
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc, http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc, http://www.w3.org/2009/xmlenc11#rsa-oaep"})
    void assertionsEncryptedForGatehousesSpEncryptionCertificateAreDecrypted(String data, String keyTransport) {
        register("", o -> {
            SamlClientOptions encrypted = o.withEncryptedAssertions(pem(spCertificate("encryption")));
            return data.isEmpty() ? encrypted : encrypted.withEncryptionAlgorithms(data, keyTransport);
        });
        BrowserSession browser = browser();

        Page login = browser.open(local("/sso/" + org + "/keycloak/login"));
        Page answer = browser.login(login, ALICE.username(), ALICE.password());
        String samlResponse = answer.autoSubmitForm().flatMap(f -> f.value("SAMLResponse")).orElseThrow();
        Document response = TestSamlResponses.parse(new String(Base64.getMimeDecoder().decode(samlResponse),
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(response.getElementsByTagNameNS(TestSamlResponses.SAML, "EncryptedAssertion").getLength())
                .isEqualTo(1);
        assertThat(response.getElementsByTagNameNS(TestSamlResponses.SAML, "Assertion").getLength()).isZero();
        if (!data.isEmpty()) {
            assertThat(TestSamlResponses.serialize(response)).contains(data, keyTransport);
        }

        assertSignedIn(browser.continueFlow(answer));
    }

    @Test
    void aLogoutStartedAtKeycloakEndsGatehousesSessionThroughASignedLogoutRequest() {
        register("", o -> o);
        BrowserSession browser = browser();
        assertSignedIn(signIn(browser));

        // the user logs out at Keycloak itself (its OIDC logout page serves every session of the realm)
        Page confirm = browser.open(keycloak.issuer(REALM) + "/protocol/openid-connect/logout");
        Form confirmation = confirm.forms().stream().filter(f -> f.action().getPath().contains("logout"))
                .findFirst().orElseThrow(() -> new AssertionError("no logout confirmation at " + confirm.url()));
        int before = browser.visited().size();
        Page done = browser.continueFlow(browser.submit(confirmation));

        List<URI> logout = browser.visited().subList(before, browser.visited().size());
        assertThat(logout).as("Keycloak's LogoutRequest at Gatehouse, then Gatehouse's LogoutResponse at Keycloak")
                .anySatisfy(u -> assertThat(u.getPath()).isEqualTo("/sso/" + org + "/keycloak/saml/slo"));
        assertThat(logout.getLast().toString()).startsWith(keycloak.issuer(REALM));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(lastSignInEvent(org).get("type").asString()).isEqualTo("sign_out.idp_initiated");
        // Gatehouse's session is over: its own logout no longer goes to Keycloak
        int after = browser.visited().size();
        Page signedOut = browser.open(local("/sso/" + org + "/keycloak/logout"));
        assertThat(signedOut.body()).isEqualTo("app: /signed-out");
        assertThat(browser.visited().subList(after, browser.visited().size()))
                .noneSatisfy(u -> assertThat(u.toString()).startsWith(keycloak.baseUrl()));
    }

    @Test
    void keycloaksConsoleDefaultSignsTheResponseOnlyWhichGatehouseAcceptsWhenToldSo() {
        // a new SAML client in Keycloak's admin console signs documents, not assertions
        register("", o -> o.withSignAssertions(false));
        Page refused = signIn(browser());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains(RejectReason.SAML_SIGNATURE_MISSING.code()).doesNotContain(ALICE.email());
        assertThat(lastSignInEvent(org).at("/details/reason").asString())
                .isEqualTo(RejectReason.SAML_SIGNATURE_MISSING.code());

        patchSaml("{\"want_assertions_signed\": false, \"want_response_signed\": true}");
        assertSignedIn(signIn(browser()));
    }

    @Test
    void anIdpInitiatedSignInFromKeycloakIsAcceptedWhenAllowed() {
        String urlName = org;
        register(", \"allow_idp_initiated\": true", o -> o.withIdpInitiatedSso(urlName));
        BrowserSession browser = browser();

        // with a RelayState, as IdPs send their "default relay state": not one of Gatehouse's sign-in handles
        Page login = browser.open(keycloak.idpInitiatedSsoUrl(REALM, urlName) + "?RelayState=dashboard");
        Page answer = browser.login(login, ALICE.username(), ALICE.password());
        assertThat(answer.autoSubmitForm().flatMap(f -> f.value("RelayState"))).contains("dashboard");

        assertSignedIn(browser.continueFlow(answer));
        assertThat(browser.visited().getFirst().toString()).startsWith(keycloak.baseUrl());
    }

    @Test
    void aResponseSignedWithKeycloaksRotatedKeyMakesGatehouseReReadTheMetadataUrl() {
        register("", o -> o);
        keycloak.rotateRsaSigningKey(REALM);

        assertSignedIn(signIn(browser()));
        Reply events = api.get("/api/orgs/" + org + "/events?category=configuration&limit=5", ADMIN);
        assertThat(events.text()).contains("system:unknown-signing-key", "certificates_added");
    }

    @Test
    void postBindingWithASignedAuthnRequest() {
        register(", \"sso_binding\": \"post\", \"sign_authn_requests\": true",
                o -> o.withSignedAuthnRequests(pem(spCertificate("signing"))));
        BrowserSession browser = browser();

        assertSignedIn(signIn(browser));
        assertThat(browser.visited().get(1)).isEqualTo(URI.create(keycloak.samlEndpoint(REALM)));
        signOut(browser);
    }

    @Test
    void keycloakAnswersOverTheRedirectBindingWithRsaSha512() {
        // Keycloak then sends its LogoutResponse by HTTP-Redirect, signed over the query string
        register("", o -> o.withForcePostBinding(false).withSignatureAlgorithm(SamlSignatureAlgorithm.RSA_SHA512));
        BrowserSession browser = browser();

        assertSignedIn(signIn(browser));
        signOut(browser);
        assertThat(browser.visited()).anySatisfy(u -> assertThat(u.toString())
                .startsWith(local("/sso/" + org + "/keycloak/saml/slo?SAMLResponse=")).contains("Signature="));
    }

    @Test
    void persistentNameIdAndTheClaimUriAttributeNamesOfAdfsAndEntraId() {
        register("", o -> o.withNameIdFormat(NameIdFormat.PERSISTENT)
                .withAttributeNames(SamlAttributeNames.claimUris()));
        BrowserSession browser = browser();

        String subject = assertSignedInAs(signIn(browser));

        assertThat(subject).isNotBlank().isNotEqualTo(ALICE.email());
        // the LogoutRequest names the user by that persistent NameID, and Keycloak finds the session
        signOut(browser);
    }

    @Test
    void aClientImportedIntoKeycloakFromGatehousesSpMetadataWorksWithNoFlagSetByHand() {
        // registered by metadata URL alone: Keycloak's descriptor asks for signed AuthnRequests
        // (WantAuthnRequestsSigned), so Gatehouse signs them and its SP metadata says so
        ObjectNode body = ApiClient.parse("""
                {"alias": "keycloak", "display_name": "Keycloak", "protocol": "saml",
                 "logout_redirect_url": "%s/signed-out",
                 "saml": {"metadata_url": "%s"}}""".formatted(APP, keycloak.samlDescriptorUrl(REALM)));
        JsonNode created = createIdp(org, key, body);
        JsonNode sp = created.get("sp");
        assertThat(created.at("/saml/sign_authn_requests").asBoolean()).isTrue();
        Reply metadata = api.get("/sso/" + org + "/keycloak/saml/metadata", null);
        assertThat(metadata.status()).isEqualTo(200);

        JsonNode client = keycloak.samlClientFromMetadata(REALM, metadata.text());

        JsonNode attributes = client.get("attributes");
        assertThat(client.get("clientId").asString()).isEqualTo(sp.get("entity_id").asString());
        assertThat(attributes.path("saml_assertion_consumer_url_post").asString()).isEqualTo(sp.get("acs_url").asString());
        assertThat(attributes.path("saml_single_logout_service_url_redirect").asString())
                .isEqualTo(sp.get("slo_url").asString());
        assertThat(attributes.path("saml.client.signature").asString()).isEqualTo("true");
        assertThat(attributes.path("saml.signing.certificate").asString())
                .isEqualTo(pem(spCertificate("signing")).replaceAll("-----[A-Z ]+-----|\\s", ""));
        assertThat(attributes.path("saml.encrypt").asString()).isEqualTo("true");

        BrowserSession browser = browser();
        assertSignedIn(signIn(browser));
        assertThat(query(browser.visited().get(1))).containsKeys("SigAlg", "Signature");
        signOut(browser);
    }

    @Test
    void keycloaksSessionSignsInAgainWithoutAPasswordUnlessGatehouseForcesAuthentication() {
        register("", o -> o);
        BrowserSession browser = browser();
        assertSignedIn(signIn(browser));

        Page again = browser.continueFlow(browser.get(local("/sso/" + org + "/keycloak/login")));
        assertThat(again.loginForm()).as("Keycloak's own session answers at once").isEmpty();
        assertSignedIn(again);

        patchSaml("{\"force_authn\": true}");
        Page forced = browser.continueFlow(browser.get(local("/sso/" + org + "/keycloak/login")));
        assertThat(forced.loginForm()).as("ForceAuthn: Keycloak asks for the password despite its session").isPresent();
        assertSignedIn(browser.continueFlow(browser.login(forced, ALICE.username(), ALICE.password())));
    }

    @Test
    void rsaSha1SignaturesFromKeycloakAreRefusedUntilAllowed() {
        register("", o -> o.withSignatureAlgorithm(SamlSignatureAlgorithm.RSA_SHA1));
        Page refused = signIn(browser());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(lastSignInEvent(org).at("/details/reason").asString())
                .isEqualTo(RejectReason.SAML_SIGNATURE_ALGORITHM_REFUSED.code());

        patchSaml("{\"allow_sha1\": true}");
        assertSignedIn(signIn(browser()));
    }

    private void patchSaml(String saml) {
        Reply r = api.patch("/api/orgs/" + org + "/identity-providers/keycloak", key,
                ApiClient.parse("{\"saml\": " + saml + "}"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    /** A certificate of Gatehouse's SP metadata, as the IdP's admin would take it from there. */
    private X509Certificate spCertificate(String use) {
        Reply metadata = api.get("/sso/" + org + "/keycloak/saml/metadata", null);
        assertThat(metadata.status()).isEqualTo(200);
        Document doc = TestSamlResponses.parse(metadata.text());
        NodeList descriptors = doc.getElementsByTagNameNS(MD, "KeyDescriptor");
        for (int i = 0; i < descriptors.getLength(); i++) {
            Element d = (Element) descriptors.item(i);
            if (use.equals(d.getAttribute("use"))) {
                String b64 = d.getElementsByTagNameNS(TestSamlResponses.DS, "X509Certificate").item(0).getTextContent();
                try {
                    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                            new ByteArrayInputStream(Base64.getMimeDecoder().decode(b64)));
                } catch (CertificateException e) {
                    throw new AssertionError("unreadable " + use + " certificate in the SP metadata", e);
                }
            }
        }
        throw new AssertionError("no " + use + " key in Gatehouse's SP metadata: " + metadata.text());
    }

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new AssertionError(e);
        }
    }
}
