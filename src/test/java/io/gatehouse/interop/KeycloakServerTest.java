package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testkit.BrowserSession;
import io.gatehouse.testkit.BrowserSession.Form;
import io.gatehouse.testkit.BrowserSession.Page;
import io.gatehouse.testkit.KeycloakServer;
import io.gatehouse.testkit.KeycloakServer.OidcClientOptions;
import io.gatehouse.testkit.KeycloakServer.SamlClientOptions;
import io.gatehouse.testkit.KeycloakServer.User;
import io.gatehouse.testkit.TestSignInBrowser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Keycloak fixture works: it starts, takes a realm, serves SAML metadata and logs a user in over OIDC and SAML. */
class KeycloakServerTest {
    private static final Logger LOG = LoggerFactory.getLogger(KeycloakServerTest.class);
    private static final String REALM = "fixture-check";
    private static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";
    private static final String DS = "http://www.w3.org/2000/09/xmldsig#";
    private static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    private static final String SP_ENTITY_ID = "https://sp.gatehouse.test/saml/fixture-check";
    private static final User ALICE = User.of("alice", "alice-password-1", "alice@example.com", "Alice", "Liddell",
            "engineering");

    private static KeycloakServer keycloak;
    private static HttpServer rp;
    private static final List<String> acsPosts = new ArrayList<>();

    @BeforeAll
    static void startKeycloakAndSetUpRealm() throws IOException {
        rp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rp.createContext("/callback", exchange -> respond(exchange, "signed in"));
        rp.createContext("/acs", exchange -> {
            synchronized (acsPosts) {
                acsPosts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            respond(exchange, "assertion received");
        });
        rp.start();

        keycloak = KeycloakServer.shared();
        LOG.info("Keycloak start-up took {} ms", keycloak.startupTime().toMillis());
        long t0 = System.nanoTime();
        keycloak.createRealm(REALM);
        keycloak.createGroup(REALM, "engineering");
        keycloak.createUser(REALM, ALICE);
        keycloak.samlClient(REALM, SP_ENTITY_ID, rpUrl("/acs"), SamlClientOptions.defaults());
        keycloak.oidcClient(REALM, "rp-rs256", "rs256-secret", rpUrl("/callback"), OidcClientOptions.defaults());
        keycloak.oidcClient(REALM, "rp-es256", "es256-secret", rpUrl("/callback"),
                OidcClientOptions.defaults().withClientSecretPost().withIdTokenSignatureAlgorithm("ES256"));
        LOG.info("Realm set-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopRp() {
        if (rp != null) {
            rp.stop(0);
        }
    }

    @Test
    void servesSamlIdpMetadataWithASigningCertificate() throws Exception {
        Document metadata = parse(keycloak.samlDescriptor(REALM));

        Element idp = (Element) metadata.getElementsByTagNameNS(MD, "IDPSSODescriptor").item(0);
        assertThat(idp).isNotNull();
        assertThat(metadata.getDocumentElement().getAttribute("entityID")).isEqualTo(keycloak.issuer(REALM));
        Element signingKey = null;
        NodeList keys = idp.getElementsByTagNameNS(MD, "KeyDescriptor");
        for (int i = 0; i < keys.getLength(); i++) {
            Element k = (Element) keys.item(i);
            if (k.getAttribute("use").isEmpty() || k.getAttribute("use").equals("signing")) {
                signingKey = k;
            }
        }
        assertThat(signingKey).isNotNull();
        String base64 = signingKey.getElementsByTagNameNS(DS, "X509Certificate").item(0).getTextContent();
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(base64)));
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=" + REALM);
        assertThat(idp.getElementsByTagNameNS(MD, "SingleSignOnService").getLength()).isPositive();
    }

    @Test
    void oidcCodeFlowWithPkceClientSecretBasicAndRs256() throws Exception {
        JWTClaimsSet claims = signInOverOidc("rp-rs256", "rs256-secret", false, "RS256");
        assertThat(claims.getStringClaim("given_name")).isEqualTo("Alice");
    }

    @Test
    void oidcCodeFlowWithClientSecretPostAndEs256() throws Exception {
        JWTClaimsSet claims = signInOverOidc("rp-es256", "es256-secret", true, "ES256");
        assertThat(claims.getStringClaim("family_name")).isEqualTo("Liddell");
    }

    @Test
    void samlLoginPostsASignedResponseWithTheMappedAttributesToTheAcs() throws Exception {
        String authnRequest = """
                <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_%s" Version="2.0" IssueInstant="%s" \
                Destination="%s" AssertionConsumerServiceURL="%s" \
                ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>%s</saml:Issuer>\
                </samlp:AuthnRequest>""".formatted(random(16), Instant.now(), keycloak.samlEndpoint(REALM),
                rpUrl("/acs"), SP_ENTITY_ID);
        BrowserSession browser = new BrowserSession();

        Page login = browser.open(keycloak.samlEndpoint(REALM) + "?SAMLRequest=" + enc(redirectEncoded(authnRequest))
                + "&RelayState=fixture-relay");
        Page postForm = browser.login(login, ALICE.username(), ALICE.password());

        Form form = postForm.autoSubmitForm().orElseThrow();
        assertThat(form.action().toString()).isEqualTo(rpUrl("/acs"));
        assertThat(form.value("RelayState")).contains("fixture-relay");
        Document response = parse(new String(Base64.getMimeDecoder().decode(form.value("SAMLResponse").orElseThrow()),
                StandardCharsets.UTF_8));
        assertThat(response.getDocumentElement().getElementsByTagNameNS(DS, "Signature").getLength())
                .as("document and assertion signatures").isEqualTo(2);
        assertThat(response.getElementsByTagNameNS(ASSERTION, "NameID").item(0).getTextContent())
                .isEqualTo(ALICE.email());
        assertThat(attributes(response)).containsEntry(KeycloakServer.EMAIL_ATTRIBUTE, List.of(ALICE.email()))
                .containsEntry(KeycloakServer.GIVEN_NAME_ATTRIBUTE, List.of("Alice"))
                .containsEntry(KeycloakServer.SURNAME_ATTRIBUTE, List.of("Liddell"))
                .containsEntry(KeycloakServer.GROUPS_ATTRIBUTE, List.of("engineering"));

        Page atAcs = browser.continueFlow(postForm);
        assertThat(atAcs.body()).isEqualTo("assertion received");
        synchronized (acsPosts) {
            assertThat(acsPosts).last().asString().startsWith("SAMLResponse=").contains("RelayState=fixture-relay");
        }
        assertThat(browser.visited()).last().isEqualTo(URI.create(rpUrl("/acs")));
    }

    private JWTClaimsSet signInOverOidc(String clientId, String secret, boolean secretInBody, String alg)
            throws Exception {
        String state = random(16);
        String nonce = random(16);
        String verifier = random(32);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String redirectUri = rpUrl("/callback");
        BrowserSession browser = new BrowserSession();

        Page login = browser.open(keycloak.authorizationEndpoint(REALM) + "?response_type=code&client_id=" + clientId
                + "&redirect_uri=" + enc(redirectUri) + "&scope=" + enc("openid email profile") + "&state=" + state
                + "&nonce=" + nonce + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        Page landed = browser.login(login, ALICE.username(), ALICE.password());

        assertThat(landed.status()).isEqualTo(200);
        assertThat(landed.body()).isEqualTo("signed in");
        Map<String, String> callback = query(landed.url());
        assertThat(callback).containsEntry("state", state).containsEntry("iss", keycloak.issuer(REALM));

        String form = "grant_type=authorization_code&code=" + enc(callback.get("code")) + "&redirect_uri="
                + enc(redirectUri) + "&code_verifier=" + verifier;
        HttpRequest.Builder token = HttpRequest.newBuilder(URI.create(keycloak.tokenEndpoint(REALM)))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (secretInBody) {
            form += "&client_id=" + enc(clientId) + "&client_secret=" + enc(secret);
        } else {
            token.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (enc(clientId) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> tokens;
        try (HttpClient http = HttpClient.newHttpClient()) {
            tokens = http.send(token.POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        JsonNode json = JsonMapper.builder().build().readTree(tokens.body());

        SignedJWT idToken = SignedJWT.parse(json.path("id_token").asString());
        assertThat(idToken.getHeader().getAlgorithm().getName()).isEqualTo(alg);
        JWK key = JWKSet.load(URI.create(keycloak.jwksUrl(REALM)).toURL()).getKeyByKeyId(idToken.getHeader().getKeyID());
        assertThat(key).as("the ID token's key in the realm's JWKS").isNotNull();
        assertThat(idToken.verify(new DefaultJWSVerifierFactory().createJWSVerifier(idToken.getHeader(),
                ((AsymmetricJWK) key).toPublicKey()))).isTrue();
        JWTClaimsSet claims = idToken.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(keycloak.issuer(REALM));
        assertThat(claims.getAudience()).contains(clientId);
        assertThat(claims.getStringClaim("nonce")).isEqualTo(nonce);
        assertThat(claims.getStringClaim("email")).isEqualTo(ALICE.email());
        assertThat(browser.visited()).first().satisfies(u -> assertThat(u.toString())
                .startsWith(keycloak.authorizationEndpoint(REALM)));
        return claims;
    }

    private static Map<String, List<String>> attributes(Document response) {
        Map<String, List<String>> out = new HashMap<>();
        NodeList attributes = response.getElementsByTagNameNS(ASSERTION, "Attribute");
        for (int i = 0; i < attributes.getLength(); i++) {
            Element a = (Element) attributes.item(i);
            NodeList values = a.getElementsByTagNameNS(ASSERTION, "AttributeValue");
            List<String> list = new ArrayList<>();
            for (int j = 0; j < values.getLength(); j++) {
                list.add(values.item(j).getTextContent());
            }
            out.put(a.getAttribute("Name"), list);
        }
        return out;
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String rpUrl(String path) {
        return "http://127.0.0.1:" + rp.getAddress().getPort() + path;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String redirectEncoded(String xml) {
        return Base64.getEncoder().encodeToString(TestSignInBrowser.deflate(xml));
    }
}
