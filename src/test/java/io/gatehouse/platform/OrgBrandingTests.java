package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestImages;
import java.util.Arrays;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An org's branding through the API (accent colour on the org, logo upload) and as its pages load it:
 * every refusal stores nothing, and the twin without the fault is accepted.
 */
abstract class OrgBrandingTests extends ApiTest {
    @Autowired
    JdbcClient jdbc;
    private String org;

    @BeforeEach
    void org() {
        org = createOrg(uniqueOrgId("brand"));
    }

    @Test
    void theAccentColourIsSetReadClearedAndServedAsAStylesheet() {
        Reply set = api.patch("/api/orgs/" + org, ADMIN, ApiClient.parse("{\"branding\": {\"accent_color\": \"#0F766E\"}}"));
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        assertThat(set.json().at("/branding/accent_color").asString()).isEqualTo("#0f766e");
        assertThat(set.json().at("/branding/logo_url").isNull()).isTrue();
        assertThat(api.get("/api/orgs/" + org, ADMIN).json().at("/branding/accent_color").asString()).isEqualTo("#0f766e");

        Reply css = api.get("/branding/" + org + "/style.css?v=0f766e", null);
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(css.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(css.header("Cache-Control")).contains("max-age=31536000", "immutable");
        assertThat(css.text()).isEqualTo(":root{--accent:#0f766e;--accent-text:#ffffff}\n");
        // another version than the current one is cached briefly only
        assertThat(api.get("/branding/" + org + "/style.css?v=000000", null).header("Cache-Control"))
                .doesNotContain("immutable");

        Reply cleared = api.patch("/api/orgs/" + org, ADMIN, ApiClient.parse("{\"branding\": {\"accent_color\": null}}"));
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.json().at("/branding/accent_color").isNull()).isTrue();
        assertThat(api.get("/branding/" + org + "/style.css", null).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#0f766e;}body{display:none", "red", "#fff", "#0f766g", "url(javascript:alert(1))",
            "#0f766e\\n", "#0f766e\\u0000"})
    void anAccentColourThatIsNotSixHexDigitsIsRefusedAndNothingIsStored(String value) {
        Reply refused = api.patch("/api/orgs/" + org, ADMIN,
                ApiClient.parse("{\"branding\": {\"accent_color\": \"" + value + "\"}}"));
        assertThat(refused.status()).as(refused.text()).isIn(400, 422);
        assertThat(refused.errorCodes()).isNotEmpty();
        assertThat(accentStored()).isNull();
        assertThat(api.get("/branding/" + org + "/style.css", null).status()).isEqualTo(404);
    }

    @Test
    void theRefusedColoursAreRefusedByTheirFormAtTheirPath() {
        Reply refused = api.patch("/api/orgs/" + org, ADMIN,
                ApiClient.parse("{\"branding\": {\"accent_color\": \"#0f766e;}\", \"font\": \"x\"}}"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.errorCodes()).containsExactlyInAnyOrder("branding.accent_color:invalid_format",
                "branding.font:unknown_field");
        // the twin: the colour alone
        assertThat(api.patch("/api/orgs/" + org, ADMIN, ApiClient.parse("{\"branding\": {\"accent_color\": \"#0f766e\"}}"))
                .status()).isEqualTo(200);
    }

    @Test
    void theOrgsAdminMayBrandItButNotChangeItsPlanAndOthersMayDoNeither() {
        String orgAdmin = createKey(org, "org_admin");
        String viewer = createKey(org, "viewer");
        String idpManager = createKey(org, "idp_manager");
        String other = createKey(createOrg(uniqueOrgId("other")), "org_admin");
        String branding = "{\"branding\": {\"accent_color\": \"#123456\"}}";
        assertThat(api.patch("/api/orgs/" + org, viewer, ApiClient.parse(branding)).status()).isEqualTo(403);
        assertThat(api.patch("/api/orgs/" + org, idpManager, ApiClient.parse(branding)).status()).isEqualTo(403);
        assertThat(api.patch("/api/orgs/" + org, other, ApiClient.parse(branding)).status()).isEqualTo(404);
        assertThat(api.patch("/api/orgs/" + org, orgAdmin, ApiClient.parse("{\"name\": \"Renamed\"}")).status())
                .isEqualTo(403);
        assertThat(api.patch("/api/orgs/" + org, orgAdmin, ApiClient.parse("{\"max_identity_providers\": 1000}"))
                .status()).isEqualTo(403);
        assertThat(accentStored()).isNull();
        Reply own = api.patch("/api/orgs/" + org, orgAdmin, ApiClient.parse(branding));
        assertThat(own.status()).as(own.text()).isEqualTo(200);
        assertThat(accentStored()).isEqualTo("#123456");
        // a viewer's 403 comes before its body is read
        assertThat(api.send("PATCH", "/api/orgs/" + org, viewer, "application/json", "{".getBytes()).status())
                .isEqualTo(403);
        byte[] png = TestImages.png(64, 32);
        assertThat(putLogo(viewer, "image/png", png).status()).isEqualTo(403);
        assertThat(putLogo(other, "image/png", png).status()).isEqualTo(404);
        assertThat(putLogo(orgAdmin, "image/png", png).status()).isEqualTo(200);
    }

    @Test
    void aPngLogoIsStoredAndServedAsThatImageOnly() {
        byte[] png = TestImages.png(120, 40);
        Reply put = putLogo(ADMIN, "image/png", png);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        String url = put.json().at("/branding/logo_url").asString();
        assertThat(url).startsWith("/branding/" + org + "/logo?v=");

        Reply logo = api.send("GET", url, null, null, null);
        assertThat(logo.status()).isEqualTo(200);
        assertThat(logo.header("Content-Type")).isEqualTo("image/png");
        assertThat(logo.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(logo.header("Content-Security-Policy")).contains("default-src 'none'", "sandbox");
        assertThat(logo.header("Cache-Control")).contains("max-age=31536000", "immutable");
        assertThat(logo.header("ETag")).isNotBlank();
        assertThat(api.send("GET", url, null, null, null, "If-None-Match", logo.header("ETag")).status())
                .isEqualTo(304);
        assertThat(api.get("/branding/" + org + "/logo", null).header("Cache-Control")).doesNotContain("immutable");

        byte[] jpeg = TestImages.jpeg(80, 80);
        Reply replaced = putLogo(ADMIN, "image/jpeg", jpeg);
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().at("/branding/logo_url").asString()).isNotEqualTo(url);
        assertThat(api.get("/branding/" + org + "/logo", null).header("Content-Type")).isEqualTo("image/jpeg");

        assertThat(api.delete("/api/orgs/" + org + "/branding/logo", ADMIN).status()).isEqualTo(204);
        assertThat(api.delete("/api/orgs/" + org + "/branding/logo", ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/branding/" + org + "/logo", null).status()).isEqualTo(404);
        assertThat(api.get("/api/orgs/" + org, ADMIN).json().at("/branding/logo_url").isNull()).isTrue();
    }

    @Test
    void anSvgIsRefusedWhateverItIsCalled() {
        Reply svg = putLogo(ADMIN, "image/svg+xml", TestImages.scriptedSvg());
        assertThat(svg.status()).isEqualTo(415);
        assertThat(svg.errorCodes()).isEmpty();
        assertThat(svg.json().get("code").asString()).isEqualTo("unsupported_media_type");
        // an SVG declared as a PNG is not a PNG
        Reply disguised = putLogo(ADMIN, "image/png", TestImages.scriptedSvg());
        assertThat(disguised.status()).isEqualTo(422);
        assertThat(disguised.errorCodes()).containsExactly("logo:not_png");
        assertThat(putLogo(ADMIN, "text/html", TestImages.scriptedSvg()).status()).isEqualTo(415);
        assertThat(logoStored()).isFalse();
        // the twin: a real PNG
        assertThat(putLogo(ADMIN, "image/png", TestImages.png(10, 10)).status()).isEqualTo(200);
        assertThat(logoStored()).isTrue();
    }

    @Test
    void aLogoThatIsTooLargeTooWideUnreadableOrNotItsDeclaredTypeIsRefused() {
        byte[] noisy = TestImages.noisyPng(320, 320);
        assertThat(noisy.length).isGreaterThan(256 * 1024);
        assertThat(putLogo(ADMIN, "image/png", noisy).errorCodes()).containsExactly("logo:too_large");
        assertThat(putLogo(ADMIN, "image/png", TestImages.png(4000, 10)).errorCodes()).containsExactly("logo:dimensions");
        byte[] png = TestImages.png(100, 50);
        assertThat(putLogo(ADMIN, "image/jpeg", png).errorCodes()).containsExactly("logo:not_jpeg");
        assertThat(putLogo(ADMIN, "image/png", Arrays.copyOf(png, 12)).errorCodes()).containsExactly("logo:unreadable");
        assertThat(putLogo(ADMIN, "image/png", new byte[0]).errorCodes()).containsExactly("logo:empty");
        assertThat(logoStored()).isFalse();
        // the twins: the same sizes within the limits
        assertThat(putLogo(ADMIN, "image/png", TestImages.noisyPng(200, 200)).status()).isEqualTo(200);
        assertThat(putLogo(ADMIN, "image/png", TestImages.png(2048, 10)).status()).isEqualTo(200);
        assertThat(putLogo(ADMIN, "image/png", png).status()).isEqualTo(200);
    }

    @Test
    void theOrgsPagesShowItsNameLogoAndColourAndAnUnknownOrgShowsNothing() {
        registerSamlProvider();
        assertThat(api.patch("/api/orgs/" + org, ADMIN, ApiClient.parse(
                "{\"name\": \"Acme <Corp>\", \"branding\": {\"accent_color\": \"#0f766e\"}}")).status()).isEqualTo(200);
        assertThat(putLogo(ADMIN, "image/png", TestImages.png(120, 40)).status()).isEqualTo(200);

        // the signed-out page of the org's provider
        Reply page = api.get("/sso/" + org + "/okta/logout", null);
        assertThat(page.status()).isEqualTo(200);
        Document html = Jsoup.parse(page.text());
        assertThat(html.selectFirst(".brand span").text()).isEqualTo("Acme <Corp>");
        assertThat(page.text()).doesNotContain("<Corp>");
        assertThat(html.selectFirst(".brand img").attr("src")).startsWith("/branding/" + org + "/logo?v=");
        assertThat(html.select("link[rel=stylesheet]").eachAttr("href"))
                .contains("/branding/" + org + "/style.css?v=0f766e");
        assertThat(html.title()).endsWith("Acme <Corp>");

        // a page about no org of the org's (an unknown provider's link) shows no branding
        Reply unknown = api.get("/sso/" + org + "/nobody/login", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text()).doesNotContain("Acme", "/branding/");
    }

    @Test
    void anOrgsBrandingGoesWithIt() {
        assertThat(api.patch("/api/orgs/" + org, ADMIN, ApiClient.parse("{\"branding\": {\"accent_color\": \"#0f766e\"}}"))
                .status()).isEqualTo(200);
        assertThat(putLogo(ADMIN, "image/png", TestImages.png(20, 20)).status()).isEqualTo(200);
        assertThat(api.delete("/api/orgs/" + org, ADMIN).status()).isEqualTo(204);
        assertThat(jdbc.sql("select count(*) from org_branding where org_id = ?").param(org).query(Integer.class)
                .single()).isZero();
        assertThat(api.get("/branding/" + org + "/logo", null).status()).isEqualTo(404);
        assertThat(api.get("/branding/" + org + "/style.css", null).status()).isEqualTo(404);
    }

    private Reply putLogo(String key, String contentType, byte[] body) {
        return api.send("PUT", "/api/orgs/" + org + "/branding/logo", key, contentType, body);
    }

    private String accentStored() {
        return jdbc.sql("select accent_color from org_branding where org_id = ?").param(org).query(String.class)
                .optional().orElse(null);
    }

    private boolean logoStored() {
        return jdbc.sql("select count(*) from org_branding where org_id = ? and logo is not null").param(org)
                .query(Integer.class).single() > 0;
    }

    private void registerSamlProvider() {
        Reply created = api.post("/api/orgs/" + org + "/identity-providers", ADMIN, ApiClient.parse("""
                {"alias": "okta", "display_name": "Acme Okta", "protocol": "saml",
                 "saml": {"entity_id": "https://idp.acme.example", "sso_url": "https://idp.acme.example/sso",
                          "certificates": ["%s"]}}""".formatted(TestCertificates.base64(
                TestCertificates.valid("branding-idp").certificate()))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }
}
