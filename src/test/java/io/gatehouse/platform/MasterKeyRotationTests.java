package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.GatehouseApplication;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.LostSecrets;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.GatehouseInitializers;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestOpenIdProvider;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSignInBrowser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Master-key rotation on a real Gatehouse restarted with different GATEHOUSE_MASTER_KEY values over
 * one database: K1, then "K2,K1" until nothing is sealed with K1, then K2 alone, and everything
 * still works (list, get, an OIDC sign-in needing the client secret, a SAML sign-in with an
 * assertion encrypted to the SP key, ID tokens signed with the same issuer key). And the twin: K1
 * removed too early, where listing and reading go on, sign-ins are refused with a reason, and the
 * lost records are counted and named.
 */
abstract class MasterKeyRotationTests {
    private static final String ADMIN = GatehouseInitializers.ADMIN_KEY;
    private static final KeyAndCertificate SAML_IDP = TestCertificates.valid("rotation-saml-idp");
    private static final String SSO_URL = "https://idp.acme.example/sso";
    private static final String REDIRECT = "https://app.example.com/callback";
    private static final Duration ROTATION_TIMEOUT = Duration.ofSeconds(90);
    private final String k1 = newKey();
    private final String k2 = newKey();
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Path dataDir;
    private ConfigurableApplicationContext node;
    private ApiClient api;
    private TestOpenIdProvider op;
    private String org;
    private String samlDomain;
    private String clientId;
    private String clientSecret;

    /** The database arguments of every start of one test (the same database each time). */
    protected abstract List<String> database(Path dataDir);

    private List<String> databaseArguments;

    @BeforeEach
    void prepare() throws IOException {
        dataDir = Files.createTempDirectory("gatehouse-rotation");
        databaseArguments = database(dataDir);
        op = new TestOpenIdProvider();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
        op.close();
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** (Re)starts the node with this GATEHOUSE_MASTER_KEY, on the same data folder and database. */
    private void startWith(String masterKey) {
        if (node != null) {
            node.close();
        }
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--gatehouse.admin-key=" + ADMIN, "--gatehouse.master-key=" + masterKey,
                "--gatehouse.data-dir=" + dataDir, "--gatehouse.base-url=https://sso.gatehouse.test",
                "--gatehouse.allow-private-network-fetch=true", "--gatehouse.sign-in-browser-binding=false",
                "--gatehouse.sp-key-pool-size=2"));
        args.addAll(databaseArguments);
        node = new SpringApplicationBuilder(GatehouseApplication.class).run(args.toArray(String[]::new));
        api = new ApiClient(((WebServerApplicationContext) node).getWebServer().getPort());
    }

    /** An org with an OIDC provider (client secret) and a SAML provider (signed requests, SP keys), and an app. */
    private void setUpWithK1() {
        startWith(k1);
        org = "rot-" + Long.toHexString(new SecureRandom().nextLong() & 0xffffffffL);
        assertThat(api.post("/api/orgs", ADMIN, ApiClient.object().put("id", org).put("name", "Rotation")).status())
                .isEqualTo(201);
        samlDomain = "d" + Long.toHexString(new SecureRandom().nextLong() & 0xffffffffL) + ".example.com";
        // the org's one domain (the SAML provider's) is the OIDC user's too: the org vouches for both
        op.client("rotation-client", "client_secret_basic").userClaims(Map.of("email", "jane@" + samlDomain,
                "email_verified", true, "name", "Jane Doe"));
        ObjectNode oidc = ApiClient.object().put("alias", "corp-oidc").put("display_name", "Corp OIDC")
                .put("protocol", "oidc");
        oidc.putObject("oidc").put("issuer", op.issuer()).put("client_id", op.clientId())
                .put("client_secret", op.clientSecret()).put("token_endpoint_auth_method", "client_secret_basic");
        Reply created = api.post("/api/orgs/" + org + "/identity-providers", ADMIN, oidc);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        created = api.post("/api/orgs/" + org + "/identity-providers", ADMIN, ApiClient.parse("""
                {"alias": "corp-saml", "display_name": "Corp SAML", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "%s", "sso_url": "%s", "certificates": ["%s"], "sign_authn_requests": true}}"""
                .formatted(samlDomain, TestSamlResponses.IDP_ENTITY_ID, SSO_URL,
                        TestCertificates.base64(SAML_IDP.certificate()))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode app = api.post("/api/applications", ADMIN, ApiClient.parse(
                "{\"name\": \"CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}")).json();
        clientId = app.get("client_id").asString();
        clientSecret = app.get("client_secret").asString();
    }

    @Test
    void everythingMovesToTheNewKeyAndWorksWithItAlone() throws Exception {
        setUpWithK1();
        String issuerKey = idTokenKeyId(oidcSignIn());
        assertThat(idTokenKeyId(samlSignIn())).isEqualTo(issuerKey);
        JsonNode underK1 = encryption();
        String k1Id = underK1.get("primary_key_id").asString();
        // the provider's secrets, two SP keys, two issuer keys, and the open sign-in's PKCE verifier
        assertThat(underK1.at("/records/" + k1Id).asLong()).isGreaterThanOrEqualTo(5);
        JsonNode oidcBefore = provider("corp-oidc");
        int eventsBefore = configurationEvents().size();

        startWith(k2 + "," + k1);
        JsonNode moved = awaitNothingUnder(k1Id);
        String k2Id = moved.get("primary_key_id").asString();
        assertThat(k2Id).isNotEqualTo(k1Id).startsWith("mk-");
        assertThat(moved.at("/records/" + k2Id).asLong()).isGreaterThanOrEqualTo(underK1.at("/records/" + k1Id).asLong());
        assertThat(moved.get("missing_key_ids")).isEmpty();
        // the secrets did not change, only their key: no new version, no audit "change"
        assertThat(provider("corp-oidc").get("updated_at")).isEqualTo(oidcBefore.get("updated_at"));
        assertThat(configurationEvents()).hasSize(eventsBefore);

        startWith(k2);
        JsonNode alone = encryption();
        assertThat(alone.get("primary_key_id").asString()).isEqualTo(k2Id);
        assertThat(alone.get("records").propertyNames()).containsExactly(k2Id);
        assertThat(alone.get("missing_key_ids")).isEmpty();
        Reply list = api.get("/api/orgs/" + org + "/identity-providers", ADMIN);
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        assertThat(list.json().get("items")).hasSize(2);
        JsonNode oidc = provider("corp-oidc");
        assertThat(oidc.at("/oidc/client_secret").asString()).isEqualTo("**********");
        assertThat(oidc.get("warnings").toString()).doesNotContain(k1Id);
        assertThat(idTokenKeyId(oidcSignIn())).as("the issuer key was moved, not replaced").isEqualTo(issuerKey);
        assertThat(idTokenKeyId(samlSignIn())).isEqualTo(issuerKey);
    }

    @Test
    void aKeyRemovedTooEarlyIsNamedCountedAndRefusedButNeverTakesTheListingDown() throws Exception {
        setUpWithK1();
        String issuerKey = idTokenKeyId(oidcSignIn());
        assertThat(idTokenKeyId(samlSignIn())).isEqualTo(issuerKey);
        String k1Id = encryption().get("primary_key_id").asString();

        startWith(k2);
        Reply list = api.get("/api/orgs/" + org + "/identity-providers", ADMIN);
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        assertThat(list.json().get("items")).hasSize(2);
        JsonNode oidc = provider("corp-oidc");
        assertThat(oidc.at("/oidc/client_secret").asString()).isEqualTo("**********");
        assertThat(oidc.get("warnings").toString()).contains(k1Id);
        assertThat(provider("corp-saml").get("sp").get("acs_url").asString()).endsWith("/saml/acs");

        Reply oidcLogin = api.get("/sso/" + org + "/corp-oidc/login", null);
        assertThat(oidcLogin.status()).isEqualTo(503);
        assertThat(oidcLogin.text()).contains(RejectReason.PROVIDER_SECRET_UNAVAILABLE.code());
        assertThat(lastSignInEvent().at("/details/reason").asString())
                .isEqualTo(RejectReason.PROVIDER_SECRET_UNAVAILABLE.code());
        Reply samlLogin = api.get("/sso/" + org + "/corp-saml/login", null);
        assertThat(samlLogin.status()).isEqualTo(503);
        assertThat(samlLogin.text()).contains(RejectReason.PROVIDER_SECRET_UNAVAILABLE.code());
        Reply viaApp = api.get(authorizeUrl("corp-saml"), null);
        assertThat(viaApp.status()).isEqualTo(503);
        assertThat(viaApp.text()).contains(RejectReason.PROVIDER_SECRET_UNAVAILABLE.code());
        // an answer arriving now (started before the restart) is refused the same way, not with a 500
        JsonNode sp = provider("corp-saml").get("sp");
        String answer = TestSamlResponses.okta(SAML_IDP, "_started-before", Instant.now())
                .destination(sp.get("acs_url").asString()).recipient(sp.get("acs_url").asString())
                .audiences(sp.get("entity_id").asString()).nameId("alice@" + samlDomain, TestSamlResponses.EMAIL_FORMAT)
                .base64();
        Reply acs = api.send("POST", "/sso/" + org + "/corp-saml/saml/acs", null, "application/x-www-form-urlencoded",
                ("SAMLResponse=" + enc(answer) + "&RelayState=started-before").getBytes(StandardCharsets.UTF_8));
        assertThat(acs.status()).isEqualTo(503);
        assertThat(acs.text()).contains(RejectReason.PROVIDER_SECRET_UNAVAILABLE.code());
        Reply callback = api.get("/sso/" + org + "/corp-oidc/oidc/callback?state=started-before&code=c1", null);
        assertThat(callback.status()).isEqualTo(503);
        assertThat(callback.text()).contains(RejectReason.PROVIDER_SECRET_UNAVAILABLE.code());

        JsonNode report = encryption();
        assertThat(report.at("/records/" + k1Id).asLong()).isGreaterThanOrEqualTo(3);
        assertThat(report.get("missing_key_ids").toString()).contains(k1Id);
        assertThat(api.get("/api/platform/encryption", null).status()).isEqualTo(401);
        assertThat(api.get("/api/platform/encryption", orgAdminKey()).status()).isEqualTo(403);

        // the rotation leaves them as they are and names them, once, whatever the number of passes
        MasterKeyRotation rotation = node.getBean(MasterKeyRotation.class);
        assertThat(rotation.run().unopenable()).isGreaterThanOrEqualTo(3);
        rotation.run();
        List<JsonNode> lost = configurationEvents().stream().filter(e -> e.get("type").asString()
                .equals(LostSecrets.EVENT)).toList();
        assertThat(lost).extracting(e -> e.get("target").asString()).containsExactlyInAnyOrder("corp-oidc", "corp-saml");
        assertThat(lost).allSatisfy(e -> assertThat(e.at("/details/key_id").asString()).isEqualTo(k1Id));
        assertThat(lost.toString()).doesNotContain(op.clientSecret());

        // an edit must give the lost secret again; then the provider works
        Reply keep = api.patch("/api/orgs/" + org + "/identity-providers/corp-oidc", ADMIN,
                ApiClient.parse("{\"display_name\": \"Corp OIDC 2\"}"));
        assertThat(keep.status()).as(keep.text()).isEqualTo(422);
        assertThat(keep.errorCodes()).containsExactly("oidc.client_secret:secret_unavailable");
        ObjectNode again = ApiClient.object();
        again.putObject("oidc").put("client_secret", op.clientSecret());
        Reply entered = api.patch("/api/orgs/" + org + "/identity-providers/corp-oidc", ADMIN, again);
        assertThat(entered.status()).as(entered.text()).isEqualTo(200);
        assertThat(entered.json().get("warnings").toString()).doesNotContain(k1Id);
        // Gatehouse's own signing key is replaced (nobody registered it but the JWKS); the lost one stays published
        String replaced = idTokenKeyId(oidcSignIn());
        assertThat(replaced).isNotEqualTo(issuerKey);
        assertThat(JWKSet.parse(api.get("/oauth2/jwks", null).text()).getKeyByKeyId(issuerKey)).isNotNull();
        assertThat(encryption().at("/records/" + k1Id).asLong())
                .isLessThan(report.at("/records/" + k1Id).asLong());
    }

    // --- steps

    private JsonNode encryption() {
        Reply r = api.get("/api/platform/encryption", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    /** Polls the report (bounded) until the background rotation has moved everything off the key. */
    private JsonNode awaitNothingUnder(String keyId) throws InterruptedException {
        Instant deadline = Instant.now().plus(ROTATION_TIMEOUT);
        JsonNode report = encryption();
        while (report.at("/records/" + keyId).asLong() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            report = encryption();
        }
        assertThat(report.at("/records/" + keyId).asLong()).as(report.toString()).isZero();
        return report;
    }

    private JsonNode provider(String alias) {
        Reply r = api.get("/api/orgs/" + org + "/identity-providers/" + alias, ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private List<JsonNode> configurationEvents() {
        Reply r = api.get("/api/orgs/" + org + "/events?category=configuration&limit=200", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        r.json().get("items").forEach(events::add);
        return events;
    }

    private JsonNode lastSignInEvent() {
        return api.get("/api/orgs/" + org + "/events?category=sign_in&limit=1", ADMIN).json().get("items").get(0);
    }

    private String orgAdminKey() {
        return api.post("/api/orgs/" + org + "/api-keys", ADMIN, ApiClient.object().put("name", "admin")
                .put("role", "org_admin")).json().get("key").asString();
    }

    private String authorizeUrl(String alias) {
        return "/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid%20email&state=s1&nonce=n1&identity_provider=" + enc(org + "/" + alias);
    }

    /** The app's authorize, the OpenID provider's authorize, the callback (the client secret at work): the app's redirect. */
    private Reply oidcSignIn() throws Exception {
        Reply start = api.get(authorizeUrl("corp-oidc"), null);
        assertThat(start.status()).as(start.text()).isEqualTo(302);
        HttpResponse<String> atProvider = browser.send(HttpRequest.newBuilder(URI.create(start.header("Location")))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(atProvider.statusCode()).as(atProvider.body()).isEqualTo(302);
        URI back = URI.create(atProvider.headers().firstValue("Location").orElseThrow());
        Reply callback = api.get(back.getRawPath() + "?" + back.getRawQuery(), null);
        assertThat(callback.status()).as(callback.text()).isEqualTo(303);
        return callback;
    }

    /** The app's authorize, then a signed response with the assertion encrypted to the SP key (the SP keys at work). */
    private Reply samlSignIn() throws Exception {
        Reply start = api.get(authorizeUrl("corp-saml"), null);
        assertThat(start.status()).as(start.text()).isEqualTo(302);
        Map<String, String> q = query(start.header("Location"));
        assertThat(q).containsKey("Signature");
        Document request = TestSamlResponses.parse(
                TestSignInBrowser.inflate(Base64.getDecoder().decode(q.get("SAMLRequest"))));
        JsonNode sp = provider("corp-saml").get("sp");
        String response = TestSamlResponses.okta(SAML_IDP, request.getDocumentElement().getAttribute("ID"),
                        Instant.now())
                .destination(sp.get("acs_url").asString()).recipient(sp.get("acs_url").asString())
                .audiences(sp.get("entity_id").asString()).nameId("alice@" + samlDomain, TestSamlResponses.EMAIL_FORMAT)
                .encryptFor(spEncryptionCertificate()).base64();
        Reply acs = api.send("POST", "/sso/" + org + "/corp-saml/saml/acs", null, "application/x-www-form-urlencoded",
                ("SAMLResponse=" + enc(response) + "&RelayState=" + enc(q.get("RelayState")))
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(acs.status()).as(acs.text()).isEqualTo(303);
        return acs;
    }

    private X509Certificate spEncryptionCertificate() throws Exception {
        Document doc = TestSamlResponses.parse(api.get("/sso/" + org + "/corp-saml/saml/metadata", null).text());
        NodeList descriptors = doc.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:metadata", "KeyDescriptor");
        for (int i = 0; i < descriptors.getLength(); i++) {
            Element d = (Element) descriptors.item(i);
            if ("encryption".equals(d.getAttribute("use"))) {
                String b64 = d.getElementsByTagNameNS(TestSamlResponses.DS, "X509Certificate").item(0).getTextContent();
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                        new ByteArrayInputStream(Base64.getMimeDecoder().decode(b64)));
            }
        }
        throw new AssertionError("no encryption key in the SP metadata");
    }

    private Reply exchange(Reply backToApp) {
        assertThat(backToApp.header("Location")).startsWith(REDIRECT + "?code=");
        String form = "grant_type=authorization_code&code=" + enc(query(backToApp.header("Location")).get("code"))
                + "&redirect_uri=" + enc(REDIRECT);
        return api.send("POST", "/oauth2/token", null, "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8), "Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8)));
    }

    /** The code exchanged; the ID token verified against the JWKS; the id of the key that signed it. */
    private String idTokenKeyId(Reply backToApp) throws Exception {
        Reply tokens = exchange(backToApp);
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        String idToken = tokens.json().get("id_token").asString();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(JWKSet.parse(api.get("/oauth2/jwks", null).text()))));
        JWTClaimsSet claims = processor.process(idToken, null);
        assertThat(claims.getStringClaim("org")).isEqualTo(org);
        return SignedJWT.parse(idToken).getHeader().getKeyID();
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            q.put(kv[0], URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
        }
        return q;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
