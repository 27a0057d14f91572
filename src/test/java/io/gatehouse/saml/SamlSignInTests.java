package io.gatehouse.saml;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestIdpMetadata;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSignInBrowser;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.xml.security.signature.XMLSignature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SAML service provider end to end over real HTTP: the AuthnRequest Gatehouse sends (and its
 * signature), then real signed (and encrypted) responses posted to the ACS, good and malicious.
 */
abstract class SamlSignInTests extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("saml-signin-idp");
    private static final String SSO_URL = "https://idp.acme.example/sso";
    private String org;
    private String key;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("signin"));
        key = createKey(org, "idp_manager");
        register("okta", ", \"sign_authn_requests\": true");
    }

    private JsonNode register(String alias, String extraSaml) {
        ObjectNode body = ApiClient.parse("""
                {"alias": "%s", "display_name": "Okta", "protocol": "saml",
                 "saml": {"entity_id": "%s", "sso_url": "%s", "certificates": ["%s"]%s}}"""
                .formatted(alias, TestSamlResponses.IDP_ENTITY_ID, SSO_URL, TestCertificates.base64(IDP.certificate()),
                        extraSaml));
        Reply r = api.post("/api/orgs/" + org + "/identity-providers", key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    private JsonNode idp(String alias) {
        return api.get("/api/orgs/" + org + "/identity-providers/" + alias, key).json();
    }

    /** What Gatehouse sent the IdP: the decoded request and the handle to send back. */
    private record Started(Document request, String requestId, String relayState, Map<String, String> query,
                           String rawQuery) {
    }

    private Started startRedirect(String alias) throws Exception {
        Reply login = api.get("/sso/" + org + "/" + alias + "/login", null);
        assertThat(login.status()).as(login.text()).isEqualTo(302);
        URI location = URI.create(login.header("Location"));
        assertThat(location.getScheme() + "://" + location.getHost() + location.getPath()).isEqualTo(SSO_URL);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : location.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        Document request = TestSamlResponses.parse(
                TestSignInBrowser.inflate(Base64.getDecoder().decode(query.get("SAMLRequest"))));
        return new Started(request, request.getDocumentElement().getAttribute("ID"), query.get("RelayState"), query,
                location.getRawQuery());
    }

    private TestSamlResponses.Builder response(String alias, String requestId) {
        JsonNode sp = idp(alias).get("sp");
        return TestSamlResponses.okta(IDP, requestId, Instant.now()).destination(sp.get("acs_url").asString())
                .recipient(sp.get("acs_url").asString()).audiences(sp.get("entity_id").asString());
    }

    private Reply postAcs(String alias, String samlResponse, String relayState) {
        String form = "SAMLResponse=" + URLEncoder.encode(samlResponse, StandardCharsets.UTF_8)
                + (relayState == null ? "" : "&RelayState=" + URLEncoder.encode(relayState, StandardCharsets.UTF_8));
        return api.send("POST", "/sso/" + org + "/" + alias + "/saml/acs", null, "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8));
    }

    private X509Certificate spCertificate(String alias, String use) throws Exception {
        String xml = api.get("/sso/" + org + "/" + alias + "/saml/metadata", null).text();
        Document doc = TestSamlResponses.parse(xml);
        NodeList descriptors = doc.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:metadata", "KeyDescriptor");
        for (int i = 0; i < descriptors.getLength(); i++) {
            Element d = (Element) descriptors.item(i);
            if (use.equals(d.getAttribute("use"))) {
                String b64 = d.getElementsByTagNameNS(TestSamlResponses.DS, "X509Certificate").item(0).getTextContent();
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                        new ByteArrayInputStream(Base64.getMimeDecoder().decode(b64)));
            }
        }
        throw new AssertionError("no " + use + " key in the SP metadata");
    }

    private JsonNode lastSignInEvent() {
        Reply events = api.get("/api/orgs/" + org + "/events?category=sign_in&limit=1", ADMIN);
        assertThat(events.status()).as(events.text()).isEqualTo(200);
        return events.json().get("items").get(0);
    }

    @Test
    void redirectBindingWithASignedRequestThenASignedAssertionSignsTheUserIn() throws Exception {
        Started started = startRedirect("okta");
        Element request = started.request().getDocumentElement();
        JsonNode sp = idp("okta").get("sp");
        assertThat(request.getLocalName()).isEqualTo("AuthnRequest");
        assertThat(request.getAttribute("Destination")).isEqualTo(SSO_URL);
        assertThat(request.getAttribute("AssertionConsumerServiceURL")).isEqualTo(sp.get("acs_url").asString());
        assertThat(request.getElementsByTagNameNS(TestSamlResponses.SAML, "Issuer").item(0).getTextContent())
                .isEqualTo(sp.get("entity_id").asString());
        assertThat(started.relayState()).doesNotContain("http").hasSizeLessThanOrEqualTo(80);
        // the detached signature over the query as sent, with the SP's published signing key
        String signed = started.rawQuery().substring(0, started.rawQuery().indexOf("&Signature="));
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(spCertificate("okta", "signing"));
        verifier.update(signed.getBytes(StandardCharsets.US_ASCII));
        assertThat(started.query().get("SigAlg")).isEqualTo("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
        assertThat(verifier.verify(Base64.getDecoder().decode(started.query().get("Signature")))).isTrue();

        Reply result = postAcs("okta", response("okta", started.requestId()).base64(), started.relayState());
        assertThat(result.status()).as(result.text()).isEqualTo(200);
        assertThat(result.text()).contains("Signed in", "alice@acme.example", "Alice", "Engineering");
        JsonNode event = lastSignInEvent();
        assertThat(event.get("type").asString()).isEqualTo("sign_in.succeeded");
        assertThat(event.at("/details/subject").asString()).isEqualTo("alice@acme.example");

        // the same answer again: the attempt is finished
        Reply again = postAcs("okta", response("okta", started.requestId()).base64(), started.relayState());
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.text()).contains(RejectReason.SIGNIN_ATTEMPT_UNKNOWN.code()).doesNotContain("alice");
    }

    @Test
    void aResponseToAnotherAttemptIsRefused() throws Exception {
        Started first = startRedirect("okta");
        Started second = startRedirect("okta");
        Reply r = postAcs("okta", response("okta", first.requestId()).base64(), second.relayState());
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).contains(RejectReason.SAML_IN_RESPONSE_TO_MISMATCH.code());
        assertThat(lastSignInEvent().at("/details/reason").asString())
                .isEqualTo(RejectReason.SAML_IN_RESPONSE_TO_MISMATCH.code());
    }

    @Test
    void anAssertionIssuedBeforeTheSignInStartedIsRefused() throws Exception {
        Started twin = startRedirect("okta");
        Reply accepted = postAcs("okta", response("okta", twin.requestId()).base64(), twin.relayState());
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);

        // made for this request's ID, but issued ten minutes before the request was sent
        Started started = startRedirect("okta");
        Reply r = postAcs("okta", response("okta", started.requestId())
                .assertionIssueInstant(Instant.now().minusSeconds(600)).base64(), started.relayState());
        assertThat(r.status()).isEqualTo(403);
        JsonNode event = lastSignInEvent();
        assertThat(event.at("/details/reason").asString()).isEqualTo(RejectReason.SAML_ISSUED_BEFORE_REQUEST.code());
        // a rule of Gatehouse's own, not of a specification: the event cites none
        assertThat(RejectReason.SAML_ISSUED_BEFORE_REQUEST.spec()).isEmpty();
        assertThat(event.at("/details").has("spec")).isFalse();
    }

    @Test
    void aFailureGoesToTheErrorUrlWithTheReasonCodeOnly() throws Exception {
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.parse("{\"error_url\": \"https://app.acme.example/sso-error\"}")).status()).isEqualTo(200);
        Started started = startRedirect("okta");
        Reply r = postAcs("okta", response("okta", started.requestId()).audiences("https://someone-else.example")
                .base64(), started.relayState());
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).startsWith("https://app.acme.example/sso-error?error="
                + RejectReason.SAML_AUDIENCE_MISMATCH.code() + "&trace_id=");
        JsonNode event = lastSignInEvent();
        assertThat(event.get("type").asString()).isEqualTo("sign_in.failed");
        assertThat(event.at("/details/detail").asString()).contains("someone-else");
        // the event explains the reason as the catalog does, with the rule's place in the specification
        RejectReason reason = RejectReason.SAML_AUDIENCE_MISMATCH;
        assertThat(event.at("/details/reason").asString()).isEqualTo(reason.code());
        assertThat(event.at("/details/explanation").asString()).isEqualTo(reason.title());
        assertThat(event.at("/details/hint").asString()).isEqualTo(reason.hint());
        assertThat(event.at("/details/spec").asString()).isEqualTo(reason.spec().orElseThrow());
    }

    @Test
    void idpInitiatedIsRefusedUnlessAllowedAndThenAnAssertionIsUsedOnce() {
        String unsolicited = response("okta", null).base64();
        Reply refused = postAcs("okta", unsolicited, null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text()).contains(RejectReason.SAML_UNSOLICITED_REFUSED.code());

        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.parse("{\"saml\": {\"allow_idp_initiated\": true}}")).status()).isEqualTo(200);
        Reply accepted = postAcs("okta", unsolicited, null);
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        Reply replayed = postAcs("okta", unsolicited, null);
        assertThat(replayed.status()).isEqualTo(403);
        assertThat(replayed.text()).contains(RejectReason.SAML_REPLAYED.code());
    }

    @Test
    void postBindingCarriesAnEnvelopedSignatureAndTheEncryptedAssertionIsDecrypted() throws Exception {
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.parse("{\"saml\": {\"sso_binding\": \"post\", \"force_authn\": true}}")).status())
                .isEqualTo(200);
        Reply login = api.get("/sso/" + org + "/okta/login", null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.header("Content-Security-Policy")).contains("form-action https://idp.acme.example");
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(login.text());
        assertThat(action.find()).isTrue();
        assertThat(action.group(1)).isEqualTo(SSO_URL);
        String samlRequest = field(login.text(), "SAMLRequest");
        String relayState = field(login.text(), "RelayState");
        Document request = TestSamlResponses.parse(new String(Base64.getDecoder().decode(samlRequest),
                StandardCharsets.UTF_8));
        Element root = request.getDocumentElement();
        assertThat(root.getAttribute("ForceAuthn")).isEqualTo("true");
        root.setIdAttributeNS(null, "ID", true);
        Element signatureElement = (Element) root.getElementsByTagNameNS(TestSamlResponses.DS, "Signature").item(0);
        XMLSignature signature = new XMLSignature(signatureElement, "");
        assertThat(signature.checkSignatureValue(spCertificate("okta", "signing"))).isTrue();
        assertThat(signature.getSignedInfo().item(0).getURI()).isEqualTo("#" + root.getAttribute("ID"));

        String encrypted = response("okta", root.getAttribute("ID")).encryptFor(spCertificate("okta", "encryption"))
                .base64();
        Reply result = postAcs("okta", encrypted, relayState);
        assertThat(result.status()).as(result.text()).isEqualTo(200);
        assertThat(result.text()).contains("alice@acme.example");
    }

    private static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertThat(m.find()).as(name).isTrue();
        return m.group(1).replace("&#43;", "+").replace("&#61;", "=").replace("&#47;", "/");
    }

    @Test
    void aResponseSignedByARotatedKeyMakesGatehouseReReadTheMetadataUrl() throws Exception {
        AtomicReference<X509Certificate> published = new AtomicReference<>(IDP.certificate());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metadata", exchange -> {
            byte[] xml = TestIdpMetadata.okta(TestSamlResponses.IDP_ENTITY_ID, published.get())
                    .replace("https://acme.okta.com/app/acme_gatehouse/exk1/sso/saml", SSO_URL)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, xml.length);
            exchange.getResponseBody().write(xml);
            exchange.close();
        });
        server.start();
        try {
            Reply created = api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                    {"alias": "by-url", "display_name": "By URL", "protocol": "saml",
                     "saml": {"metadata_url": "http://127.0.0.1:%d/metadata"}}""".formatted(server.getAddress().getPort())));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            KeyAndCertificate rotated = TestCertificates.valid("rotated-idp-key");
            published.set(rotated.certificate());
            Started started = startRedirect("by-url");
            String signedByNewKey = TestSamlResponses.okta(rotated, started.requestId(), Instant.now())
                    .destination(idp("by-url").at("/sp/acs_url").asString())
                    .recipient(idp("by-url").at("/sp/acs_url").asString())
                    .audiences(idp("by-url").at("/sp/entity_id").asString()).base64();
            Reply r = postAcs("by-url", signedByNewKey, started.relayState());
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            Reply events = api.get("/api/orgs/" + org + "/events?category=configuration&limit=5", ADMIN);
            assertThat(events.text()).contains("system:unknown-signing-key", "certificates_added");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unknownOrDisabledProvidersGiveTheSameAnswer() {
        Reply unknown = api.get("/sso/" + org + "/nobody/login", null);
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.parse("{\"enabled\": false}")).status()).isEqualTo(200);
        Reply disabled = api.get("/sso/" + org + "/okta/login", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(disabled.status()).isEqualTo(404);
        assertThat(disabled.text()).isEqualTo(unknown.text());
    }

    // ------------------------------------------------------------------ single logout

    private static final String SLO_URL = "https://idp.acme.example/slo";

    /** Signs in through the redirect binding and returns the session cookie. */
    private String signIn(String sessionIndex) throws Exception {
        Started started = startRedirect("okta");
        Reply result = postAcs("okta", response("okta", started.requestId()).sessionIndex(sessionIndex).base64(),
                started.relayState());
        assertThat(result.status()).as(result.text()).isEqualTo(200);
        String cookie = result.header("Set-Cookie");
        assertThat(cookie).startsWith("gatehouse_sso=").contains("HttpOnly", "Path=/sso/" + org + "/okta/",
                "SameSite=Lax");
        return cookie.substring(0, cookie.indexOf(';'));
    }

    private void withSlo() {
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key, ApiClient.parse("""
                {"saml": {"slo_url": "%s"}, "logout_redirect_url": "https://app.acme.example/bye"}""".formatted(SLO_URL)))
                .status()).isEqualTo(200);
    }

    private String signedLogoutMessage(Document doc, KeyAndCertificate signer) {
        TestSamlResponses.sign(doc.getDocumentElement(), TestSamlResponses.Signing.with(signer));
        return Base64.getEncoder().encodeToString(io.gatehouse.saml.internal.SamlBindings.serialize(doc));
    }

    private Reply postSlo(String parameter, String message) {
        return api.send("POST", "/sso/" + org + "/okta/saml/slo", null, "application/x-www-form-urlencoded",
                (parameter + "=" + URLEncoder.encode(message, StandardCharsets.UTF_8) + "&RelayState=idp-state")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void spInitiatedLogoutSendsASignedLogoutRequestAndTheIdpsAnswerLandsOnTheLogoutUrl() throws Exception {
        withSlo();
        String cookie = signIn("_idp-session-1");
        Reply logout = api.get("/sso/" + org + "/okta/logout", null, "Cookie", cookie);
        assertThat(logout.status()).isEqualTo(302);
        assertThat(logout.header("Set-Cookie")).contains("Max-Age=0");
        URI location = URI.create(logout.header("Location"));
        assertThat(location.getScheme() + "://" + location.getHost() + location.getPath()).isEqualTo(SLO_URL);
        String raw = location.getRawQuery();
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(spCertificate("okta", "signing"));
        verifier.update(raw.substring(0, raw.indexOf("&Signature=")).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getDecoder().decode(query.get("Signature")))).isTrue();
        Document request = TestSamlResponses.parse(
                TestSignInBrowser.inflate(Base64.getDecoder().decode(query.get("SAMLRequest"))));
        assertThat(request.getDocumentElement().getLocalName()).isEqualTo("LogoutRequest");
        assertThat(request.getElementsByTagNameNS(TestSamlResponses.SAML, "NameID").item(0).getTextContent())
                .isEqualTo("alice@acme.example");
        assertThat(request.getElementsByTagNameNS(TestSamlResponses.SAMLP, "SessionIndex").item(0).getTextContent())
                .isEqualTo("_idp-session-1");

        String sloUrl = idp("okta").at("/sp/slo_url").asString();
        Document answer = io.gatehouse.saml.internal.LogoutXml.response("_idp-answer-1", Instant.now(), sloUrl,
                TestSamlResponses.IDP_ENTITY_ID, request.getDocumentElement().getAttribute("ID"),
                "urn:oasis:names:tc:SAML:2.0:status:Success");
        String signedAnswer = signedLogoutMessage(answer, IDP);
        Reply done = postSlo("SAMLResponse", signedAnswer);
        assertThat(done.status()).as(done.text()).isEqualTo(303);
        assertThat(done.header("Location")).isEqualTo("https://app.acme.example/bye");
        // the same answer twice answers nothing
        Reply again = postSlo("SAMLResponse", signedAnswer);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.text()).contains(RejectReason.SAML_IN_RESPONSE_TO_MISMATCH.code());
    }

    @Test
    void idpInitiatedLogoutEndsTheSessionAndIsAnsweredWithASignedLogoutResponse() throws Exception {
        withSlo();
        String cookie = signIn("_idp-session-2");
        String sloUrl = idp("okta").at("/sp/slo_url").asString();
        Document request = io.gatehouse.saml.internal.LogoutXml.request("_idp-logout-1", Instant.now(), sloUrl,
                TestSamlResponses.IDP_ENTITY_ID, "alice@acme.example", Optional.of(TestSamlResponses.EMAIL_FORMAT),
                Optional.of("_idp-session-2"));
        Reply r = postSlo("SAMLRequest", signedLogoutMessage(request, IDP));
        assertThat(r.status()).as(r.text()).isEqualTo(302);
        URI location = URI.create(r.header("Location"));
        assertThat(location.getScheme() + "://" + location.getHost() + location.getPath()).isEqualTo(SLO_URL);
        assertThat(location.getRawQuery()).contains("SigAlg=", "Signature=", "RelayState=idp-state");
        // the IdP's RelayState is part of what the signature covers (SAML Bindings 3.4.4.1): before SigAlg
        assertThat(location.getRawQuery().indexOf("RelayState=")).isLessThan(location.getRawQuery().indexOf("SigAlg="));
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : location.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        Document answer = TestSamlResponses.parse(
                TestSignInBrowser.inflate(Base64.getDecoder().decode(query.get("SAMLResponse"))));
        assertThat(answer.getDocumentElement().getAttribute("InResponseTo")).isEqualTo("_idp-logout-1");
        assertThat(lastSignInEvent().get("type").asString()).isEqualTo("sign_out.idp_initiated");
        // the session is over: logging out here no longer involves the IdP
        Reply logout = api.get("/sso/" + org + "/okta/logout", null, "Cookie", cookie);
        assertThat(logout.status()).isEqualTo(303);
        assertThat(logout.header("Location")).isEqualTo("https://app.acme.example/bye");
    }

    @Test
    void aLogoutRequestMustBeSignedByTheIdp() throws Exception {
        withSlo();
        String sloUrl = idp("okta").at("/sp/slo_url").asString();
        Document unsigned = io.gatehouse.saml.internal.LogoutXml.request("_l1", Instant.now(), sloUrl,
                TestSamlResponses.IDP_ENTITY_ID, "alice@acme.example", Optional.empty(), Optional.empty());
        Reply r = postSlo("SAMLRequest", Base64.getEncoder().encodeToString(
                io.gatehouse.saml.internal.SamlBindings.serialize(unsigned)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).contains(RejectReason.SAML_SIGNATURE_MISSING.code());
        Document forged = io.gatehouse.saml.internal.LogoutXml.request("_l2", Instant.now(), sloUrl,
                TestSamlResponses.IDP_ENTITY_ID, "alice@acme.example", Optional.empty(), Optional.empty());
        Reply f = postSlo("SAMLRequest", signedLogoutMessage(forged, TestCertificates.valid("attacker")));
        assertThat(f.status()).isEqualTo(400);
        assertThat(f.text()).contains(RejectReason.SAML_CERTIFICATE_UNTRUSTED.code());
        Document twin = io.gatehouse.saml.internal.LogoutXml.request("_l3", Instant.now(), sloUrl,
                TestSamlResponses.IDP_ENTITY_ID, "alice@acme.example", Optional.empty(), Optional.empty());
        assertThat(postSlo("SAMLRequest", signedLogoutMessage(twin, IDP)).status()).isEqualTo(302);
        Document elsewhere = io.gatehouse.saml.internal.LogoutXml.request("_l4", Instant.now(),
                "https://other.example/slo", TestSamlResponses.IDP_ENTITY_ID, "alice@acme.example", Optional.empty(),
                Optional.empty());
        assertThat(postSlo("SAMLRequest", signedLogoutMessage(elsewhere, IDP)).text())
                .contains(RejectReason.SAML_DESTINATION_MISMATCH.code());
    }

    @Test
    void aRedirectBindingLogoutRequestIsCheckedOverItsQuery() throws Exception {
        withSlo();
        String sloUrl = idp("okta").at("/sp/slo_url").asString();
        Document request = io.gatehouse.saml.internal.LogoutXml.request("_l5", Instant.now(), sloUrl,
                TestSamlResponses.IDP_ENTITY_ID, "alice@acme.example", Optional.empty(), Optional.empty());
        String query = io.gatehouse.saml.internal.SamlBindings.redirectQuery("SAMLRequest", request, "rs",
                Optional.of(IDP), io.gatehouse.idp.saml.SignatureAlgorithm.RSA_SHA256);
        assertThat(api.get("/sso/" + org + "/okta/saml/slo?" + query, null).status()).isEqualTo(302);
        String tampered = query.replace("RelayState=rs", "RelayState=other");
        Reply r = api.get("/sso/" + org + "/okta/saml/slo?" + tampered, null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).contains(RejectReason.SAML_SIGNATURE_INVALID.code());
    }
}
