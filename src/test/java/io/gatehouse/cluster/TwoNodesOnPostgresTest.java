package io.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.GatehouseApplication;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.GatehouseInitializers;
import io.gatehouse.testkit.OnPostgres;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestDatabases;
import io.gatehouse.testkit.TestSamlResponses;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/**
 * Two Gatehouse nodes on one PostgreSQL, as behind a load balancer: a sign-in started on one node
 * finishes on the other, and a code or an assertion used on one is refused on the other.
 */
@OnPostgres
class TwoNodesOnPostgresTest extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("two-nodes-idp");
    private static final String REDIRECT = "https://app.example.com/callback";
    private static ConfigurableApplicationContext nodeB;
    private static ApiClient b;

    @BeforeAll
    static void startSecondNode() throws Exception {
        TestDatabases.PostgresDatabase db = TestDatabases.postgres();
        // as command-line arguments: they outrank application.properties, as the environment does in production
        nodeB = new SpringApplicationBuilder(GatehouseApplication.class).run(
                "--server.port=0", "--server.address=127.0.0.1",
                "--gatehouse.admin-key=" + GatehouseInitializers.ADMIN_KEY,
                "--gatehouse.master-key=" + GatehouseInitializers.MASTER_KEY,
                "--gatehouse.data-dir=" + Files.createTempDirectory("gatehouse-node-b"),
                "--gatehouse.base-url=https://sso.gatehouse.test",
                "--gatehouse.allow-private-network-fetch=true",
                "--gatehouse.db-url=" + db.jdbcUrl(), "--gatehouse.db-user=" + db.user(),
                "--gatehouse.db-password=" + (db.password() == null ? "" : db.password()));
        b = new ApiClient(((WebServerApplicationContext) nodeB).getWebServer().getPort());
    }

    @AfterAll
    static void stopSecondNode() {
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return q;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Reply postForm(ApiClient node, String path, String form, String... headers) {
        return node.send("POST", path, null, "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8),
                headers);
    }

    @Test
    void aSignInStartedOnOneNodeFinishesOnTheOtherAndCodesAndAssertionsWorkOnceAcrossNodes() throws Exception {
        String org = createOrg(uniqueOrgId("cluster"));
        String key = createKey(org, "idp_manager");
        String domain = uniqueDomain();
        assertThat(api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "okta", "display_name": "Okta", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "%s", "sso_url": "https://idp.acme.example/sso", "certificates": ["%s"],
                          "allow_idp_initiated": true}}"""
                .formatted(domain, TestSamlResponses.IDP_ENTITY_ID, TestCertificates.base64(IDP.certificate())))).status())
                .isEqualTo(201);
        JsonNode app = api.post("/api/applications", ADMIN, ApiClient.parse(
                "{\"name\": \"CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}")).json();
        String clientId = app.get("client_id").asString();
        String secret = app.get("client_secret").asString();
        JsonNode sp = api.get("/api/orgs/" + org + "/identity-providers/okta", key).json().get("sp");

        // started on node A (routing on A knows the new provider at once) ...
        Reply start = api.get("/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid&state=s1&login_hint=" + enc("alice@" + domain), null);
        assertThat(start.status()).as(start.text()).isEqualTo(302);
        Map<String, String> q = query(start.header("Location"));
        Inflater inflater = new Inflater(true);
        inflater.setInput(Base64.getDecoder().decode(q.get("SAMLRequest")));
        byte[] out = new byte[16384];
        Document request = TestSamlResponses.parse(new String(out, 0, inflater.inflate(out), StandardCharsets.UTF_8));
        String response = TestSamlResponses.okta(IDP, request.getDocumentElement().getAttribute("ID"), Instant.now())
                .destination(sp.get("acs_url").asString()).recipient(sp.get("acs_url").asString())
                .audiences(sp.get("entity_id").asString()).nameId("alice@" + domain, TestSamlResponses.EMAIL_FORMAT)
                .base64();

        // ... finished on node B
        Reply acs = postForm(b, "/sso/" + org + "/okta/saml/acs", "SAMLResponse=" + enc(response) + "&RelayState="
                + enc(q.get("RelayState")));
        assertThat(acs.status()).as(acs.text()).isEqualTo(303);
        String code = query(acs.header("Location")).get("code");
        // the same answer on node A: the attempt is finished everywhere
        Reply again = postForm(api, "/sso/" + org + "/okta/saml/acs", "SAMLResponse=" + enc(response) + "&RelayState="
                + enc(q.get("RelayState")));
        assertThat(again.status()).isEqualTo(403);

        String basic = "Basic " + Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(secret))
                .getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT);
        Reply tokens = postForm(api, "/oauth2/token", form, "Authorization", basic);
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        // node B signs with the same keys, read from the shared database
        assertThat(b.get("/oauth2/jwks", null).json()).isEqualTo(api.get("/oauth2/jwks", null).json());
        Reply replayOnB = postForm(b, "/oauth2/token", form, "Authorization", basic);
        assertThat(replayOnB.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(b.get("/oauth2/userinfo", null, "Authorization", "Bearer " + tokens.json().get("access_token")
                .asString()).status()).isEqualTo(401);

        // an unsolicited assertion accepted on A is a replay on B
        String unsolicited = TestSamlResponses.okta(IDP, null, Instant.now()).destination(sp.get("acs_url").asString())
                .recipient(sp.get("acs_url").asString()).audiences(sp.get("entity_id").asString())
                .nameId("alice@" + domain, TestSamlResponses.EMAIL_FORMAT).base64();
        assertThat(postForm(api, "/sso/" + org + "/okta/saml/acs", "SAMLResponse=" + enc(unsolicited)).status())
                .isEqualTo(200);
        Reply replay = postForm(b, "/sso/" + org + "/okta/saml/acs", "SAMLResponse=" + enc(unsolicited));
        assertThat(replay.status()).isEqualTo(403);
        assertThat(replay.text()).contains(RejectReason.SAML_REPLAYED.code());
    }
}
