package io.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.PrivateKeys;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.TestOpenIdProvider;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The OpenID Connect relying party end to end over real HTTP against a real (test) OpenID
 * provider: every client authentication method, RS256 and ES256 ID tokens, PKCE, userinfo.
 */
abstract class OidcSignInTests extends OidcTestSupport {
    @Autowired
    JdbcClient jdbc;

    @Test
    void clientSecretBasicWithAnRs256IdTokenSignsTheUserInOnce() {
        register("okta", "client_secret_basic");
        Authorization a = authorize("okta", "jane@acme.example");
        Map<String, String> request = a.request();
        assertThat(request).containsEntry("response_type", "code").containsEntry("client_id", "client-okta")
                .containsEntry("redirect_uri", "https://sso.gatehouse.test/sso/" + org + "/okta/oidc/callback")
                .containsEntry("login_hint", "jane@acme.example").containsEntry("code_challenge_method", "S256")
                .containsKeys("state", "nonce", "code_challenge");
        assertThat(request.get("scope").split(" ")).contains("openid", "email", "profile");
        assertThat(request.get("state")).hasSizeBetween(40, 64);

        Reply result = callback(a.callback());
        JsonNode event = assertSignedIn(result);
        assertThat(result.text()).contains("Jane", "Doe", "Engineering, Admins", "email_verified");
        assertThat(event.at("/details/protocol").asString()).isEqualTo("oidc");
        Map<String, String> form = op.tokenForms().getLast();
        assertThat(form).containsEntry("grant_type", "authorization_code").doesNotContainKey("client_secret");
        assertThat(CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(form.get("code_verifier")))
                .getValue()).isEqualTo(request.get("code_challenge"));

        // the verifier was never stored in the clear
        String stored = jdbc.sql("select code_verifier from signin_attempts where id = ?").param(request.get("state"))
                .query(String.class).single();
        assertThat(stored).isNotBlank().doesNotContain(form.get("code_verifier"));

        assertRefused(callback(a.callback()), RejectReason.OIDC_STATE_UNKNOWN);
        assertThat(op.tokenRequests()).isEqualTo(1);
        // the ID token carried the profile: no userinfo request was needed
        assertThat(op.userinfoRequests()).isZero();
    }

    @Test
    void clientSecretPostWithAnEs256IdToken() {
        register("es", "client_secret_post", "{\"id_token_signed_response_alg\": \"ES256\"}");
        op.idTokenAlg("ES256");
        assertSignedIn(signIn("es"));
        assertThat(op.tokenForms().getLast()).containsEntry("client_id", "client-es").containsKey("client_secret");
    }

    @Test
    void clientSecretJwt() {
        register("sjwt", "client_secret_jwt");
        assertSignedIn(signIn("sjwt"));
        assertThat(op.tokenForms().getLast()).containsKey("client_assertion").doesNotContainKey("client_secret");
    }

    @Test
    void privateKeyJwtIsCheckedWithTheKeyGatehousePublishes() {
        register("pkjwt", "private_key_jwt");
        Reply jwks = api.get("/sso/" + org + "/pkjwt/oidc/jwks", null);
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.header("Content-Type")).startsWith("application/jwk-set+json");
        JsonNode first = jwks.json().get("keys").get(0);
        assertThat(first.get("kty").asString()).isEqualTo("RSA");
        assertThat(first.get("alg").asString()).isEqualTo("RS256");
        assertThat(first.has("d")).isFalse();
        assertThat(first.has("p")).isFalse();

        assertSignedIn(signIn("pkjwt"));
        assertThat(op.clientJwksFetches()).isEqualTo(1);
        // the same key the next time: one key per provider, kept
        assertThat(api.get("/sso/" + org + "/pkjwt/oidc/jwks", null).json().get("keys").get(0).get("kid").asString())
                .isEqualTo(first.get("kid").asString());
        String sealed = jdbc.sql("select private_key from oidc_client_keys where kid = ?").param(first.get("kid").asString())
                .query(String.class).single();
        assertThat(sealed).doesNotContain("PRIVATE KEY");
    }

    @Test
    void aPublicClientUsesPkceAndNoSecret() {
        register("spa", "none");
        assertSignedIn(signIn("spa"));
        assertThat(op.tokenForms().getLast()).containsEntry("client_id", "client-spa").containsKey("code_verifier")
                .doesNotContainKeys("client_secret", "client_assertion");
    }

    @Test
    void plainPkceSendsTheVerifierAsTheChallenge() {
        register("plain", "client_secret_basic", "{\"pkce\": \"plain\"}");
        Authorization a = authorize("plain");
        assertThat(a.request()).containsEntry("code_challenge_method", "plain");
        assertSignedIn(callback(a.callback()));
        assertThat(op.tokenForms().getLast().get("code_verifier")).isEqualTo(a.request().get("code_challenge"));
    }

    @Test
    void pkceDisabledSendsNoChallenge() {
        register("nopkce", "client_secret_basic", "{\"pkce\": \"disabled\"}");
        Authorization a = authorize("nopkce");
        assertThat(a.request()).doesNotContainKeys("code_challenge", "code_challenge_method");
        assertSignedIn(callback(a.callback()));
        assertThat(op.tokenForms().getLast()).doesNotContainKey("code_verifier");
    }

    @Test
    void tlsClientAuthPresentsTheClientCertificate() throws Exception {
        for (String method : new String[] {"tls_client_auth", "self_signed_tls_client_auth"}) {
            X509Certificate serverCert = op.startMtlsTokenEndpointOnce();
            KeyAndCertificate client = TestOpenIdProvider.clientTlsIdentity("gatehouse-client");
            String alias = method.startsWith("self") ? "mtls-self" : "mtls";
            register(alias, method, ApiClient.object()
                    .put("token_endpoint", op.mtlsTokenEndpoint())
                    .put("client_certificate", Certificates.toPem(client.certificate()))
                    .put("client_private_key", PrivateKeys.toPem(client.privateKey())).toString());
            op.clientCertificate(client.certificate());
            String before = System.getProperty("javax.net.ssl.trustStore");
            Path trustStore = trustStoreWith(serverCert);
            System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            try {
                assertSignedIn(signIn(alias));
                assertThat(op.tokenForms().getLast()).containsEntry("client_id", "client-" + alias)
                        .doesNotContainKeys("client_secret", "client_assertion");
                // another certificate is refused by the provider, and Gatehouse says so
                op.clientCertificate(TestOpenIdProvider.clientTlsIdentity("someone-else").certificate());
                JsonNode event = assertRefused(signIn(alias), RejectReason.OIDC_TOKEN_REQUEST_FAILED);
                assertThat(event.at("/details/detail").asString()).contains("invalid_client");
            } finally {
                if (before == null) {
                    System.clearProperty("javax.net.ssl.trustStore");
                } else {
                    System.setProperty("javax.net.ssl.trustStore", before);
                }
                System.clearProperty("javax.net.ssl.trustStorePassword");
                System.clearProperty("javax.net.ssl.trustStoreType");
                Files.deleteIfExists(trustStore);
            }
        }
    }

    private static Path trustStoreWith(X509Certificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("test-op", cert);
        Path file = Files.createTempFile("gatehouse-test-trust", ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, "changeit".toCharArray());
        }
        return file;
    }

    @Test
    void userinfoIsMergedWhenItsSubjectIsTheIdTokens() {
        register("ui", "client_secret_basic", "{\"fetch_userinfo\": true}");
        op.userinfoExtra(Map.of("department", "Research", "name", "Someone Else"));
        Reply r = signIn("ui");
        assertSignedIn(r);
        // userinfo adds what the token lacks; the validated ID token wins where both speak
        assertThat(r.text()).contains("department", "Research", "Jane Doe").doesNotContain("Someone Else");
    }

    @Test
    void aProfileOnlyInUserinfoIsReadFromItWithoutBeingAskedTo() {
        register("core54", "client_secret_basic");
        op.profileInUserinfoOnly(true);
        Reply r = signIn("core54");
        assertSignedIn(r);
        assertThat(r.text()).contains("Jane", "Doe", "email_verified");
        assertThat(op.userinfoRequests()).isEqualTo(1);
    }

    @Test
    void anAccessDeniedAnswerGoesToTheErrorUrl() {
        register("denied", "client_secret_basic");
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/denied", key,
                ApiClient.parse("{\"error_url\": \"https://app.acme.example/sso-error\"}")).status()).isEqualTo(200);
        op.authorizeError("access_denied");
        Reply r = signIn("denied");
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).startsWith("https://app.acme.example/sso-error?error="
                + RejectReason.OIDC_ACCESS_DENIED.code() + "&");
        assertThat(lastSignInEvent().at("/details/detail").asString()).contains("The user said no");
        assertThat(op.tokenRequests()).isZero();
    }

    @Test
    void anOAuth2OnlyProviderIsKnownByItsUserEndpoint() {
        op.client("client-gh", "client_secret_post").oauth2Only(true);
        Reply created = api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "gh", "display_name": "GitHub", "protocol": "oidc", "known_provider": "github",
                 "oidc": {"issuer": "%1$s", "client_id": "client-gh", "client_secret": "%2$s",
                          "authorization_endpoint": "%1$s/authorize", "token_endpoint": "%1$s/token",
                          "userinfo_endpoint": "%1$s/user"}}""".formatted(op.issuer(), op.clientSecret())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Authorization a = authorize("gh");
        assertThat(a.request()).doesNotContainKey("nonce");
        assertThat(a.request().get("scope")).isEqualTo("read:user user:email");
        Reply r = callback(a.callback());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.text()).contains(TestOpenIdProvider.EMAIL, "janedoe", "Jane Doe");
        assertThat(lastSignInEvent().at("/details/subject").asString()).isEqualTo(op.issuer() + "|583231");
    }

    @Test
    void theClientJwksOfAProviderWithoutKeyAuthenticationIsEmpty() {
        register("basic", "client_secret_basic");
        Reply r = api.get("/sso/" + org + "/basic/oidc/jwks", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("keys").size()).isZero();
        assertThat(api.get("/sso/" + org + "/nobody/oidc/jwks", null).status()).isEqualTo(404);
    }

    @Test
    void logoutAtTheProvidersEndSessionEndpointAndByItsFrontChannel() {
        register("okta", "client_secret_basic", "{\"end_session_endpoint\": \"" + op.issuer() + "/logout\"}");
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.parse("{\"logout_redirect_url\": \"https://app.example.com/bye\"}")).status()).isEqualTo(200);
        op.claims(b -> b.claim("sid", "op-session-1"));
        Reply first = signIn("okta");
        assertSignedIn(first);
        String cookie = first.header("Set-Cookie").substring(0, first.header("Set-Cookie").indexOf(';'));
        Reply logout = api.get("/sso/" + org + "/okta/logout", null, "Cookie", cookie);
        assertThat(logout.status()).isEqualTo(302);
        assertThat(logout.header("Location")).startsWith(op.issuer() + "/logout?client_id=")
                .contains("post_logout_redirect_uri=" + java.net.URLEncoder.encode("https://sso.gatehouse.test/sso/"
                        + org + "/okta/oidc/logged-out", java.nio.charset.StandardCharsets.UTF_8));
        Reply back = api.get("/sso/" + org + "/okta/oidc/logged-out", null);
        assertThat(back.status()).isEqualTo(303);
        assertThat(back.header("Location")).isEqualTo("https://app.example.com/bye");

        // the provider ends its session op-session-2 through the front channel: Gatehouse's ends too
        op.claims(b -> b.claim("sid", "op-session-2"));
        Reply second = signIn("okta");
        String cookie2 = second.header("Set-Cookie").substring(0, second.header("Set-Cookie").indexOf(';'));
        assertThat(api.get("/sso/" + org + "/okta/oidc/frontchannel-logout?iss=https://elsewhere.example&sid=op-session-2",
                null).status()).isEqualTo(400);
        assertThat(api.get("/sso/" + org + "/okta/oidc/frontchannel-logout?iss="
                + java.net.URLEncoder.encode(op.issuer(), java.nio.charset.StandardCharsets.UTF_8) + "&sid=op-session-2",
                null).status()).isEqualTo(200);
        assertThat(lastSignInEvent().get("type").asString()).isEqualTo("sign_out.idp_initiated");
        Reply after = api.get("/sso/" + org + "/okta/logout", null, "Cookie", cookie2);
        // no session left here, so nothing to end at the provider: straight to the logout URL
        assertThat(after.status()).isEqualTo(303);
    }

    private static String cookieOf(Reply signedIn) {
        String setCookie = signedIn.header("Set-Cookie");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /**
     * Whether the browser's Gatehouse session was still open: its logout goes on to the provider's
     * end_session_endpoint (302); without a session there is nothing to end there.
     */
    private boolean sessionOpen(String alias, String cookie) {
        Reply logout = api.get("/sso/" + org + "/" + alias + "/logout", null, "Cookie", cookie);
        assertThat(logout.status()).as(logout.text()).isIn(200, 302, 303);
        return logout.status() == 302;
    }

    @Test
    void aFrontChannelLogoutUrlIsNotASettingAndGatehousesOwnIsPublished() {
        op.client("client-fc", "client_secret_basic");
        String body = """
                {"alias": "fc", "display_name": "FC", "protocol": "oidc", "oidc": {"issuer": "%s",
                 "client_id": "client-fc", "client_secret": "%s"%s}}""";
        Reply refused = api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse(body.formatted(
                op.issuer(), op.clientSecret(), ", \"front_channel_logout_url\": \"https://idp.example.com/logout\"")));
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.json().at("/errors/0/field").asString()).isEqualTo("oidc.front_channel_logout_url");
        assertThat(refused.json().at("/errors/0/code").asString()).isEqualTo("not_supported");
        assertThat(api.get("/api/orgs/" + org + "/identity-providers/fc", key).status()).isEqualTo(404);

        // the twin without it: the response names the URL to register at the provider, and a PUT of it back is fine
        Reply created = api.post("/api/orgs/" + org + "/identity-providers", key,
                ApiClient.parse(body.formatted(op.issuer(), op.clientSecret(), "")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("frontchannel_logout_uri").asString())
                .isEqualTo("https://sso.gatehouse.test/sso/" + org + "/fc/oidc/frontchannel-logout");
        assertThat(created.json().get("oidc").has("front_channel_logout_url")).isFalse();
        Reply put = api.put("/api/orgs/" + org + "/identity-providers/fc", key, created.json());
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        Reply patched = api.patch("/api/orgs/" + org + "/identity-providers/fc", key,
                ApiClient.parse("{\"oidc\": {\"front_channel_logout_url\": \"https://idp.example.com/logout\"}}"));
        assertThat(patched.status()).as(patched.text()).isEqualTo(422);
        assertThat(patched.json().at("/errors/0/code").asString()).isEqualTo("not_supported");
    }

    @Test
    void frontChannelLogoutEndsOnlyTheSessionNamedByTheProvidersIssAndSid() {
        JsonNode created = register("okta", "client_secret_basic",
                "{\"end_session_endpoint\": \"" + op.issuer() + "/logout\"}");
        String path = java.net.URI.create(created.get("frontchannel_logout_uri").asString()).getRawPath();
        String iss = enc(op.issuer());
        op.claims(b -> b.claim("sid", "op-session-1"));
        String first = cookieOf(signIn("okta"));
        op.claims(b -> b.claim("sid", "op-session-2"));
        String second = cookieOf(signIn("okta"));

        // ignored, each: sid without iss, iss without sid, another issuer's, an empty sid
        assertThat(api.get(path + "?sid=op-session-1", null).status()).isEqualTo(400);
        assertThat(api.get(path + "?iss=" + iss, null).status()).isEqualTo(400);
        assertThat(api.get(path + "?iss=" + enc("https://elsewhere.example") + "&sid=op-session-1", null).status())
                .isEqualTo(400);
        assertThat(api.get(path + "?iss=" + iss + "&sid=", null).status()).isEqualTo(400);
        // a sid no session of this provider has ends nothing; nor does a request naming none
        assertThat(api.get(path + "?iss=" + iss + "&sid=op-session-9", null).status()).isEqualTo(200);
        assertThat(api.get(path, null).status()).isEqualTo(200);
        // the same iss and sid at another provider's URL: sids are looked up among that provider's sessions only
        JsonNode other = register("other", "client_secret_basic");
        String otherPath = java.net.URI.create(other.get("frontchannel_logout_uri").asString()).getRawPath();
        assertThat(api.get(otherPath + "?iss=" + iss + "&sid=op-session-1", null).status()).isEqualTo(200);

        // the provider's own request, as its frame loads it: framable, never cached, the named session ends
        Reply logout = api.get(path + "?iss=" + iss + "&sid=op-session-1", null);
        assertThat(logout.status()).isEqualTo(200);
        assertThat(logout.header("Cache-Control")).contains("no-store");
        assertThat(logout.header("Pragma")).isEqualTo("no-cache");
        assertThat(logout.header("X-Frame-Options")).isNull();
        assertThat(logout.header("Content-Security-Policy")).doesNotContain("frame-ancestors");
        assertThat(lastSignInEvent().get("type").asString()).isEqualTo("sign_out.idp_initiated");
        assertThat(sessionOpen("okta", first)).isFalse();
        // none of the ignored requests ended the other session
        assertThat(sessionOpen("okta", second)).isTrue();
    }

    @Test
    void entraIdMayNameItsSessionWithoutIss() {
        op.client("client-entra", "client_secret_basic");
        Reply created = api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "entra", "display_name": "Entra", "protocol": "oidc", "known_provider": "entra_id",
                 "oidc": {"issuer": "%s", "client_id": "client-entra", "client_secret": "%s",
                          "end_session_endpoint": "%s/logout"}}""".formatted(op.issuer(), op.clientSecret(),
                op.issuer())));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String path = java.net.URI.create(created.json().get("frontchannel_logout_uri").asString()).getRawPath();
        op.claims(b -> b.claim("sid", "entra-session"));
        Reply signedIn = signIn("entra");
        assertThat(signedIn.status()).as(signedIn.text()).isEqualTo(200);
        String cookie = cookieOf(signedIn);
        // Entra ID sends sid alone; an iss, when sent, must still be the provider's
        assertThat(api.get(path + "?iss=" + enc("https://elsewhere.example") + "&sid=entra-session", null).status())
                .isEqualTo(400);
        assertThat(api.get(path + "?sid=entra-session", null).status()).isEqualTo(200);
        assertThat(sessionOpen("entra", cookie)).isFalse();
    }
}
