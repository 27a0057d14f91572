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
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestOpenIdProvider;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSignInBrowser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An org's identity provider signs a user in to an application open to every org with an address
 * of a domain another org claims: refused, whatever the provider's settings, with its own reason
 * and event; and {@code email_verified} in the ID token only where Gatehouse can stand behind it.
 * Every case through {@code /oauth2/authorize}, the IdP (a real signed SAML response, or the real
 * test OpenID provider) and {@code /oauth2/token}, for both protocols, each with a passing twin.
 */
abstract class CrossTenantEmailTests extends ApiTest {
    private static final KeyAndCertificate SAML_IDP = TestCertificates.valid("cross-tenant-idp");
    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    private static final String SAML_SUBJECT = "u-4711";
    private static final RejectReason CLAIMED_ELSEWHERE = RejectReason.PROVISIONING_EMAIL_DOMAIN_CLAIMED_ELSEWHERE;
    private static final RejectReason NOT_ALLOWED = RejectReason.PROVISIONING_EMAIL_DOMAIN_NOT_ALLOWED;
    /** Every sign-in stores what it asserts, so each case's address is the one the token carries. */
    private static final String FORCE = "{\"sync_mode\": \"force\"}";
    private static final String ANY_DOMAIN = "{\"sync_mode\": \"force\", \"allow_any_email_domain\": true}";
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** How the attacking org's identity provider talks to Gatehouse. */
    enum Via {
        SAML, OIDC
    }

    private TestOpenIdProvider op;
    /** The org whose domain is at stake, and its claimed domain. */
    private String victim;
    private String victimKey;
    private String victimDomain;
    /** The org whose identity provider asserts the addresses. */
    private String tenant;
    private String tenantKey;
    private String clientId;
    private String clientSecret;

    @BeforeEach
    void setUp() {
        op = new TestOpenIdProvider();
        victim = createOrg(uniqueOrgId("victim"));
        victimKey = createKey(victim, "idp_manager");
        victimDomain = uniqueDomain();
        register(victim, victimKey, Via.SAML, "corp", List.of(victimDomain), "{}", "[]");
        tenant = createOrg(uniqueOrgId("tenant"));
        tenantKey = createKey(tenant, "idp_manager");
        // an application every org may sign in to: the one the attack aims at
        Reply app = api.post("/api/applications", ADMIN, ApiClient.parse(
                "{\"name\": \"Shared CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}"));
        assertThat(app.status()).as(app.text()).isEqualTo(201);
        clientId = app.json().get("client_id").asString();
        clientSecret = app.json().get("client_secret").asString();
    }

    @AfterEach
    void stopProvider() {
        op.close();
    }

    // --- the variants

    @ParameterizedTest
    @EnumSource(Via.class)
    void anOrgWithoutDomainsCannotVouchForAnotherOrgsDomain(Via via) throws Exception {
        JsonNode idp = register(tenant, tenantKey, via, "idp", List.of(), FORCE, "[]");
        assertThat(idp.get("warnings").toString()).as("no mapper, no warning about one").doesNotContain("email_verified");

        assertRefused(signIn(via, "idp", user("ceo@" + victimDomain, true)), CLAIMED_ELSEWHERE);
        assertThat(users(tenant)).as("nothing stored for a refused sign-in").isEmpty();

        // the twin: a domain nobody claims passes, but Gatehouse does not stand behind it
        String stranger = "ceo@" + uniqueDomain();
        JWTClaimsSet claims = idToken(signIn(via, "idp", user(stranger, true)));
        assertThat(claims.getStringClaim("email")).isEqualTo(stranger);
        assertThat(claims.getBooleanClaim("email_verified")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void anyEmailDomainNeverCoversAnotherOrgsDomainNorItsSubdomains(Via via) throws Exception {
        register(tenant, tenantKey, via, "idp", List.of(), ANY_DOMAIN, "[]");

        assertRefused(signIn(via, "idp", user("ceo@" + victimDomain, true)), CLAIMED_ELSEWHERE);
        // routing gives hr.<domain> to the org of <domain>: so does vouching
        assertRefused(signIn(via, "idp", user("ceo@hr." + victimDomain, true)), CLAIMED_ELSEWHERE);
        // the same domain however it is written
        assertRefused(signIn(via, "idp", user("ceo@" + victimDomain.toUpperCase() + ".", true)), CLAIMED_ELSEWHERE);
        assertRefused(signIn(via, "idp", user("ceo\uFF20" + victimDomain, true)), CLAIMED_ELSEWHERE);
        assertThat(users(tenant)).isEmpty();

        // the twin: an unclaimed domain, verified by the IdP, is vouched for as the IdP says
        String partner = "guest@" + uniqueDomain();
        JWTClaimsSet verified = idToken(signIn(via, "idp", user(partner, true)));
        assertThat(verified.getStringClaim("email")).isEqualTo(partner);
        assertThat(verified.getBooleanClaim("email_verified")).isTrue();
        JWTClaimsSet unsaid = idToken(signIn(via, "idp", user(partner, null)));
        assertThat(unsaid.getBooleanClaim("email_verified")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void anOrgWithItsOwnDomainsIsRefusedAnotherOrgsDomainForThatReason(Via via) throws Exception {
        String own = uniqueDomain();
        register(tenant, tenantKey, via, "idp", List.of(own), FORCE, "[]");

        assertRefused(signIn(via, "idp", user("ceo@" + victimDomain, true)), CLAIMED_ELSEWHERE);
        assertRefused(signIn(via, "idp", user("ceo@" + uniqueDomain(), true)), NOT_ALLOWED);

        // the twin: its own domain, verified because the org claims it (SAML says nothing of verification)
        JWTClaimsSet claims = idToken(signIn(via, "idp", user("ceo@" + own, via == Via.OIDC ? true : null)));
        assertThat(claims.getStringClaim("email")).isEqualTo("ceo@" + own);
        assertThat(claims.getBooleanClaim("email_verified")).isTrue();
        // ...unless its IdP says the address is unverified
        assertThat(idToken(signIn(via, "idp", user("ceo@" + own, false))).getBooleanClaim("email_verified"))
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aSubdomainAnOrgListsItselfIsThatOrgsAndNoOtherPartOfTheParent(Via via) throws Exception {
        String delegated = "it." + victimDomain;
        register(tenant, tenantKey, via, "idp", List.of(delegated), ANY_DOMAIN, "[]");

        assertRefused(signIn(via, "idp", user("ceo@hr." + victimDomain, true)), CLAIMED_ELSEWHERE);

        // the twins: the listed subdomain, and what lies under it, are the tenant's
        JWTClaimsSet own = idToken(signIn(via, "idp", user("admin@" + delegated, null)));
        assertThat(own.getStringClaim("email")).isEqualTo("admin@" + delegated);
        assertThat(own.getBooleanClaim("email_verified")).isTrue();
        JWTClaimsSet below = idToken(signIn(via, "idp", user("dev@team." + delegated, true)));
        assertThat(below.getStringClaim("email")).isEqualTo("dev@team." + delegated);
        assertThat(below.getBooleanClaim("email_verified")).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void noMapperMakesAnAddressVerified(Via via) throws Exception {
        String own = uniqueDomain();
        JsonNode idp = register(tenant, tenantKey, via, "idp", List.of(own), ANY_DOMAIN,
                "[{\"name\": \"force\", \"type\": \"hardcoded\", \"target\": \"email_verified\", \"value\": \"true\"}]");
        List<String> warnings = new ArrayList<>();
        idp.get("warnings").forEach(w -> warnings.add(w.asString()));
        assertThat(warnings).anyMatch(w -> w.contains("email_verified"));

        String partner = "guest@" + uniqueDomain();
        assertThat(idToken(signIn(via, "idp", user(partner, null))).getBooleanClaim("email_verified")).isFalse();
        assertThat(idToken(signIn(via, "idp", user(partner, false))).getBooleanClaim("email_verified")).isFalse();
        assertThat(idToken(signIn(via, "idp", user("ceo@" + own, false))).getBooleanClaim("email_verified"))
                .isFalse();
        // and the mapper does not open another org's domain either
        assertRefused(signIn(via, "idp", user("ceo@" + victimDomain, true)), CLAIMED_ELSEWHERE);

        // the twin: the IdP's own word makes it true
        assertThat(idToken(signIn(via, "idp", user(partner, true))).getBooleanClaim("email_verified")).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void anAddressKeptFromAnEarlierSignInIsJudgedAgainAtEverySignIn(Via via) throws Exception {
        register(tenant, tenantKey, via, "idp", List.of(), "{\"allow_any_email_domain\": true, \"sync_mode\": \"import\"}",
                "[]");
        String later = uniqueDomain();
        // the twin first: nobody claims the domain yet
        JWTClaimsSet before = idToken(signIn(via, "idp", user("ceo@" + later, true)));
        assertThat(before.getStringClaim("email")).isEqualTo("ceo@" + later);
        assertThat(before.getBooleanClaim("email_verified")).isTrue();
        // import keeps the profile, not Gatehouse's word on it: the IdP now says the address is unverified
        assertThat(idToken(signIn(via, "idp", user("ceo@" + later, false))).getBooleanClaim("email_verified"))
                .isFalse();

        // the victim claims the domain; import keeps the stored address whatever the IdP now asserts
        Reply claimed = api.patch("/api/orgs/" + victim + "/identity-providers/corp", victimKey,
                ApiClient.parse("{\"domains\": [\"" + victimDomain + "\", \"" + later + "\"]}"));
        assertThat(claimed.status()).as(claimed.text()).isEqualTo(200);
        String harmless = "someone@" + uniqueDomain();
        assertRefused(signIn(via, "idp", user(harmless, true)), CLAIMED_ELSEWHERE);

        // released again: the stored address passes, no longer verified by the IdP's word on another address
        Reply released = api.patch("/api/orgs/" + victim + "/identity-providers/corp", victimKey,
                ApiClient.parse("{\"domains\": [\"" + victimDomain + "\"]}"));
        assertThat(released.status()).as(released.text()).isEqualTo(200);
        JWTClaimsSet after = idToken(signIn(via, "idp", user(harmless, true)));
        assertThat(after.getStringClaim("email")).isEqualTo("ceo@" + later);
        assertThat(after.getBooleanClaim("email_verified")).isFalse();
    }

    // --- the steps

    /** The user's claims as the IdP asserts them; {@code verified} null: the IdP says nothing of it. */
    private static Map<String, Object> user(String email, Boolean verified) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("email", email);
        if (verified != null) {
            user.put("email_verified", verified);
        }
        user.put("given_name", "Casey");
        return user;
    }

    /** Registers a provider: for SAML one that trusts the test key, for OIDC the test OpenID provider. */
    private JsonNode register(String org, String key, Via via, String alias, List<String> domains, String provisioning,
                              String mappers) {
        ObjectNode body = ApiClient.parse("""
                {"alias": "%s", "display_name": "IdP %s", "provisioning": %s, "mappers": %s}"""
                .formatted(alias, alias, provisioning, mappers));
        domains.forEach(body.putArray("domains")::add);
        switch (via) {
            case SAML -> {
                body.put("protocol", "saml");
                body.putObject("saml").put("entity_id", TestSamlResponses.IDP_ENTITY_ID)
                        .put("sso_url", "https://idp.tenant.example/sso")
                        .putArray("certificates").add(TestCertificates.base64(SAML_IDP.certificate()));
            }
            case OIDC -> {
                op.client("client-" + alias, "client_secret_basic");
                body.put("protocol", "oidc");
                body.putObject("oidc").put("issuer", op.issuer()).put("client_id", op.clientId())
                        .put("client_secret", op.clientSecret());
            }
        }
        Reply r = api.post("/api/orgs/" + org + "/identity-providers", key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    /** The application sends the user to the tenant's provider, which answers with these claims. */
    private Reply signIn(Via via, String alias, Map<String, Object> user) throws Exception {
        Reply start = api.get("/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid%20email%20profile&state=s-1&nonce=n-1&identity_provider="
                + enc(tenant + "/" + alias), null);
        assertThat(start.status()).as(start.text()).isEqualTo(302);
        String location = start.header("Location");
        return switch (via) {
            case SAML -> {
                assertThat(location).startsWith("https://idp.tenant.example/sso?");
                Map<String, String> q = TestOpenIdProvider.form(URI.create(location).getRawQuery());
                String requestId = TestSamlResponses.parse(TestSignInBrowser.inflate(
                        Base64.getDecoder().decode(q.get("SAMLRequest")))).getDocumentElement().getAttribute("ID");
                JsonNode sp = api.get("/api/orgs/" + tenant + "/identity-providers/" + alias, tenantKey).json()
                        .get("sp");
                TestSamlResponses.Builder response = TestSamlResponses.okta(SAML_IDP, requestId, Instant.now())
                        .destination(sp.get("acs_url").asString()).recipient(sp.get("acs_url").asString())
                        .audiences(sp.get("entity_id").asString()).nameId(SAML_SUBJECT, UNSPECIFIED);
                user.forEach((name, value) -> response.attribute(name, String.valueOf(value)));
                yield api.send("POST", "/sso/" + tenant + "/" + alias + "/saml/acs", null,
                        "application/x-www-form-urlencoded", ("SAMLResponse=" + enc(response.base64())
                                + "&RelayState=" + enc(q.get("RelayState"))).getBytes(StandardCharsets.UTF_8));
            }
            case OIDC -> {
                assertThat(location).startsWith(op.issuer() + "/authorize?");
                op.userClaims(user);
                HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(URI.create(location)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
                URI back = URI.create(answer.headers().firstValue("Location").orElseThrow());
                yield api.get(back.getRawPath() + "?" + back.getRawQuery(), null);
            }
        };
    }

    /** The sign-in went back to the application: its code exchanged, the ID token verified and read. */
    private JWTClaimsSet idToken(Reply back) throws Exception {
        assertThat(back.status()).as(back.text()).isEqualTo(303);
        assertThat(back.header("Location")).startsWith(REDIRECT + "?code=");
        String code = TestOpenIdProvider.form(URI.create(back.header("Location")).getRawQuery()).get("code");
        Reply tokens = api.send("POST", "/oauth2/token", null, "application/x-www-form-urlencoded",
                ("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT))
                        .getBytes(StandardCharsets.UTF_8),
                "Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8)));
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(JWKSet.parse(api.get("/oauth2/jwks", null).text()))));
        JWTClaimsSet claims = processor.process(tokens.json().get("id_token").asString(), null);
        assertThat(claims.getStringClaim("org")).isEqualTo(tenant);
        // userinfo says the same as the ID token
        Reply userinfo = api.get("/oauth2/userinfo", null, "Authorization", "Bearer "
                + tokens.json().get("access_token").asString());
        assertThat(userinfo.status()).as(userinfo.text()).isEqualTo(200);
        assertThat(userinfo.json().get("email_verified").asBoolean())
                .isEqualTo(claims.getBooleanClaim("email_verified"));
        return claims;
    }

    /** Refused: no code for the application, the reason on the page and in the tenant's sign-in event. */
    private void assertRefused(Reply back, RejectReason reason) {
        assertThat(back.status()).as(back.text()).isEqualTo(403);
        assertThat(back.header("Location")).isNull();
        assertThat(back.text()).contains(reason.code());
        Reply events = api.get("/api/orgs/" + tenant + "/events?category=sign_in&limit=1", ADMIN);
        assertThat(events.status()).as(events.text()).isEqualTo(200);
        JsonNode event = events.json().get("items").get(0);
        assertThat(event.get("type").asString()).isEqualTo("sign_in.failed");
        assertThat(event.at("/details/reason").asString()).isEqualTo(reason.code());
        // the other org is not named to the tenant
        assertThat(event.toString()).doesNotContain(victim);
    }

    private List<String> users(String org) {
        Reply r = api.get("/api/orgs/" + org + "/users", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> emails = new ArrayList<>();
        r.json().get("items").forEach(u -> emails.add(u.path("email").asString("")));
        return emails;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
