package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.ApplicationSite;
import io.gatehouse.testkit.BrowserSession;
import io.gatehouse.testkit.KeycloakServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Base of the interoperability tests: Gatehouse over real HTTP, the test JVM's real Keycloak, a browser that reaches
 * Gatehouse by its public name, and a stand-in application site where sign-ins and logouts end.
 */
abstract class AgainstKeycloak extends ApiTest {
    /** Gatehouse's base URL in tests: the name in its SP entity IDs, ACS and redirect URIs, not an address. */
    static final String GATEHOUSE = "https://sso.gatehouse.test";
    /** The application's public name; the browser reaches it at {@link #app}. */
    static final String APP = "https://app.interop.test";
    private static final Logger LOG = LoggerFactory.getLogger(AgainstKeycloak.class);

    static KeycloakServer keycloak;
    private static ApplicationSite app;

    @BeforeAll
    static void startKeycloakAndApp() throws IOException {
        keycloak = KeycloakServer.shared();
        app = ApplicationSite.start();
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    /** Creates a realm and logs how long Keycloak took, so suite time stays visible. */
    static void createRealm(String realm) {
        long t0 = System.nanoTime();
        keycloak.createRealm(realm);
        LOG.info("Realm {} ready in {} ms", realm, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A browser with no cookies that reaches Gatehouse and the application by their public names. */
    BrowserSession browser() {
        return new BrowserSession().route(GATEHOUSE + "/", local("/"))
                .route(APP + "/", app.url() + "/");
    }

    /** Gatehouse's own address, e.g. for Keycloak's server-side fetch of the client JWKS. */
    String local(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    JsonNode createIdp(String org, String key, JsonNode body) {
        Reply r = api.post("/api/orgs/" + org + "/identity-providers", key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    JsonNode lastSignInEvent(String org) {
        Reply events = api.get("/api/orgs/" + org + "/events?category=sign_in&limit=1", ADMIN);
        assertThat(events.status()).as(events.text()).isEqualTo(200);
        return events.json().get("items").get(0);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
