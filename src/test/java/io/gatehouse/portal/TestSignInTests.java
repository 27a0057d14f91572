package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.Sha256;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestClock;
import io.gatehouse.testkit.TestOpenIdProvider;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSignInBrowser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Test sign-ins end to end over real HTTP: real signed SAML responses and the real test OpenID
 * provider answer them; the result records what arrived and what Gatehouse made of it, with
 * warnings and reason codes; nobody is provisioned, no session opened, no application answered.
 */
abstract class TestSignInTests extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("test-signin-idp");
    private static final KeyAndCertificate OTHER = TestCertificates.valid("test-signin-other");
    private static final String SSO_URL = "https://idp.test-signin.example/sso";
    private static final String REDIRECT = "https://app.example.com/callback";
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TestClock clock;
    private final HttpClient opBrowser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String org;
    private String key;
    private String domain;
    private TestSignInBrowser browser;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("tsi"));
        key = createKey(org, "idp_manager");
        domain = uniqueDomain();
        browser = new TestSignInBrowser(api);
    }

    private JsonNode samlProvider(String alias, String top, String provisioning) {
        Reply r = api.post(base(), key, ApiClient.parse("""
                {"alias": "%s", "display_name": "Okta", "protocol": "saml", "domains": ["%s"]%s,
                 "provisioning": %s,
                 "saml": {"entity_id": "%s", "sso_url": "%s", "certificates": ["%s"]}}"""
                .formatted(alias, alias.equals("okta") ? domain : alias + "." + domain, top, provisioning, TestSamlResponses.IDP_ENTITY_ID, SSO_URL,
                        TestCertificates.base64(IDP.certificate()))));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    private String base() {
        return "/api/orgs/" + org + "/identity-providers";
    }

    private int users() {
        return api.get("/api/orgs/" + org + "/users", key).json().get("items").size();
    }

    private List<String> signInEventTypes() {
        List<String> types = new ArrayList<>();
        api.get("/api/orgs/" + org + "/events?category=sign_in&limit=50", ADMIN).json().get("items")
                .forEach(e -> types.add(e.get("type").asString()));
        return types;
    }

    private static List<String> warningCodes(JsonNode result) {
        List<String> codes = new ArrayList<>();
        result.get("warnings").forEach(w -> codes.add(w.get("code").asString()));
        return codes;
    }

    @Test
    void aSamlTestOfADraftRecordsWhatArrivedAndWhatGatehouseMadeOfItAndSignsNobodyIn() {
        JsonNode idp = samlProvider("okta", ", \"status\": \"draft\"", "{\"mode\": \"jit\"}");
        JsonNode started = browser.start(key, org, "okta");
        String url = started.get("url").asString();
        assertThat(url).startsWith("https://sso.gatehouse.test/sso/" + org + "/okta/test-sign-in?token=");
        assertThat(Instant.parse(started.get("expires_at").asString())).isAfter(Instant.now());
        String id = started.get("id").asString();
        assertThat(browser.result(key, org, "okta", id).get("status").asString()).isEqualTo("pending");
        // the link's secret is kept as its hash only
        String token = TestSignInBrowser.query(URI.create(url).getRawQuery()).get("token");
        Map<String, Object> row = jdbc.sql("select * from test_sign_ins where id = ?").param(id).query().singleRow();
        assertThat(row.toString()).doesNotContain(token).contains(Sha256.hex(token));

        TestSignInBrowser.Opened opened = browser.openSaml(id, url);
        assertThat(opened.idpLocation()).isEqualTo(SSO_URL);
        String email = "alice@" + domain;
        Reply page = browser.postAcs(org, "okta", browser.response(IDP, opened, idp)
                .nameId(email, TestSamlResponses.EMAIL_FORMAT).base64(), opened.relayState());
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.text()).contains("Test sign-in succeeded", email, "Engineering");
        assertThat(Jsoup.parse(page.text()).selectFirst("tr[data-field=user] td").text()).isEqualTo("New user");
        assertThat(page.header("Set-Cookie")).isNull();
        assertThat(page.header("Location")).isNull();

        JsonNode result = browser.result(key, org, "okta", id);
        assertThat(result.get("status").asString()).isEqualTo("succeeded");
        assertThat(result.get("reason").isNull()).isTrue();
        assertThat(result.at("/profile/received/subject").asString()).isEqualTo(email);
        assertThat(result.at("/profile/received/name_id_format").asString()).isEqualTo(TestSamlResponses.EMAIL_FORMAT);
        assertThat(result.at("/profile/received/attributes/firstName/0").asString()).isEqualTo("Alice");
        assertThat(result.at("/profile/received/attributes/groups").toString()).contains("Everyone", "Engineering");
        assertThat(result.at("/profile/normalized/email").asString()).isEqualTo(email);
        assertThat(result.at("/profile/normalized/email_verified").asBoolean()).isTrue();
        assertThat(result.at("/profile/normalized/given_name").asString()).isEqualTo("Alice");
        assertThat(result.at("/profile/normalized/groups").toString()).contains("Engineering");
        assertThat(result.at("/profile/user/status").asString()).isEqualTo("new");
        assertThat(result.get("warnings").size()).as(result.toString()).isZero();
        assertThat(result.get("finished_at").asString()).isNotBlank();

        // nobody provisioned, nobody signed in; the test is the event
        assertThat(users()).isZero();
        assertThat(signInEventTypes()).contains("test_sign_in.succeeded").doesNotContain("sign_in.succeeded");
        JsonNode view = api.get(base() + "/okta", key).json();
        assertThat(view.get("last_successful_test_at").asString()).isEqualTo(result.get("finished_at").asString());
        assertThat(view.get("status").asString()).isEqualTo("draft");

        // the link has done its work; the answer cannot be used again
        assertThat(api.get(TestSignInBrowser.local(url), null).status()).isEqualTo(404);
        assertThat(browser.postAcs(org, "okta", browser.response(IDP, opened, idp).base64(), opened.relayState())
                .status()).isEqualTo(404);
    }

    @Test
    void aResponseSignedWithAnotherCertificateFailsTheTestWithItsReason() {
        JsonNode idp = samlProvider("okta", ", \"status\": \"draft\"", "{}");
        TestSignInBrowser.Opened opened = browser.startSaml(key, org, "okta");
        Reply page = browser.postAcs(org, "okta", browser.response(OTHER, opened, idp).base64(), opened.relayState());
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.text()).contains("Test sign-in failed", RejectReason.SAML_CERTIFICATE_UNTRUSTED.code())
                .doesNotContain("alice@");
        JsonNode result = browser.result(key, org, "okta", opened.testId());
        assertThat(result.get("status").asString()).isEqualTo("failed");
        assertThat(result.get("reason").asString()).isEqualTo(RejectReason.SAML_CERTIFICATE_UNTRUSTED.code());
        assertThat(result.get("explanation").asString()).isEqualTo(RejectReason.SAML_CERTIFICATE_UNTRUSTED.title());
        assertThat(result.get("hint").asString()).isEqualTo(RejectReason.SAML_CERTIFICATE_UNTRUSTED.hint());
        assertThat(result.get("profile").isNull()).isTrue();
        assertThat(signInEventTypes()).contains("test_sign_in.failed").doesNotContain("sign_in.failed");
        assertThat(api.get(base() + "/okta", key).json().get("last_successful_test_at").isNull()).isTrue();

        // the twin, signed by the configured certificate, succeeds
        TestSignInBrowser.Opened again = browser.startSaml(key, org, "okta");
        assertThat(browser.postAcs(org, "okta", browser.response(IDP, again, idp).nameId("bob@" + domain,
                TestSamlResponses.EMAIL_FORMAT).base64(), again.relayState()).text()).contains("Test sign-in succeeded");
        assertThat(browser.result(key, org, "okta", again.testId()).get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void aTestOfAnActiveProviderAnswersNoApplicationEvenWithAnApplicationWaiting() {
        JsonNode idp = samlProvider("okta", "", "{}");
        Reply app = api.post("/api/applications", ADMIN,
                ApiClient.parse("{\"name\": \"CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}"));
        String clientId = app.json().get("client_id").asString();
        // an application's sign-in is in flight at the same time
        Reply authorize = api.get("/oauth2/authorize?client_id=" + clientId + "&redirect_uri="
                + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8) + "&response_type=code&scope=openid&login_hint="
                + URLEncoder.encode("carol@" + domain, StandardCharsets.UTF_8), null);
        assertThat(authorize.status()).isEqualTo(302);

        TestSignInBrowser.Opened opened = browser.startSaml(key, org, "okta");
        Reply page = browser.postAcs(org, "okta", browser.response(IDP, opened, idp).nameId("carol@" + domain,
                TestSamlResponses.EMAIL_FORMAT).base64(), opened.relayState());
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.header("Location")).isNull();
        assertThat(page.text()).doesNotContain("code=");
        assertThat(users()).isZero();
        assertThat(browser.result(key, org, "okta", opened.testId()).get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void warningsSayWhatWorksTodayButWillHurt() {
        JsonNode idp = samlProvider("okta", ", \"status\": \"draft\"", "{\"mode\": \"existing_only\"}");
        TestSignInBrowser.Opened opened = browser.startSaml(key, org, "okta");
        // no email anywhere, a transient NameID, and an IdP clock 40 seconds ahead (within the 60 s skew)
        String response = browser.response(IDP, opened, idp).noAttributes().attribute("firstName", "Dana")
                .nameId("_t8f2a91", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
                .assertionIssueInstant(Instant.now().plusSeconds(40)).base64();
        Reply page = browser.postAcs(org, "okta", response, opened.relayState());
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        JsonNode result = browser.result(key, org, "okta", opened.testId());
        assertThat(result.get("status").asString()).as(result.toString()).isEqualTo("succeeded");
        assertThat(warningCodes(result)).containsExactlyInAnyOrder("email_missing", "user_unknown", "clock_offset",
                "name_id_transient");
        assertThat(result.at("/profile/user/status").asString()).isEqualTo("new");
        assertThat(page.text()).contains("email_missing", "ahead of");

        // the twin: the same provider, a clean answer, no warnings but the unknown user
        TestSignInBrowser.Opened clean = browser.startSaml(key, org, "okta");
        browser.postAcs(org, "okta", browser.response(IDP, clean, idp).nameId("erin@" + domain,
                TestSamlResponses.EMAIL_FORMAT).base64(), clean.relayState());
        assertThat(warningCodes(browser.result(key, org, "okta", clean.testId()))).containsExactly("user_unknown");
    }

    @Test
    void theResultPageWordsTheWarningsInItsLanguageWhileTheApiKeepsEnglish() throws IOException {
        JsonNode idp = samlProvider("okta", ", \"status\": \"draft\"", "{}");
        TestSignInBrowser.Opened opened = browser.startSaml(key, org, "okta");
        // an IdP clock 40 seconds ahead, and a transient NameID
        String response = browser.response(IDP, opened, idp).nameId("_t" + UUID.randomUUID(),
                        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
                .assertionIssueInstant(Instant.now().plusSeconds(40)).base64();
        Reply page = browser.postAcs(org, "okta", response, opened.relayState(), "Accept-Language", "de-DE,de;q=0.9");
        assertThat(page.status()).as(page.text()).isEqualTo(200);

        JsonNode result = browser.result(key, org, "okta", opened.testId());
        String english = "";
        for (JsonNode w : result.get("warnings")) {
            if (w.get("code").asString().equals("clock_offset")) {
                english = w.get("message").asString();
            }
        }
        Matcher seconds = Pattern.compile("about (\\d+) seconds ahead of").matcher(english);
        assertThat(seconds.find()).as(english).isTrue();
        Properties de = fixes("de");
        Document html = Jsoup.parse(page.text());
        assertThat(html.selectFirst("html").attr("lang")).isEqualTo("de");
        assertThat(html.selectFirst("li[data-code=clock_offset]").text())
                .isEqualTo(de.getProperty("warning.clock_offset.ahead").replace("{0}", seconds.group(1)));
        assertThat(html.selectFirst("li[data-code=name_id_transient]").text())
                .isEqualTo(de.getProperty("warning.name_id_transient"));
        assertThat(page.text()).doesNotContain("ahead of", "NameID is transient");
        // Gatehouse's own word on the user, too
        assertThat(html.selectFirst("tr[data-field=user] td").text())
                .isEqualTo(bundle("messages_de").getProperty("testresult.user.new"));

        // the API keeps its English sentence: the English bundle's words with the same value
        Properties en = fixes("en");
        assertThat(english).isEqualTo(en.getProperty("warning.clock_offset.ahead").replace("{0}", seconds.group(1)));
    }

    @Test
    void aGermanResultPageWordsTheRefusalAndItsHintInGermanWhileTheApiKeepsEnglish() throws IOException {
        JsonNode idp = samlProvider("okta", ", \"status\": \"draft\"", "{}");
        TestSignInBrowser.Opened opened = browser.startSaml(key, org, "okta");
        Reply page = browser.postAcs(org, "okta", browser.response(OTHER, opened, idp).base64(), opened.relayState(),
                "Accept-Language", "de-DE,de;q=0.9");
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        RejectReason reason = RejectReason.SAML_CERTIFICATE_UNTRUSTED;
        Properties reasons = bundle("reasons_de");
        Document html = Jsoup.parse(page.text());
        assertThat(html.selectFirst("html").attr("lang")).isEqualTo("de");
        assertThat(html.selectFirst("#reason-code").text()).isEqualTo(reason.code());
        assertThat(html.selectFirst("#reason-hint").text()).isEqualTo(reasons.getProperty("hint." + reason.code()));
        assertThat(page.text()).contains(reasons.getProperty("reason." + reason.code()))
                .doesNotContain(reason.hint(), reason.title());

        // the twin in English: the catalog's own words
        TestSignInBrowser.Opened english = browser.startSaml(key, org, "okta");
        Document englishHtml = Jsoup.parse(browser.postAcs(org, "okta", browser.response(OTHER, english, idp).base64(),
                english.relayState(), "Accept-Language", "en").text());
        assertThat(englishHtml.selectFirst("#reason-hint").text()).isEqualTo(reason.hint());

        // the API keeps English
        assertThat(browser.result(key, org, "okta", opened.testId()).get("hint").asString()).isEqualTo(reason.hint());
    }

    private static Properties fixes(String language) throws IOException {
        return bundle("fixes_" + language);
    }

    private static Properties bundle(String name) throws IOException {
        Properties p = new Properties();
        try (Reader in = new InputStreamReader(TestSignInTests.class.getResourceAsStream("/" + name + ".properties"),
                StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }

    @Test
    void aUserGatehouseWouldRefuseFailsTheTestAndShowsWhatArrived() {
        // another org owns the domain the IdP asserts
        String otherOrg = createOrg(uniqueOrgId("owner"));
        String claimed = uniqueDomain();
        Reply owner = api.post("/api/orgs/" + otherOrg + "/identity-providers", ADMIN, ApiClient.parse("""
                {"alias": "corp", "display_name": "Corp", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "https://corp.example/idp", "sso_url": "https://corp.example/sso",
                  "certificates": ["%s"]}}""".formatted(claimed, TestCertificates.base64(OTHER.certificate()))));
        assertThat(owner.status()).as(owner.text()).isEqualTo(201);
        JsonNode idp = samlProvider("okta", ", \"status\": \"draft\"", "{\"allow_any_email_domain\": true}");
        TestSignInBrowser.Opened opened = browser.startSaml(key, org, "okta");
        browser.postAcs(org, "okta", browser.response(IDP, opened, idp).nameId("mallory@" + claimed,
                TestSamlResponses.EMAIL_FORMAT).base64(), opened.relayState());
        JsonNode result = browser.result(key, org, "okta", opened.testId());
        assertThat(result.get("status").asString()).isEqualTo("failed");
        assertThat(result.get("reason").asString())
                .isEqualTo(RejectReason.PROVISIONING_EMAIL_DOMAIN_CLAIMED_ELSEWHERE.code());
        assertThat(result.at("/profile/received/subject").asString()).isEqualTo("mallory@" + claimed);
        assertThat(api.get(base() + "/okta", key).json().get("last_successful_test_at").isNull()).isTrue();
    }

    @Test
    void theLinkOpensItsOwnTestOnlyAndExpires() {
        samlProvider("okta", ", \"status\": \"draft\"", "{}");
        samlProvider("second", "", "{}");
        JsonNode started = browser.start(key, org, "okta");
        String local = TestSignInBrowser.local(started.get("url").asString());
        // another provider's path, a changed secret, no secret: all the same 404
        assertThat(api.get(local.replace("/okta/", "/second/"), null).status()).isEqualTo(404);
        assertThat(api.get(local.substring(0, local.length() - 2) + "xx", null).status()).isEqualTo(404);
        assertThat(api.get(local.substring(0, local.indexOf('?')), null).status()).isEqualTo(404);
        try {
            clock.advance(TestSignIns.LINK_LIFETIME.plusSeconds(1));
            assertThat(api.get(local, null).status()).isEqualTo(404);
            clock.advance(Duration.ofMinutes(16));
            JsonNode result = browser.result(key, org, "okta", started.get("id").asString());
            assertThat(result.get("status").asString()).isEqualTo("failed");
            assertThat(result.get("reason").asString()).isEqualTo(RejectReason.SIGNIN_TEST_EXPIRED.code());
        } finally {
            clock.advance(TestSignIns.LINK_LIFETIME.plusSeconds(1).plus(Duration.ofMinutes(16)).negated());
        }
        // the twin, in time: the link opens
        assertThat(api.get(local, null).status()).isEqualTo(302);
    }

    @Test
    void anOidcTestSignInEndToEndAndOneSignedWithAnotherKey() throws Exception {
        try (TestOpenIdProvider op = new TestOpenIdProvider()) {
            op.client("client-oidc", "client_secret_basic");
            Reply r = api.post(base(), key, ApiClient.parse("""
                    {"alias": "entra", "display_name": "OP", "protocol": "oidc", "status": "draft",
                     "provisioning": {"allow_any_email_domain": true},
                     "oidc": {"issuer": "%s", "client_id": "%s", "client_secret": "%s"}}"""
                    .formatted(op.issuer(), op.clientId(), op.clientSecret())));
            assertThat(r.status()).as(r.text()).isEqualTo(201);

            JsonNode started = browser.start(key, org, "entra");
            Reply page = oidcRound(op, started.get("url").asString());
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            assertThat(page.text()).contains("Test sign-in succeeded", TestOpenIdProvider.EMAIL);
            JsonNode result = browser.result(key, org, "entra", started.get("id").asString());
            assertThat(result.get("status").asString()).isEqualTo("succeeded");
            assertThat(result.at("/profile/received/subject").asString())
                    .isEqualTo(op.issuer() + "|" + TestOpenIdProvider.SUBJECT);
            assertThat(result.at("/profile/received/attributes/email/0").asString()).isEqualTo(TestOpenIdProvider.EMAIL);
            assertThat(result.at("/profile/normalized/email").asString()).isEqualTo(TestOpenIdProvider.EMAIL);
            assertThat(result.at("/profile/received/issued_at").asString()).isNotBlank();
            assertThat(users()).isZero();
            assertThat(signInEventTypes()).contains("test_sign_in.succeeded").doesNotContain("sign_in.succeeded");

            // an ID token signed with a key the provider does not publish fails the test
            op.signWith(TestOpenIdProvider.attackerKey());
            JsonNode forged = browser.start(key, org, "entra");
            Reply refused = oidcRound(op, forged.get("url").asString());
            assertThat(refused.text()).contains("Test sign-in failed", RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN.code());
            JsonNode failed = browser.result(key, org, "entra", forged.get("id").asString());
            assertThat(failed.get("reason").asString()).isEqualTo(RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN.code());
            assertThat(users()).isZero();
        }
    }

    /** Opens the test link, follows the provider's authorize hop, and lands on Gatehouse's callback. */
    private Reply oidcRound(TestOpenIdProvider op, String url) throws IOException, InterruptedException {
        Reply open = api.get(TestSignInBrowser.local(url), null);
        assertThat(open.status()).as(open.text()).isEqualTo(302);
        URI authorize = URI.create(open.header("Location"));
        assertThat(authorize.toString()).startsWith(op.issuer() + "/authorize?");
        HttpResponse<String> answer = opBrowser.send(HttpRequest.newBuilder(authorize).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        URI back = URI.create(answer.headers().firstValue("Location").orElseThrow());
        return api.get(back.getRawPath() + "?" + back.getRawQuery(), null);
    }
}
