package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.BrowserSession;
import io.gatehouse.testkit.BrowserSession.Page;
import io.gatehouse.testkit.KeycloakServer.OidcClientOptions;
import io.gatehouse.testkit.KeycloakServer.SamlClientOptions;
import io.gatehouse.testkit.KeycloakServer.User;
import io.gatehouse.testkit.OnH2;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * End to end as an application sees it: the app sends the user to Gatehouse's /oauth2/authorize with a login_hint,
 * the email's domain routes to Keycloak (once as a SAML IdP, once as an OpenID provider), the user logs in at
 * Keycloak's form, the app's redirect URI gets a code, and the code buys an ID token that verifies against Gatehouse's
 * JWKS with Nimbus, and an access token that reads userinfo.
 */
@OnH2
class KeycloakAppSignInInteropTest extends AgainstKeycloak {
    private static final String REALM = "gatehouse-app-interop";
    private static final String REDIRECT_URI = APP + "/callback";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static User carol;
    private static User dave;

    private String org;
    private String key;
    private String clientId;
    private String clientSecret;

    @BeforeAll
    static void setUpRealm() {
        createRealm(REALM);
        keycloak.createGroup(REALM, "sales");
        // domains are unique across all orgs of the shared test database, so each run claims new ones
        carol = User.of("carol", "carol-password-1", "carol@" + uniqueDomain(), "Carol", "Danvers", "sales");
        dave = User.of("dave", "dave-password-1", "dave@" + uniqueDomain(), "Dave", "Lister");
        keycloak.createUser(REALM, carol);
        keycloak.createUser(REALM, dave);
    }

    @BeforeEach
    void setUpOrgAndApplication() {
        org = createOrg(uniqueOrgId("kc-app"));
        key = createKey(org, "idp_manager");
        Reply app = api.post("/api/applications", ADMIN, ApiClient.parse("""
                {"name": "Interop CRM", "redirect_uris": ["%s"]}""".formatted(REDIRECT_URI)));
        assertThat(app.status()).as(app.text()).isEqualTo(201);
        clientId = app.json().get("client_id").asString();
        clientSecret = app.json().get("client_secret").asString();
    }

    @Test
    void throughKeycloakAsSamlIdentityProvider() throws Exception {
        ObjectNode body = ApiClient.parse("""
                {"alias": "keycloak-saml", "display_name": "Keycloak SAML", "protocol": "saml", "domains": ["%s"],
                 "saml": {"metadata_url": "%s"}}""".formatted(domain(carol), keycloak.samlDescriptorUrl(REALM)));
        JsonNode sp = createIdp(org, key, body).get("sp");
        keycloak.samlClient(REALM, sp.get("entity_id").asString(), sp.get("acs_url").asString(),
                SamlClientOptions.defaults());

        JWTClaimsSet claims = signInAsTheApplication(carol);

        assertThat(claims.getStringClaim("identity_provider")).isEqualTo("keycloak-saml");
        assertThat(claims.getStringListClaim("groups")).contains("sales");
    }

    @Test
    void throughKeycloakAsOpenIdProvider() throws Exception {
        String keycloakClientId = org + "-gatehouse";
        String callback = GATEHOUSE + "/sso/" + org + "/keycloak-oidc/oidc/callback";
        keycloak.oidcClient(REALM, keycloakClientId, "app-interop-secret", callback,
                OidcClientOptions.defaults().withPkceRequired(true));
        ObjectNode body = ApiClient.parse("""
                {"alias": "keycloak-oidc", "display_name": "Keycloak OIDC", "protocol": "oidc", "domains": ["%s"],
                 "oidc": {"issuer": "%s", "client_id": "%s", "client_secret": "app-interop-secret"}}"""
                .formatted(domain(dave), keycloak.issuer(REALM), keycloakClientId));
        createIdp(org, key, body);

        JWTClaimsSet claims = signInAsTheApplication(dave);

        assertThat(claims.getStringClaim("identity_provider")).isEqualTo("keycloak-oidc");
    }

    /** The application's whole sign-in, browser and back channel; returns the verified ID token's claims. */
    private JWTClaimsSet signInAsTheApplication(User user) throws Exception {
        JsonNode discovery = api.get("/.well-known/openid-configuration", null).json();
        String issuer = discovery.get("issuer").asString();
        String state = random(16);
        String nonce = random(16);
        String verifier = random(32);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        BrowserSession browser = browser();

        Page login = browser.open(local("/oauth2/authorize?response_type=code&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc(REDIRECT_URI) + "&scope=" + enc("openid email profile") + "&state=" + state
                + "&nonce=" + nonce + "&code_challenge=" + challenge + "&code_challenge_method=S256&login_hint="
                + enc(user.email())));
        assertThat(login.url().toString()).as("routed by the email's domain to Keycloak")
                .startsWith(keycloak.issuer(REALM));
        Page landed = browser.continueFlow(browser.login(login, user.username(), user.password()));

        assertThat(landed.status()).as(landed.body()).isEqualTo(200);
        assertThat(landed.body()).isEqualTo("app: /callback");
        Map<String, String> callback = query(landed.url());
        assertThat(callback).containsEntry("state", state).containsEntry("iss", issuer).containsKey("code");

        Reply tokens = api.send("POST", "/oauth2/token", null, "application/x-www-form-urlencoded",
                ("grant_type=authorization_code&code=" + enc(callback.get("code")) + "&redirect_uri=" + enc(REDIRECT_URI)
                        + "&code_verifier=" + verifier).getBytes(StandardCharsets.UTF_8),
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(clientSecret))
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);

        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        JWKSet jwks = JWKSet.parse(api.get("/oauth2/jwks", null).text());
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(jwks)));
        JWTClaimsSet claims = processor.process(tokens.json().get("id_token").asString(), null);
        assertThat(claims.getIssuer()).isEqualTo(issuer);
        assertThat(claims.getAudience()).containsExactly(clientId);
        assertThat(claims.getStringClaim("nonce")).isEqualTo(nonce);
        assertThat(claims.getStringClaim("email")).isEqualTo(user.email());
        assertThat(claims.getStringClaim("given_name")).isEqualTo(user.firstName());
        assertThat(claims.getStringClaim("family_name")).isEqualTo(user.lastName());
        assertThat(claims.getStringClaim("org")).isEqualTo(org);

        Reply userinfo = api.get("/oauth2/userinfo", null, "Authorization", "Bearer "
                + tokens.json().get("access_token").asString());
        assertThat(userinfo.status()).as(userinfo.text()).isEqualTo(200);
        assertThat(userinfo.json().get("sub").asString()).isEqualTo(claims.getSubject());
        assertThat(userinfo.json().get("email").asString()).isEqualTo(user.email());
        return claims;
    }

    private static String domain(User user) {
        return user.email().substring(user.email().indexOf('@') + 1);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
