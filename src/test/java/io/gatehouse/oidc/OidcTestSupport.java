package io.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestOpenIdProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Shared steps of the OIDC sign-in tests: a fresh org, a fresh test OpenID provider, a browser's hops. */
abstract class OidcTestSupport extends ApiTest {
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    protected TestOpenIdProvider op;
    protected String org;
    protected String key;

    @BeforeEach
    void startProvider() {
        op = new TestOpenIdProvider();
        org = createOrg(uniqueOrgId("oidc"));
        key = createKey(org, "idp_manager");
    }

    @AfterEach
    void stopProvider() {
        op.close();
    }

    /** Registers the test provider under the alias with a client authentication method and extra oidc fields. */
    protected JsonNode register(String alias, String method, String extraOidc) {
        op.client("client-" + alias, method);
        ObjectNode oidc = ApiClient.parse(extraOidc.isBlank() ? "{}" : extraOidc);
        oidc.put("issuer", op.issuer());
        oidc.put("client_id", op.clientId());
        oidc.put("token_endpoint_auth_method", method);
        if (!oidc.has("client_secret") && (method.startsWith("client_secret")
                || oidc.path("id_token_signed_response_alg").asString("").startsWith("HS"))) {
            oidc.put("client_secret", op.clientSecret());
        }
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", "Test OP " + alias)
                .put("protocol", "oidc");
        body.set("oidc", oidc);
        Reply r = api.post("/api/orgs/" + org + "/identity-providers", key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        if (method.equals("private_key_jwt")) {
            op.clientJwksUri(URI.create(clientJwksUrl(alias)));
        }
        return r.json();
    }

    protected JsonNode register(String alias, String method) {
        return register(alias, method, "");
    }

    protected String clientJwksUrl(String alias) {
        return "http://127.0.0.1:" + port + "/sso/" + org + "/" + alias + "/oidc/jwks";
    }

    /** What the browser carried: the authorization request's parameters, and the path the provider sent it back to. */
    protected record Authorization(Map<String, String> request, String callback) {
        Map<String, String> callbackParams() {
            return TestOpenIdProvider.form(URI.create(callback).getRawQuery());
        }

        /** The callback with one parameter replaced (or added). */
        String with(String name, String value) {
            Map<String, String> params = new LinkedHashMap<>(callbackParams());
            params.put(name, value);
            return path() + "?" + query(params);
        }

        /** The callback without a parameter. */
        String without(String name) {
            Map<String, String> params = new LinkedHashMap<>(callbackParams());
            params.remove(name);
            return path() + "?" + query(params);
        }

        String path() {
            return URI.create(callback).getRawPath();
        }

        private static String query(Map<String, String> params) {
            StringBuilder q = new StringBuilder();
            params.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&").append(enc(k)).append('=').append(enc(v)));
            return q.toString();
        }
    }

    /** Login at Gatehouse, then the authorize hop at the provider; stops before the callback. */
    protected Authorization authorize(String alias, String loginHint) {
        Reply login = api.get("/sso/" + org + "/" + alias + "/login"
                + (loginHint == null ? "" : "?login_hint=" + enc(loginHint)), null);
        assertThat(login.status()).as(login.text()).isEqualTo(302);
        URI authorize = URI.create(login.header("Location"));
        assertThat(authorize.toString()).startsWith(op.issuer() + "/authorize?");
        HttpResponse<String> answer;
        try {
            answer = browser.send(HttpRequest.newBuilder(authorize).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        URI back = URI.create(answer.headers().firstValue("Location").orElseThrow());
        assertThat(back.getScheme() + "://" + back.getHost() + back.getPath())
                .isEqualTo("https://sso.gatehouse.test/sso/" + org + "/" + alias + "/oidc/callback");
        return new Authorization(TestOpenIdProvider.form(authorize.getRawQuery()),
                back.getRawPath() + "?" + back.getRawQuery());
    }

    protected Authorization authorize(String alias) {
        return authorize(alias, null);
    }

    protected Reply callback(String pathAndQuery) {
        return api.get(pathAndQuery, null);
    }

    protected Reply signIn(String alias) {
        return callback(authorize(alias).callback());
    }

    protected JsonNode lastSignInEvent() {
        Reply events = api.get("/api/orgs/" + org + "/events?category=sign_in&limit=1", ADMIN);
        assertThat(events.status()).as(events.text()).isEqualTo(200);
        return events.json().get("items").get(0);
    }

    /** A refusal: the page names the reason, and so does the event. */
    protected JsonNode assertRefused(Reply reply, RejectReason reason) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(403);
        assertThat(reply.text()).contains(reason.code()).doesNotContain(TestOpenIdProvider.EMAIL);
        JsonNode event = lastSignInEvent();
        assertThat(event.get("type").asString()).isEqualTo("sign_in.failed");
        assertThat(event.at("/details/reason").asString()).isEqualTo(reason.code());
        return event;
    }

    protected JsonNode assertSignedIn(Reply reply) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.text()).contains("Signed in", TestOpenIdProvider.EMAIL);
        JsonNode event = lastSignInEvent();
        assertThat(event.get("type").asString()).isEqualTo("sign_in.succeeded");
        assertThat(event.at("/details/subject").asString()).isEqualTo(op.issuer() + "|" + TestOpenIdProvider.SUBJECT);
        return event;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
