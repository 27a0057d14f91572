package io.gatehouse.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.Sha256;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Inflater;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/**
 * An application signs a user in through Gatehouse with plain OpenID Connect: authorize (routed by
 * email domain, organization or provider), a real signed SAML response at the ACS, the code
 * exchanged, the ID token verified against Gatehouse's JWKS, userinfo read; and the attacks on it.
 */
abstract class AppSignInTests extends ApiTest {
    @Autowired
    AccessTokens accessTokens;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AuthorizationCodes codes;

    private static final KeyAndCertificate IDP = TestCertificates.valid("app-signin-idp");
    private static final String REDIRECT = "https://app.example.com/callback";
    private String org;
    private String key;
    private String domain;
    private String clientId;
    private String clientSecret;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("app"));
        key = createKey(org, "idp_manager");
        domain = uniqueDomain();
        Reply idp = api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "okta", "display_name": "Acme Okta", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "%s", "sso_url": "https://idp.acme.example/sso", "certificates": ["%s"]}}"""
                .formatted(domain, TestSamlResponses.IDP_ENTITY_ID, TestCertificates.base64(IDP.certificate()))));
        assertThat(idp.status()).as(idp.text()).isEqualTo(201);
        JsonNode app = registerApp("{\"name\": \"Acme CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}");
        clientId = app.get("client_id").asString();
        clientSecret = app.get("client_secret").asString();
    }

    private JsonNode registerApp(String body) {
        Reply r = api.post("/api/applications", ADMIN, ApiClient.parse(body));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = URI.create(uri).getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(kv[0], URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String authorizeUrl(String extra) {
        return "/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid%20email%20profile&state=xyz-state&nonce=n-0S6" + extra;
    }

    /** Authorize, then play the IdP: a signed response for the AuthnRequest Gatehouse sent. Returns the app's redirect. */
    private Reply signIn(String authorizeExtra) throws Exception {
        Reply start = api.get(authorizeUrl(authorizeExtra), null);
        assertThat(start.status()).as(start.text()).isEqualTo(302);
        Map<String, String> q = query(start.header("Location"));
        assertThat(start.header("Location")).startsWith("https://idp.acme.example/sso?");
        Inflater inflater = new Inflater(true);
        inflater.setInput(Base64.getDecoder().decode(q.get("SAMLRequest")));
        byte[] out = new byte[16384];
        int n = inflater.inflate(out);
        Document request = TestSamlResponses.parse(new String(out, 0, n, StandardCharsets.UTF_8));
        JsonNode sp = api.get("/api/orgs/" + org + "/identity-providers/okta", key).json().get("sp");
        String response = TestSamlResponses.okta(IDP, request.getDocumentElement().getAttribute("ID"), Instant.now())
                .destination(sp.get("acs_url").asString()).recipient(sp.get("acs_url").asString())
                .audiences(sp.get("entity_id").asString()).nameId("alice@" + domain, TestSamlResponses.EMAIL_FORMAT)
                .base64();
        return api.send("POST", "/sso/" + org + "/okta/saml/acs", null, "application/x-www-form-urlencoded",
                ("SAMLResponse=" + enc(response) + "&RelayState=" + enc(q.get("RelayState")))
                        .getBytes(StandardCharsets.UTF_8));
    }

    private Reply token(String form, String basicUser, String basicPassword) {
        String[] headers = basicUser == null ? new String[0] : new String[] {"Authorization", "Basic "
                + Base64.getEncoder().encodeToString((enc(basicUser) + ":" + enc(basicPassword))
                .getBytes(StandardCharsets.UTF_8))};
        return api.send("POST", "/oauth2/token", null, "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8), headers);
    }

    private JWTClaimsSet verify(String idToken, JWSAlgorithm alg) throws Exception {
        JWKSet jwks = JWKSet.parse(api.get("/oauth2/jwks", null).text());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(jwks)));
        return processor.process(idToken, null);
    }

    @Test
    void anAppSignsAUserInByEmailDomainAndGetsTheNormalizedProfile() throws Exception {
        JsonNode discovery = api.get("/.well-known/openid-configuration", null).json();
        assertThat(discovery.get("authorization_endpoint").asString()).endsWith("/oauth2/authorize");

        Reply back = signIn("&login_hint=" + enc("alice@" + domain));
        assertThat(back.status()).as(back.text()).isEqualTo(303);
        assertThat(back.header("Location")).startsWith(REDIRECT + "?code=");
        Map<String, String> q = query(back.header("Location"));
        assertThat(q.get("state")).isEqualTo("xyz-state");
        assertThat(q.get("iss")).isEqualTo(discovery.get("issuer").asString());

        Reply tokens = token("grant_type=authorization_code&code=" + enc(q.get("code")) + "&redirect_uri=" + enc(REDIRECT),
                clientId, clientSecret);
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        assertThat(tokens.header("Cache-Control")).isEqualTo("no-store");
        JWTClaimsSet claims = verify(tokens.json().get("id_token").asString(), JWSAlgorithm.RS256);
        assertThat(claims.getIssuer()).isEqualTo(discovery.get("issuer").asString());
        assertThat(claims.getAudience()).containsExactly(clientId);
        assertThat(claims.getStringClaim("nonce")).isEqualTo("n-0S6");
        assertThat(claims.getStringClaim("email")).isEqualTo("alice@" + domain);
        assertThat(claims.getStringClaim("given_name")).isEqualTo("Alice");
        assertThat(claims.getStringClaim("org")).isEqualTo(org);
        assertThat(claims.getStringClaim("identity_provider")).isEqualTo("okta");
        assertThat(claims.getStringListClaim("groups")).contains("Engineering");
        assertThat(claims.getStringClaim("at_hash")).isNotBlank();
        assertThat(claims.getJSONObjectClaim("raw_attributes")).containsKey("firstName");

        Reply userinfo = api.get("/oauth2/userinfo", null, "Authorization", "Bearer "
                + tokens.json().get("access_token").asString());
        assertThat(userinfo.status()).isEqualTo(200);
        assertThat(userinfo.json().get("sub").asString()).isEqualTo(claims.getSubject());

        // the code works once; a replay revokes the access token it issued
        Reply replay = token("grant_type=authorization_code&code=" + enc(q.get("code")) + "&redirect_uri=" + enc(REDIRECT),
                clientId, clientSecret);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(api.get("/oauth2/userinfo", null, "Authorization", "Bearer "
                + tokens.json().get("access_token").asString()).status()).isEqualTo(401);
    }

    @Test
    void accessTokensAreSealedAndRefusedWhenTamperedForeignExpiredOrOrphaned() throws Exception {
        Reply back = signIn("&login_hint=" + enc("alice@" + domain));
        String code = query(back.header("Location")).get("code");
        Reply tokens = token("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT),
                clientId, clientSecret);
        String accessToken = tokens.json().get("access_token").asString();
        // the twin: the token as issued reads the profile
        assertThat(userinfo(accessToken).status()).isEqualTo(200);
        assertThat(userinfo(accessToken).json().get("email").asString()).isEqualTo("alice@" + domain);

        int last = accessToken.length() - 5;
        String tampered = accessToken.substring(0, last) + (accessToken.charAt(last) == 'A' ? 'B' : 'A')
                + accessToken.substring(last + 1);
        assertThat(userinfo(tampered).status()).isEqualTo(401);
        String otherKey = accessToken.replaceFirst("^gat1\\.[^.]+\\.", "gat1.mk-0000000000000000.");
        assertThat(otherKey).isNotEqualTo(accessToken);
        assertThat(userinfo(otherKey).status()).isEqualTo(401);
        assertThat(accessToken.length()).isLessThan(300);
        assertThat(userinfo("gat1." + "A".repeat(5_000)).status()).isEqualTo(401);
        assertThat(userinfo("gat1.x." + accessToken.substring(accessToken.lastIndexOf('.') + 1)).status()).isEqualTo(401);
        // ten minutes on, the same token is refused
        Instant now = Instant.now();
        assertThat(accessTokens.claims(accessToken, now)).isPresent();
        assertThat(accessTokens.claims(accessToken, now.plus(AccessTokens.LIFETIME).plusSeconds(2))).isEmpty();
        // the code's row is kept longer than its tokens live; were it gone, the token would not be honoured
        assertThat(AuthorizationCodes.KEPT_AFTER_EXPIRY).isGreaterThan(AccessTokens.LIFETIME);
        jdbc.sql("delete from authorization_codes where code_hash = ?").param(Sha256.hex(code)).update();
        assertThat(userinfo(accessToken).status()).isEqualTo(401);
    }

    private Reply userinfo(String accessToken) {
        return api.get("/oauth2/userinfo", null, "Authorization", "Bearer " + accessToken);
    }

    @Test
    void aRotatedIssuerKeySignsTheNextIdTokensAndTheOldOneStaysPublished() throws Exception {
        String before = idTokenKeyId();
        Reply rotated = api.post("/api/issuer/keys/rotate", ADMIN, ApiClient.parse("{}"));
        assertThat(rotated.status()).as(rotated.text()).isLessThan(300);
        String after = idTokenKeyId();
        assertThat(after).isNotEqualTo(before);
        JWKSet jwks = JWKSet.parse(api.get("/oauth2/jwks", null).text());
        assertThat(jwks.getKeyByKeyId(before)).as("the retired key is still published").isNotNull();
        assertThat(jwks.getKeyByKeyId(after)).isNotNull();
        // an org key may not rotate the platform's signing keys
        assertThat(api.post("/api/issuer/keys/rotate", key, ApiClient.parse("{}")).status()).isEqualTo(403);
    }

    /** Signs alice in and returns the key id of the (verified) ID token. */
    private String idTokenKeyId() throws Exception {
        Reply back = signIn("&login_hint=" + enc("alice@" + domain));
        Reply tokens = token("grant_type=authorization_code&code=" + enc(query(back.header("Location")).get("code"))
                + "&redirect_uri=" + enc(REDIRECT), clientId, clientSecret);
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        String idToken = tokens.json().get("id_token").asString();
        verify(idToken, JWSAlgorithm.RS256);
        return com.nimbusds.jwt.SignedJWT.parse(idToken).getHeader().getKeyID();
    }

    @Test
    void aPublicClientWithPkceAndAnEs256IdTokenAndTheDowngradesRefused() throws Exception {
        JsonNode app = registerApp("{\"name\": \"SPA\", \"redirect_uris\": [\"" + REDIRECT + "\"], \"public_client\": true,"
                + " \"id_token_signed_response_alg\": \"ES256\"}");
        clientId = app.get("client_id").asString();
        assertThat(app.has("client_secret")).isFalse();
        String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" + UUID.randomUUID().toString().replace("-", "");
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));

        Reply noPkce = api.get(authorizeUrl("&organization=" + org), null);
        assertThat(query(noPkce.header("Location")).get("error")).isEqualTo("invalid_request");
        Reply plain = api.get(authorizeUrl("&organization=" + org + "&code_challenge=" + challenge
                + "&code_challenge_method=plain"), null);
        assertThat(query(plain.header("Location")).get("error")).isEqualTo("invalid_request");

        Reply back = signIn("&organization=" + org + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        String code = query(back.header("Location")).get("code");
        Reply missingVerifier = token("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT)
                + "&client_id=" + enc(clientId), null, null);
        assertThat(missingVerifier.json().get("error").asString()).isEqualTo("invalid_grant");

        Reply back2 = signIn("&identity_provider=" + org + "/okta&code_challenge=" + challenge
                + "&code_challenge_method=S256");
        String code2 = query(back2.header("Location")).get("code");
        Reply tokens = token("grant_type=authorization_code&code=" + enc(code2) + "&redirect_uri=" + enc(REDIRECT)
                + "&client_id=" + enc(clientId) + "&code_verifier=" + verifier, null, null);
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        assertThat(verify(tokens.json().get("id_token").asString(), JWSAlgorithm.ES256).getStringClaim("email"))
                .isEqualTo("alice@" + domain);
    }

    @Test
    void theTokenEndpointRefusesWrongSecretsRedirectUrisAndOtherClients() throws Exception {
        Reply back = signIn("&login_hint=" + enc("alice@" + domain));
        String code = query(back.header("Location")).get("code");
        Reply wrongSecret = token("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT),
                clientId, "gh_cs_wrong");
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.json().get("error").asString()).isEqualTo("invalid_client");
        Reply wrongRedirect = token("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri="
                + enc("https://app.example.com/other"), clientId, clientSecret);
        assertThat(wrongRedirect.json().get("error").asString()).isEqualTo("invalid_grant");

        JsonNode other = registerApp("{\"name\": \"Other\", \"redirect_uris\": [\"" + REDIRECT + "\"]}");
        Reply back2 = signIn("&login_hint=" + enc("alice@" + domain));
        String code2 = query(back2.header("Location")).get("code");
        Reply otherClient = token("grant_type=authorization_code&code=" + enc(code2) + "&redirect_uri=" + enc(REDIRECT),
                other.get("client_id").asString(), other.get("client_secret").asString());
        assertThat(otherClient.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(otherClient.json().get("error_description").asString()).contains("another client");
    }

    @Test
    void aCodeSurvivesRequestsThatCannotProveItsBindingsAndOnlyItsClientCanReplayIt() throws Exception {
        Reply back = signIn("&login_hint=" + enc("alice@" + domain));
        String code = query(back.header("Location")).get("code");
        String redeem = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT);
        JsonNode other = registerApp("{\"name\": \"Thief\", \"redirect_uris\": [\"" + REDIRECT + "\"]}");
        String thief = other.get("client_id").asString();
        String thiefSecret = other.get("client_secret").asString();

        // a stolen code presented with another client, another redirect URI or a wrong secret changes nothing
        assertThat(token(redeem, thief, thiefSecret).json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(token("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri="
                + enc("https://app.example.com/other"), clientId, clientSecret).json().get("error").asString())
                .isEqualTo("invalid_grant");
        assertThat(token(redeem, clientId, "gh_cs_wrong").status()).isEqualTo(401);
        assertThat(codeRow(code).usedAt()).isNull();

        // so its owner still redeems it
        Reply tokens = token(redeem, clientId, clientSecret);
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        String accessToken = tokens.json().get("access_token").asString();
        assertThat(userinfo(accessToken).status()).isEqualTo(200);

        // a replay by whoever cannot prove the bindings is refused without revoking the owner's tokens
        Reply thiefReplay = token(redeem, thief, thiefSecret);
        assertThat(thiefReplay.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(token("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri="
                + enc("https://app.example.com/other"), clientId, clientSecret).status()).isEqualTo(400);
        assertThat(userinfo(accessToken).status()).isEqualTo(200);
        assertThat(codeRow(code).tokensRevoked()).isFalse();

        // the owner's own second use is a replay: refused, and what the code issued is revoked (RFC 6749 4.1.2)
        Reply replay = token(redeem, clientId, clientSecret);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(userinfo(accessToken).status()).isEqualTo(401);
        assertThat(codeRow(code).tokensRevoked()).isTrue();
    }

    @Test
    void aWrongPkceVerifierLeavesThePublicClientsCodeUsable() throws Exception {
        JsonNode app = registerApp("{\"name\": \"SPA\", \"redirect_uris\": [\"" + REDIRECT + "\"],"
                + " \"public_client\": true}");
        clientId = app.get("client_id").asString();
        String verifier = "v".repeat(20) + UUID.randomUUID().toString().replace("-", "");
        String challenge = Sha256.base64Url(verifier);
        Reply back = signIn("&organization=" + org + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        String code = query(back.header("Location")).get("code");
        String redeem = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT)
                + "&client_id=" + enc(clientId);

        String wrongVerifier = "w".repeat(20) + UUID.randomUUID().toString().replace("-", "");
        Reply wrong = token(redeem + "&code_verifier=" + wrongVerifier, null, null);
        assertThat(wrong.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(token(redeem, null, null).json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(codeRow(code).usedAt()).isNull();

        Reply tokens = token(redeem + "&code_verifier=" + verifier, null, null);
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        String accessToken = tokens.json().get("access_token").asString();
        // whoever holds the code without the verifier cannot revoke the tokens either
        assertThat(token(redeem + "&code_verifier=" + wrongVerifier, null, null).status()).isEqualTo(400);
        assertThat(userinfo(accessToken).status()).isEqualTo(200);
        assertThat(token(redeem + "&code_verifier=" + verifier, null, null).json().get("error").asString())
                .isEqualTo("invalid_grant");
        assertThat(userinfo(accessToken).status()).isEqualTo(401);
    }

    @Test
    void ofRacingRedemptionsOfOneCodeExactlyOneWins() throws Exception {
        Reply back = signIn("&login_hint=" + enc("alice@" + domain));
        String code = query(back.header("Location")).get("code");
        String redeem = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT);
        int racers = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(racers);
        java.util.List<Reply> replies;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(racers)) {
            java.util.List<java.util.concurrent.Future<Reply>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < racers; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return token(redeem, clientId, clientSecret);
                }));
            }
            replies = new java.util.ArrayList<>();
            for (var f : futures) {
                replies.add(f.get());
            }
        }
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() == 400)
                .hasSize(racers - 1).allSatisfy(r -> assertThat(r.json().get("error").asString()).isEqualTo("invalid_grant"));
    }

    @Test
    void spendingACodeIsOneConditionalUpdateThatOnlyOneCallerWins() throws Exception {
        Reply back = signIn("&login_hint=" + enc("alice@" + domain));
        String hash = Sha256.hex(query(back.header("Location")).get("code"));
        Instant now = Instant.now();
        int racers = 16;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(racers);
        int won = 0;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(racers)) {
            java.util.List<java.util.concurrent.Future<Boolean>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < racers; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return codes.consume(hash, now);
                }));
            }
            for (var f : futures) {
                won += f.get() ? 1 : 0;
            }
        }
        assertThat(won).isEqualTo(1);
        // an expired code is never spent
        Reply later = signIn("&login_hint=" + enc("alice@" + domain));
        String laterHash = Sha256.hex(query(later.header("Location")).get("code"));
        assertThat(codes.consume(laterHash, Instant.now().plus(AuthorizationCodes.LIFETIME).plusSeconds(1))).isFalse();
        assertThat(codes.consume(laterHash, Instant.now())).isTrue();
    }

    private record CodeRow(java.sql.Timestamp usedAt, boolean tokensRevoked) {
    }

    private CodeRow codeRow(String code) {
        return jdbc.sql("select used_at, tokens_revoked from authorization_codes where code_hash = ?")
                .param(Sha256.hex(code)).query((rs, n) -> new CodeRow(rs.getTimestamp(1), rs.getBoolean(2))).single();
    }

    @Test
    void authorizeNeverRedirectsToAnUnregisteredUriAndRoutesWithoutRevealingWhoUsesGatehouse() {
        Reply unknownUri = api.get("/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri="
                + enc("https://evil.example/steal") + "&response_type=code&scope=openid", null);
        assertThat(unknownUri.status()).isEqualTo(400);
        assertThat(unknownUri.header("Location")).isNull();
        Reply unknownClient = api.get("/oauth2/authorize?client_id=nobody&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid", null);
        assertThat(unknownClient.status()).isEqualTo(400);

        Reply ask = api.get(authorizeUrl(""), null);
        assertThat(ask.status()).isEqualTo(200);
        assertThat(ask.text()).contains("Work email", "name=\"client_id\"");
        Reply unknownDomain = api.get(authorizeUrl("&login_hint=" + enc("bob@" + uniqueDomain())), null);
        assertThat(unknownDomain.status()).isEqualTo(200);
        assertThat(unknownDomain.text()).contains("could not find single sign-on").doesNotContain(org);
        // a parent domain routes too: sub.<domain> belongs to the provider of <domain>
        Reply parent = api.get(authorizeUrl("&login_hint=" + enc("carol@eu." + domain)), null);
        assertThat(parent.status()).isEqualTo(302);
        assertThat(parent.header("Location")).startsWith("https://idp.acme.example/sso?");
    }

    @Test
    void anOrganizationWithSeveralProvidersGetsAChooserAndAppsMayBeLimitedToOrgs() {
        Reply second = api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "backup", "display_name": "Backup IdP", "protocol": "saml",
                 "saml": {"entity_id": "https://backup.example", "sso_url": "https://backup.example/sso",
                          "certificates": ["%s"]}}""".formatted(TestCertificates.base64(IDP.certificate()))));
        assertThat(second.status()).isEqualTo(201);
        Reply chooser = api.get(authorizeUrl("&organization=" + org), null);
        assertThat(chooser.status()).isEqualTo(200);
        assertThat(chooser.text()).contains("Acme Okta", "Backup IdP", "identity_provider=" + org + "%2Fbackup");

        String otherOrg = createOrg(uniqueOrgId("elsewhere"));
        JsonNode limited = registerApp("{\"name\": \"Limited\", \"redirect_uris\": [\"" + REDIRECT + "\"],"
                + " \"allowed_orgs\": [\"" + otherOrg + "\"]}");
        clientId = limited.get("client_id").asString();
        Reply denied = api.get(authorizeUrl("&identity_provider=" + org + "/okta"), null);
        assertThat(query(denied.header("Location")).get("error")).isEqualTo("access_denied");
        assertThat(query(denied.header("Location")).get("state")).isEqualTo("xyz-state");
    }

    @Test
    void routingFollowsEveryChangeOfTheRegistry() {
        String hint = "&login_hint=" + enc("dana@" + domain);
        assertThat(api.get(authorizeUrl(hint), null).status()).isEqualTo(302);
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.parse("{\"enabled\": false}")).status()).isEqualTo(200);
        assertThat(api.get(authorizeUrl(hint), null).text()).contains("could not find single sign-on");
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.parse("{\"enabled\": true}")).status()).isEqualTo(200);
        assertThat(api.get(authorizeUrl(hint), null).status()).isEqualTo(302);
        String moved = uniqueDomain();
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key,
                ApiClient.parse("{\"domains\": [\"" + moved + "\"]}")).status()).isEqualTo(200);
        assertThat(api.get(authorizeUrl(hint), null).status()).isEqualTo(200);
        assertThat(api.get(authorizeUrl("&login_hint=" + enc("dana@" + moved)), null).status()).isEqualTo(302);
        assertThat(api.delete("/api/orgs/" + org + "/identity-providers/okta", key).status()).isEqualTo(204);
        assertThat(api.get(authorizeUrl("&login_hint=" + enc("dana@" + moved)), null).text())
                .contains("could not find single sign-on");
    }

    @Test
    void anIdpInitiatedSignInLandsInTheIdpsDefaultApplication() {
        assertThat(api.patch("/api/orgs/" + org + "/identity-providers/okta", key, ApiClient.parse(
                "{\"saml\": {\"allow_idp_initiated\": true, \"default_application\": \"" + clientId + "\"}}"))
                .status()).isEqualTo(200);
        JsonNode sp = api.get("/api/orgs/" + org + "/identity-providers/okta", key).json().get("sp");
        String unsolicited = TestSamlResponses.okta(IDP, null, Instant.now()).destination(sp.get("acs_url").asString())
                .recipient(sp.get("acs_url").asString()).audiences(sp.get("entity_id").asString())
                .nameId("erin@" + domain, TestSamlResponses.EMAIL_FORMAT).base64();
        Reply landed = api.send("POST", "/sso/" + org + "/okta/saml/acs", null, "application/x-www-form-urlencoded",
                ("SAMLResponse=" + enc(unsolicited)).getBytes(StandardCharsets.UTF_8));
        assertThat(landed.status()).as(landed.text()).isEqualTo(303);
        assertThat(landed.header("Location")).startsWith(REDIRECT + "?code=").doesNotContain("state=");
        Reply tokens = token("grant_type=authorization_code&code=" + enc(query(landed.header("Location")).get("code"))
                + "&redirect_uri=" + enc(REDIRECT), clientId, clientSecret);
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
    }
}
