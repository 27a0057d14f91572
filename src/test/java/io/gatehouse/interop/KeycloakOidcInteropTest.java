package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.BrowserSession;
import io.gatehouse.testkit.BrowserSession.Page;
import io.gatehouse.testkit.KeycloakServer.OidcClientOptions;
import io.gatehouse.testkit.KeycloakServer.User;
import io.gatehouse.testkit.OnH2;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gatehouse as an OpenID Connect relying party of a real Keycloak, registered by its issuer (discovery): a user signs
 * in through Keycloak's login form with client_secret_basic, client_secret_post and private_key_jwt (Keycloak reading
 * Gatehouse's client JWKS), always with PKCE S256 (Keycloak set to require it), RS256 and ES256 ID tokens.
 */
@OnH2
class KeycloakOidcInteropTest extends AgainstKeycloak {
    private static final String REALM = "gatehouse-oidc-interop";
    private static final User BOB = User.of("bob", "bob-password-1", "bob@oidc-interop.example", "Bob", "Builder");
    private static String bobId;

    private String org;
    private String key;

    @BeforeAll
    static void setUpRealm() {
        createRealm(REALM);
        bobId = keycloak.createUser(REALM, BOB);
    }

    @BeforeEach
    void setUpOrg() {
        org = createOrg(uniqueOrgId("kc-oidc"));
        key = createKey(org, "idp_manager");
    }

    private String callbackUrl(String alias) {
        return GATEHOUSE + "/sso/" + org + "/" + alias + "/oidc/callback";
    }

    /** Registers Keycloak's realm by its issuer alone: every endpoint and the JWKS come from discovery. */
    private JsonNode register(String alias, String clientId, String secret, String method, String alg) {
        ObjectNode oidc = ApiClient.object().put("issuer", keycloak.issuer(REALM)).put("client_id", clientId)
                .put("token_endpoint_auth_method", method).put("id_token_signed_response_alg", alg)
                .put("pkce", "S256");
        if (secret != null) {
            oidc.put("client_secret", secret);
        }
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", "Keycloak " + alias)
                .put("protocol", "oidc");
        body.set("oidc", oidc);
        JsonNode idp = createIdp(org, key, body);
        assertThat(idp.get("redirect_uri").asString()).isEqualTo(callbackUrl(alias));
        return idp;
    }

    private Page signIn(BrowserSession browser, String alias) {
        Page login = browser.open(local("/sso/" + org + "/" + alias + "/login"));
        assertThat(login.url().toString()).startsWith(keycloak.authorizationEndpoint(REALM));
        return browser.continueFlow(browser.login(login, BOB.username(), BOB.password()));
    }

    private void assertSignedIn(Page result, String alias) {
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        assertThat(result.url().getPath()).isEqualTo("/sso/" + org + "/" + alias + "/oidc/callback");
        assertThat(result.body()).contains("Signed in", BOB.email(), "Bob", "Builder");
        JsonNode event = lastSignInEvent(org);
        assertThat(event.get("type").asString()).isEqualTo("sign_in.succeeded");
        assertThat(event.at("/details/protocol").asString()).isEqualTo("oidc");
        assertThat(event.at("/details/subject").asString()).isEqualTo(keycloak.issuer(REALM) + "|" + bobId);
    }

    /** The authorization request Gatehouse sent the browser to Keycloak with. */
    private static Map<String, String> authorizationRequest(BrowserSession browser) {
        return query(browser.visited().get(1));
    }

    @Test
    void clientSecretBasicWithPkceS256AndAnRs256IdToken() {
        String clientId = org + "-basic";
        keycloak.oidcClient(REALM, clientId, "basic-secret", callbackUrl("basic"),
                OidcClientOptions.defaults().withPkceRequired(true));
        register("basic", clientId, "basic-secret", "client_secret_basic", "RS256");
        BrowserSession browser = browser();

        Page result = signIn(browser, "basic");

        assertSignedIn(result, "basic");
        assertThat(authorizationRequest(browser)).containsEntry("client_id", clientId)
                .containsEntry("code_challenge_method", "S256").containsKeys("code_challenge", "nonce", "state")
                .containsEntry("redirect_uri", callbackUrl("basic"));
    }

    @Test
    void clientSecretPostWithAnEs256IdToken() {
        String clientId = org + "-post";
        keycloak.oidcClient(REALM, clientId, "post-secret", callbackUrl("post"), OidcClientOptions.defaults()
                .withClientSecretPost().withPkceRequired(true).withIdTokenSignatureAlgorithm("ES256"));
        // Gatehouse expects ES256 and refuses an ID token signed otherwise
        register("post", clientId, "post-secret", "client_secret_post", "ES256");

        assertSignedIn(signIn(browser(), "post"), "post");
    }

    @Test
    void privateKeyJwtCheckedByKeycloakAgainstGatehousesClientJwks() {
        String clientId = org + "-pkjwt";
        // Keycloak fetches the JWKS itself, server-side: the local address, not the public name
        keycloak.oidcClient(REALM, clientId, null, callbackUrl("pkjwt"), OidcClientOptions.defaults()
                .withPrivateKeyJwt(local("/sso/" + org + "/pkjwt/oidc/jwks")).withPkceRequired(true));
        register("pkjwt", clientId, null, "private_key_jwt", "RS256");

        assertSignedIn(signIn(browser(), "pkjwt"), "pkjwt");
    }

    @Test
    void aWrongClientSecretIsRefusedByKeycloakAndGatehouseSaysWhy() {
        String clientId = org + "-wrong";
        keycloak.oidcClient(REALM, clientId, "right-secret", callbackUrl("wrong"), OidcClientOptions.defaults());
        register("wrong", clientId, "wrong-secret", "client_secret_basic", "RS256");

        Page result = signIn(browser(), "wrong");

        assertThat(result.status()).isEqualTo(403);
        assertThat(result.body()).contains(RejectReason.OIDC_TOKEN_REQUEST_FAILED.code()).doesNotContain(BOB.email());
        JsonNode event = lastSignInEvent(org);
        assertThat(event.get("type").asString()).isEqualTo("sign_in.failed");
        assertThat(event.at("/details/detail").asString()).contains("unauthorized_client");
    }
}
