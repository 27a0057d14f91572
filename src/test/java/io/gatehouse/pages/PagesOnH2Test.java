package io.gatehouse.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.OnH2;
import io.gatehouse.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of page, as HTTP answers: its status, a CSP that forbids inline scripts and styles and framing,
 * no inline script or style in the markup, the language chosen by the request, the email prompt keeping what
 * was typed, and the assets with their caching.
 */
@OnH2
class PagesOnH2Test extends ApiTest {
    private static final String REDIRECT = "https://app.example.com/callback";
    private String org;
    private String clientId;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("pages"));
        Reply idp = api.post("/api/orgs/" + org + "/identity-providers", ADMIN, ApiClient.parse("""
                {"alias": "okta", "display_name": "Acme Okta", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "https://idp.acme.example", "sso_url": "https://idp.acme.example/sso",
                          "sso_binding": "post", "certificates": ["%s"]}}"""
                .formatted(uniqueDomain(), TestCertificates.base64(TestCertificates.valid("pages-idp").certificate()))));
        assertThat(idp.status()).as(idp.text()).isEqualTo(201);
        Reply app = api.post("/api/applications", ADMIN,
                ApiClient.parse("{\"name\": \"Pages app\", \"redirect_uris\": [\"" + REDIRECT + "\"]}"));
        assertThat(app.status()).as(app.text()).isEqualTo(201);
        clientId = app.json().get("client_id").asString();
    }

    @Test
    void everyPageForbidsInlineScriptsAndStylesAndFramingAndHasNone() {
        List<Page> pages = List.of(
                new Page(authorize(""), 200),                                            // the email prompt
                new Page(authorize("&login_hint=" + enc("nobody@" + uniqueDomain())), 200), // a refused email
                new Page("/oauth2/authorize?client_id=nobody&redirect_uri=" + enc(REDIRECT), 400),
                new Page("/sso/" + org + "/nobody/login", 404),
                new Page("/sso/" + org + "/okta/logout", 200),                           // signed out
                new Page("/sso/" + org + "/okta/saml/slo?SAMLRequest=x", 400),          // sign-out refused
                new Page("/language?lang=de", 200));
        for (Page p : pages) {
            Reply reply = api.get(p.path(), null);
            assertThat(reply.status()).as(p.path()).isEqualTo(p.status());
            assertThat(reply.header("Content-Type")).as(p.path()).isEqualTo("text/html;charset=UTF-8");
            assertStrict(p.path(), reply);
            assertThat(reply.header("Content-Security-Policy")).as(p.path()).doesNotContain("script-src");
        }
    }

    @Test
    void theEmailPromptAloneLeavesItsFormUnboundSinceItsAnswerRedirectsToTheProviderTheEmailFinds() {
        // a browser holds each redirect of a form's request to the form-action; the prompt's leads to the IdP
        assertThat(api.get(authorize(""), null).header("Content-Security-Policy")).doesNotContain("form-action");
        assertThat(api.get("/sso/" + org + "/okta/logout", null).header("Content-Security-Policy"))
                .contains("form-action 'self'");
    }

    @Test
    void thePostBindingPageMayRunOnlyGatehousesScriptAndPostOnlyToTheIdp() {
        Reply login = api.get("/sso/" + org + "/okta/login", null);
        assertThat(login.status()).isEqualTo(200);
        assertStrict("post form", login);
        assertThat(login.header("Content-Security-Policy")).contains("script-src 'self'",
                "form-action https://idp.acme.example;");
        Document html = Jsoup.parse(login.text());
        Element script = html.selectFirst("script");
        assertThat(script.attr("src")).startsWith("/assets/post-form").endsWith(".js");
        assertThat(html.selectFirst("form").attr("action")).isEqualTo("https://idp.acme.example/sso");
        assertThat(html.select("form input[name=SAMLRequest]")).hasSize(1);
        assertThat(html.select("form input[name=RelayState]")).hasSize(1);
        assertThat(html.select("form button[type=submit]")).hasSize(1);

        Reply js = api.get(script.attr("src"), null);
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type")).startsWith("text/javascript");
        assertThat(js.header("Cache-Control")).contains("max-age=31536000");
        assertThat(js.text()).contains("post-form", "submit()");
    }

    @Test
    void theStylesheetIsServedVersionedAndCachedForLong() {
        Document html = Jsoup.parse(api.get(authorize(""), null).text());
        String href = html.selectFirst("link[rel=stylesheet]").attr("href");
        assertThat(href).matches("/assets/gatehouse-[0-9a-f]{32}\\.css");
        Reply css = api.get(href, null);
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(css.header("Cache-Control")).contains("max-age=31536000", "public");
        assertThat(css.text()).contains("--accent", "@media (max-width");
    }

    @Test
    void theLanguageFollowsAcceptLanguageThenTheSwitchWhichACookieKeeps() throws IOException {
        Properties en = bundle("messages_en.properties");
        Properties de = bundle("messages_de.properties");
        Document english = Jsoup.parse(api.get(authorize(""), null).text());
        assertThat(english.selectFirst("html").attr("lang")).isEqualTo("en");
        assertThat(english.selectFirst("label[for=email]").text()).isEqualTo(en.getProperty("email.label"));

        Reply germanReply = api.get(authorize(""), null, "Accept-Language", "de-DE,de;q=0.9,en;q=0.5");
        Document german = Jsoup.parse(germanReply.text());
        assertThat(german.selectFirst("html").attr("lang")).isEqualTo("de");
        assertThat(german.selectFirst("label[for=email]").text()).isEqualTo(de.getProperty("email.label"));
        assertThat(german.selectFirst("button[type=submit]").text()).isEqualTo(de.getProperty("email.submit"));
        assertThat(germanReply.header("Set-Cookie")).isNull();

        // the switch: the same URL with lang=, marked as the current language, and kept by a cookie
        Element toEnglish = german.selectFirst("nav.languages a[lang=en]");
        assertThat(german.selectFirst("nav.languages a[lang=de]").attr("aria-current")).isEqualTo("true");
        assertThat(toEnglish.attr("href")).startsWith("?client_id=").endsWith("&lang=en");
        Reply switched = api.get("/oauth2/authorize" + toEnglish.attr("href"), null, "Accept-Language", "de");
        assertThat(Jsoup.parse(switched.text()).selectFirst("html").attr("lang")).isEqualTo("en");
        assertThat(switched.header("Set-Cookie")).startsWith(Language.COOKIE + "=en;").contains("HttpOnly");
        Reply kept = api.get(authorize(""), null, "Accept-Language", "de", "Cookie", Language.COOKIE + "=en");
        assertThat(Jsoup.parse(kept.text()).selectFirst("html").attr("lang")).isEqualTo("en");
        // the application's request travels on with the choice in the email form
        assertThat(Jsoup.parse(switched.text()).select("form input[type=hidden][name=lang]").attr("value"))
                .isEqualTo("en");
    }

    @Test
    void aRefusedEmailStaysInTheFieldWithItsReasonTiedToIt() {
        String typed = "jane@" + uniqueDomain();
        Reply refused = api.get(authorize("&login_hint=" + enc(typed)), null);
        assertThat(refused.status()).isEqualTo(200);
        Document html = Jsoup.parse(refused.text());
        Element field = html.selectFirst("input#email");
        assertThat(field.attr("value")).isEqualTo(typed);
        assertThat(field.attr("name")).isEqualTo("login_hint");
        assertThat(field.attr("aria-invalid")).isEqualTo("true");
        Element error = html.getElementById(field.attr("aria-describedby"));
        assertThat(error).isNotNull();
        assertThat(error.hasClass("error")).isTrue();
        assertThat(html.selectFirst("label[for=email]")).isNotNull();
        assertThat(html.title()).startsWith("Error:");
        // every parameter of the application's request, and not the refused address, travels on hidden
        assertThat(html.select("input[type=hidden]").eachAttr("name"))
                .contains("client_id", "redirect_uri", "state", "nonce").doesNotContain("login_hint");

        // the twin: the first visit has an empty field and nothing tied to it
        Element fresh = Jsoup.parse(api.get(authorize(""), null).text()).selectFirst("input#email");
        assertThat(fresh.attr("value")).isEmpty();
        assertThat(fresh.hasAttr("aria-invalid")).isFalse();
        assertThat(fresh.hasAttr("aria-describedby")).isFalse();
    }

    @Test
    void markupInWhatTheUserTypedIsShownAsText() {
        String typed = "\"><script>alert(1)</script>@x.example";
        Reply refused = api.get(authorize("&login_hint=" + enc(typed)), null);
        assertThat(refused.text()).doesNotContain("<script>alert(1)");
        assertThat(Jsoup.parse(refused.text()).selectFirst("input#email").attr("value")).isEqualTo(typed);
    }

    @Test
    void errorPagesKeepTheirStatusAndTooManyLookupsTheirRetryAfter() {
        assertThat(api.get("/oauth2/authorize?client_id=nobody&redirect_uri=" + enc(REDIRECT), null).status())
                .isEqualTo(400);
        assertThat(api.get("/sso/" + org + "/nobody/logout", null).status()).isEqualTo(404);
        assertThat(api.get("/sso/" + org + "/nobody/saml/slo", null).status()).isEqualTo(404);
        assertThat(api.get("/sso/" + org + "/nobody/oidc/logged-out", null).status()).isEqualTo(404);
    }

    private void assertStrict(String what, Reply reply) {
        String csp = reply.header("Content-Security-Policy");
        assertThat(csp).as(what).contains("default-src 'none'", "style-src 'self'", "frame-ancestors 'none'",
                "base-uri 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "nonce-");
        assertThat(reply.header("Cache-Control")).as(what).isEqualTo("no-store");
        assertThat(reply.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
        Document html = Jsoup.parse(reply.text());
        assertThat(html.selectFirst("html").attr("lang")).as(what).isIn("en", "de");
        assertThat(html.title()).as(what).isNotBlank();
        assertThat(html.select("style")).as(what).isEmpty();
        assertThat(html.select("[style]")).as(what).isEmpty();
        assertThat(html.select("script:not([src])")).as(what).isEmpty();
        assertThat(html.getAllElements().stream().flatMap(e -> e.attributes().asList().stream())
                .filter(a -> a.getKey().startsWith("on"))).as(what).isEmpty();
        assertThat(html.select("h1")).as(what).hasSize(1);
        assertThat(html.select("main#main")).as(what).hasSize(1);
        assertThat(html.select("a.skip[href=#main]")).as(what).hasSize(1);
        assertThat(html.select("nav.languages a")).as(what).hasSize(Language.values().length);
    }

    private String authorize(String extra) {
        return "/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid%20email&state=s-1&nonce=n-1" + extra;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Properties bundle(String name) throws IOException {
        Properties p = new Properties();
        try (Reader in = new InputStreamReader(PagesOnH2Test.class.getResourceAsStream("/" + name),
                StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }

    private record Page(String path, int status) {
    }
}
