package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.BrowserSession;
import io.gatehouse.testkit.BrowserSession.Form;
import io.gatehouse.testkit.BrowserSession.Page;
import io.gatehouse.testkit.OidcProviderServer;
import io.gatehouse.testkit.OidcProviderServer.Client;
import io.gatehouse.testkit.OidcProviderServer.TokenRequest;
import io.gatehouse.testkit.OidcProviderServer.User;
import io.gatehouse.testkit.OnH2;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gatehouse's OpenID Connect relying party against {@code oidc-provider}, an OpenID-certified provider run from npm:
 * each client authentication method and ID token algorithm through its real login and consent pages, with the PKCE
 * S256 it requires; and an application signing a user in through Gatehouse with that provider behind it.
 */
@OnH2
class OidcProviderInteropTest extends ApiTest {
    private static final String BASE_URL = "https://sso.gatehouse.test";
    private static final String APP_REDIRECT = "https://app.example.com/callback";
    /** Jane's domain is new on every run: domains are unique across the orgs of a shared test database. */
    private static final User JANE = new User("jane-4711", "jane@" + uniqueDomain(), true, "Jane", "Doe", "Jane Doe");
    private static final String ORG = uniqueOrgId("opi");
    private static final String SECRET_BASIC = "basic-secret-" + random(16);
    private static final String SECRET_POST = "post-secret-" + random(16);
    private static final String SECRET_APP = "app-secret-" + random(16);

    private static OidcProviderServer op;
    private static String key;

    /** One provider for the class, started once Gatehouse's port is known (private_key_jwt fetches its JWKS). */
    @BeforeEach
    void startProvider() {
        if (op != null) {
            return;
        }
        createOrg(ORG);
        key = createKey(ORG, "idp_manager");
        op = OidcProviderServer.start("interop-test", List.of(
                Client.withSecret("gh-basic", SECRET_BASIC, callback("basic"), "client_secret_basic", "RS256"),
                Client.withSecret("gh-post", SECRET_POST, callback("post"), "client_secret_post", "ES256"),
                Client.withPrivateKeyJwt("gh-pkjwt", "http://127.0.0.1:" + port + "/sso/" + ORG + "/pkjwt/oidc/jwks",
                        callback("pkjwt"), "ES256"),
                Client.withSecret("gh-app", SECRET_APP, callback("app"), "client_secret_basic", "RS256"),
                Client.withSecret("gh-cancel", SECRET_BASIC, callback("cancel"), "client_secret_basic", "RS256"),
                Client.withSecret("gh-wrong", SECRET_BASIC, callback("wrong"), "client_secret_basic", "RS256")),
                List.of(JANE));
    }

    @AfterAll
    static void stopProvider() {
        if (op != null) {
            op.close();
            op = null;
        }
    }

    @Test
    void clientSecretBasicWithAnRs256IdToken() {
        register("basic", "gh-basic", SECRET_BASIC, "client_secret_basic", "RS256");
        BrowserSession browser = new BrowserSession();
        Page result = signIn(browser, "/sso/" + ORG + "/basic/login");

        assertSignedIn(result, "basic");
        TokenRequest token = lastTokenRequest("gh-basic");
        assertThat(token.authMethod()).isEqualTo("client_secret_basic");
        assertThat(token.authorizationScheme()).isEqualTo("Basic");
        assertThat(token.bodyFields()).contains("code", "code_verifier", "redirect_uri")
                .doesNotContain("client_secret", "client_assertion");
        assertThat(token.idTokenAlg()).contains("RS256");
        assertPkceS256(browser);
    }

    @Test
    void clientSecretPostWithAnEs256IdToken() {
        register("post", "gh-post", SECRET_POST, "client_secret_post", "ES256");
        BrowserSession browser = new BrowserSession();
        Page result = signIn(browser, "/sso/" + ORG + "/post/login");

        assertSignedIn(result, "post");
        TokenRequest token = lastTokenRequest("gh-post");
        assertThat(token.authMethod()).isEqualTo("client_secret_post");
        assertThat(token.authorizationScheme()).isEmpty();
        assertThat(token.bodyFields()).contains("client_id", "client_secret", "code_verifier");
        assertThat(token.idTokenAlg()).contains("ES256");
        assertPkceS256(browser);
    }

    @Test
    void privateKeyJwtWithTheKeysGatehousePublishes() {
        register("pkjwt", "gh-pkjwt", null, "private_key_jwt", "ES256");
        BrowserSession browser = new BrowserSession();
        Page result = signIn(browser, "/sso/" + ORG + "/pkjwt/login");

        assertSignedIn(result, "pkjwt");
        TokenRequest token = lastTokenRequest("gh-pkjwt");
        assertThat(token.authMethod()).isEqualTo("private_key_jwt");
        assertThat(token.authorizationScheme()).isEmpty();
        assertThat(token.bodyFields()).contains("client_assertion", "client_assertion_type", "code_verifier")
                .doesNotContain("client_secret");
        assertThat(token.idTokenAlg()).contains("ES256");
        assertPkceS256(browser);
    }

    @Test
    void aUserWhoCancelsAtTheProviderIsRefusedWithTheProvidersReason() {
        register("cancel", "gh-cancel", SECRET_BASIC, "client_secret_basic", "RS256");
        BrowserSession browser = new BrowserSession();
        Page result = signIn(browser, "/sso/" + ORG + "/cancel/login", true);

        assertThat(result.status()).as(result.body()).isEqualTo(403);
        assertThat(result.body()).contains(RejectReason.OIDC_ACCESS_DENIED.code()).doesNotContain(JANE.email());
        JsonNode event = lastSignInEvent();
        assertThat(event.get("type").asString()).isEqualTo("sign_in.failed");
        assertThat(event.at("/details/reason").asString()).isEqualTo(RejectReason.OIDC_ACCESS_DENIED.code());
        assertThat(event.at("/details/detail").asString()).contains("End-User aborted interaction");
        assertThat(op.tokenRequests()).noneMatch(t -> t.clientId().equals("gh-cancel"));
    }

    @Test
    void aWrongClientSecretIsRefusedByTheProviderAndGatehouseSaysSo() {
        register("wrong", "gh-wrong", "not-" + SECRET_BASIC, "client_secret_basic", "RS256");
        BrowserSession browser = new BrowserSession();
        Page result = signIn(browser, "/sso/" + ORG + "/wrong/login");

        assertThat(result.status()).as(result.body()).isEqualTo(403);
        assertThat(result.body()).contains(RejectReason.OIDC_TOKEN_REQUEST_FAILED.code());
        JsonNode event = lastSignInEvent();
        assertThat(event.get("type").asString()).isEqualTo("sign_in.failed");
        assertThat(event.at("/details/reason").asString()).isEqualTo(RejectReason.OIDC_TOKEN_REQUEST_FAILED.code());
        assertThat(event.at("/details/detail").asString()).contains("invalid_client");
    }

    @Test
    void anApplicationSignsAUserInThroughGatehouseWithOidcProviderBehindIt() throws Exception {
        // the provider lists Jane's domain: the org stands behind her address, so email_verified can be true
        register("app", "gh-app", SECRET_APP, "client_secret_basic", "RS256",
                JANE.email().substring(JANE.email().indexOf('@') + 1));
        Reply registered = api.post("/api/applications", ADMIN, ApiClient.parse(
                "{\"name\": \"Interop app\", \"redirect_uris\": [\"" + APP_REDIRECT + "\"]}"));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        String clientId = registered.json().get("client_id").asString();
        String clientSecret = registered.json().get("client_secret").asString();
        String state = random(16);
        String nonce = random(16);
        String verifier = random(32);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));

        BrowserSession browser = new BrowserSession();
        Page back = signIn(browser, "/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(APP_REDIRECT)
                + "&response_type=code&scope=" + enc("openid email profile") + "&state=" + state + "&nonce=" + nonce
                + "&code_challenge=" + challenge + "&code_challenge_method=S256&identity_provider=" + enc(ORG + "/app"));

        assertThat(back.isRedirect()).as(back.body()).isTrue();
        URI landing = back.location().orElseThrow();
        assertThat(landing.toString()).startsWith(APP_REDIRECT + "?");
        Map<String, String> answer = query(landing);
        assertThat(answer).containsEntry("state", state).containsKey("code");
        assertThat(lastTokenRequest("gh-app").authMethod()).isEqualTo("client_secret_basic");

        Reply tokens = api.send("POST", "/oauth2/token", null, "application/x-www-form-urlencoded",
                ("grant_type=authorization_code&code=" + enc(answer.get("code")) + "&redirect_uri=" + enc(APP_REDIRECT)
                        + "&code_verifier=" + verifier).getBytes(StandardCharsets.UTF_8),
                "Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8)));
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);

        JsonNode discovery = api.get("/.well-known/openid-configuration", null).json();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(JWKSet.parse(api.get("/oauth2/jwks", null).text()))));
        JWTClaimsSet claims = processor.process(tokens.json().get("id_token").asString(), null);
        assertThat(claims.getIssuer()).isEqualTo(discovery.get("issuer").asString());
        assertThat(claims.getAudience()).containsExactly(clientId);
        assertThat(claims.getStringClaim("nonce")).isEqualTo(nonce);
        assertThat(claims.getStringClaim("email")).isEqualTo(JANE.email());
        assertThat(claims.getBooleanClaim("email_verified")).isTrue();
        assertThat(claims.getStringClaim("given_name")).isEqualTo(JANE.givenName());
        assertThat(claims.getStringClaim("family_name")).isEqualTo(JANE.familyName());
        assertThat(claims.getStringClaim("org")).isEqualTo(ORG);
        assertThat(claims.getStringClaim("identity_provider")).isEqualTo("app");

        Reply userinfo = api.get("/oauth2/userinfo", null, "Authorization",
                "Bearer " + tokens.json().get("access_token").asString());
        assertThat(userinfo.status()).as(userinfo.text()).isEqualTo(200);
        assertThat(userinfo.json().get("sub").asString()).isEqualTo(claims.getSubject());
        assertThat(userinfo.json().get("email").asString()).isEqualTo(JANE.email());
        assertThat(userinfo.json().get("name").asString()).isEqualTo(JANE.name());
        JsonNode event = lastSignInEvent();
        assertThat(event.get("type").asString()).isEqualTo("sign_in.succeeded");
        assertThat(event.at("/details/subject").asString()).isEqualTo(op.issuer() + "|" + JANE.sub());
    }

    // ---- steps ----------------------------------------------------------------------------------------------------

    private static String callback(String alias) {
        return BASE_URL + "/sso/" + ORG + "/" + alias + "/oidc/callback";
    }

    /** Registers oidc-provider in Gatehouse under the alias, its endpoints found by discovery. */
    private void register(String alias, String clientId, String secret, String method, String idTokenAlg,
                          String... domains) {
        ObjectNode oidc = ApiClient.object().put("issuer", op.issuer()).put("client_id", clientId)
                .put("token_endpoint_auth_method", method).put("id_token_signed_response_alg", idTokenAlg)
                .put("pkce", "S256");
        if (secret != null) {
            oidc.put("client_secret", secret);
        }
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", "oidc-provider " + alias)
                .put("protocol", "oidc");
        body.set("oidc", oidc);
        java.util.Arrays.stream(domains).forEach(body.putArray("domains")::add);
        Reply r = api.post("/api/orgs/" + ORG + "/identity-providers", key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("redirect_uri").asString()).isEqualTo(callback(alias));
    }

    /**
     * Opens the Gatehouse URL and goes on as the user would: redirects followed (Gatehouse's public base URL mapped
     * to this test's server), oidc-provider's login form filled with Jane's account, its consent given. Returns
     * Gatehouse's last page, or the redirect that leaves for somewhere else (an application).
     */
    private Page signIn(BrowserSession browser, String gatehousePath) {
        return signIn(browser, gatehousePath, false);
    }

    /** As {@link #signIn(BrowserSession, String)}; with {@code cancel}, the user cancels on the login page instead. */
    private Page signIn(BrowserSession browser, String gatehousePath, boolean cancel) {
        Page page = browser.get(local(gatehousePath));
        for (int hops = 0; hops < 20; hops++) {
            if (page.isRedirect()) {
                URI to = page.location().orElseThrow();
                if (!to.toString().startsWith(BASE_URL + "/") && !to.toString().startsWith("http://127.0.0.1:")) {
                    return page;
                }
                page = browser.get(to.toString().startsWith(BASE_URL + "/")
                        ? local(to.toString().substring(BASE_URL.length())) : to.toString());
                continue;
            }
            Optional<Form> login = page.form("form:has(input[name=prompt][value=login])");
            Optional<Form> consent = page.form("form:has(input[name=prompt][value=consent])");
            if (login.isPresent() && cancel) {
                Element abort = page.html().selectFirst("a[href*=/abort]");
                assertThat(abort).as("the login page's cancel link").isNotNull();
                page = browser.get(abort.absUrl("href"));
            } else if (login.isPresent()) {
                page = browser.submit(login.get().with("login", JANE.sub()).with("password", "any"));
            } else if (consent.isPresent()) {
                page = browser.submit(consent.get());
            } else {
                return page;
            }
        }
        throw new IllegalStateException("more than 20 hops: " + browser.visited() + "\n" + op.logTail());
    }

    private String local(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void assertSignedIn(Page result, String alias) {
        assertThat(result.status()).as("%s\n%s", result.body(), op.logTail()).isEqualTo(200);
        assertThat(result.html().title()).contains("Signed in");
        Map<String, String> rows = new LinkedHashMap<>();
        for (Element row : result.html().select("tr")) {
            rows.put(row.attr("data-field"), row.select("td").text());
        }
        assertThat(rows).containsEntry("subject", op.issuer() + "|" + JANE.sub())
                .containsEntry("email", JANE.email()).containsEntry("email_verified", "true")
                .containsEntry("given_name", JANE.givenName()).containsEntry("family_name", JANE.familyName())
                .containsEntry("name", JANE.name());
        JsonNode event = lastSignInEvent();
        assertThat(event.get("type").asString()).isEqualTo("sign_in.succeeded");
        assertThat(event.at("/details/subject").asString()).isEqualTo(op.issuer() + "|" + JANE.sub());
        assertThat(event.at("/details/email").asString()).isEqualTo(JANE.email());
        assertThat(event.at("/details/protocol").asString()).isEqualTo("oidc");
        assertThat(event.get("target").asString()).as(event.toString()).isEqualTo(alias);
    }

    /** Gatehouse sent an S256 challenge to oidc-provider's authorization endpoint, which requires one. */
    private void assertPkceS256(BrowserSession browser) {
        URI authorize = browser.visited().stream().filter(u -> u.toString().startsWith(op.issuer() + "/auth?"))
                .findFirst().orElseThrow();
        assertThat(query(authorize)).containsEntry("code_challenge_method", "S256").containsKey("code_challenge")
                .containsKeys("state", "nonce");
    }

    private TokenRequest lastTokenRequest(String clientId) {
        List<TokenRequest> requests = op.tokenRequests().stream().filter(t -> t.clientId().equals(clientId)).toList();
        assertThat(requests).as("token requests of %s", clientId).isNotEmpty();
        return requests.getLast();
    }

    private JsonNode lastSignInEvent() {
        Reply events = api.get("/api/orgs/" + ORG + "/events?category=sign_in&limit=1", ADMIN);
        assertThat(events.status()).as(events.text()).isEqualTo(200);
        return events.json().get("items").get(0);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
