package io.gatehouse.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.GatehouseInitializers;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Login CSRF: an IdP's answer for a sign-in started in another browser (the attacker's, posted from
 * the victim's browser to sign the victim in as the attacker) finds no attempt to finish.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = GatehouseInitializers.H2BrowserBound.class)
class BrowserBoundSignInTest extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("browser-bound-idp");

    private record Started(String requestId, String relayState, String browserCookie) {
    }

    private Started start(String org) throws Exception {
        Reply login = api.get("/sso/" + org + "/okta/login", null);
        assertThat(login.status()).isEqualTo(302);
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create(login.header("Location")).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        Inflater inflater = new Inflater(true);
        inflater.setInput(Base64.getDecoder().decode(q.get("SAMLRequest")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        out.write(buffer, 0, inflater.inflate(buffer));
        String id = TestSamlResponses.parse(out.toString(StandardCharsets.UTF_8)).getDocumentElement().getAttribute("ID");
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie).startsWith("gatehouse_browser=").contains("Secure", "HttpOnly", "SameSite=None",
                "Path=/sso/");
        return new Started(id, q.get("RelayState"), setCookie.substring(0, setCookie.indexOf(';')));
    }

    @Test
    void anAnswerIsFinishedOnlyInTheBrowserThatStartedTheSignIn() throws Exception {
        String org = createOrg(uniqueOrgId("bound"));
        String key = createKey(org, "idp_manager");
        assertThat(api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "okta", "display_name": "Okta", "protocol": "saml",
                 "saml": {"entity_id": "%s", "sso_url": "https://idp.acme.example/sso", "certificates": ["%s"]}}"""
                .formatted(TestSamlResponses.IDP_ENTITY_ID, TestCertificates.base64(IDP.certificate())))).status())
                .isEqualTo(201);
        JsonNode sp = api.get("/api/orgs/" + org + "/identity-providers/okta", key).json().get("sp");

        // the attacker starts a sign-in in his browser and gets the IdP's answer for his own account ...
        Started attacker = start(org);
        String answer = TestSamlResponses.okta(IDP, attacker.requestId(), Instant.now())
                .destination(sp.get("acs_url").asString()).recipient(sp.get("acs_url").asString())
                .audiences(sp.get("entity_id").asString()).nameId("mallory@evil.example", TestSamlResponses.EMAIL_FORMAT)
                .base64();
        // ... and makes the victim's browser (with its own key) post it
        Reply victim = acs(org, answer, attacker.relayState(), "gatehouse_browser=the-victims-own-key");
        assertThat(victim.status()).isEqualTo(403);
        assertThat(victim.text()).doesNotContain("mallory");

        // the twin: the same kind of answer, posted by the browser that started the sign-in
        Started own = start(org);
        String ownAnswer = TestSamlResponses.okta(IDP, own.requestId(), Instant.now())
                .destination(sp.get("acs_url").asString()).recipient(sp.get("acs_url").asString())
                .audiences(sp.get("entity_id").asString()).base64();
        Reply ok = acs(org, ownAnswer, own.relayState(), own.browserCookie());
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.text()).contains("Signed in");
    }

    private Reply acs(String org, String response, String relayState, String cookie) {
        return api.send("POST", "/sso/" + org + "/okta/saml/acs", null, "application/x-www-form-urlencoded",
                ("SAMLResponse=" + URLEncoder.encode(response, StandardCharsets.UTF_8) + "&RelayState="
                        + URLEncoder.encode(relayState, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
                "Cookie", cookie);
    }
}
