package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.RawHttp;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestClock;
import io.gatehouse.testkit.TestDiscoveryServer;
import io.gatehouse.testkit.TestIdpMetadata;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSignInBrowser;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import tools.jackson.databind.JsonNode;

/**
 * The setup portal over real HTTP, as a customer's IT admin's browser uses it (a cookie jar, forms posted
 * with the token scraped from the page) and as an attacker tries it: the link's answer and its cookie, a
 * whole setup from product to activation with a real signed SAML response, field errors that store
 * nothing, every form refused without its session's token, sessions that end with the link, a link
 * confined to its org and its provider, drafts that sign no one in, bad input that never gets a 500,
 * and no secret in the log.
 */
abstract class SetupPortalHttpTests extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("portal-http-idp");
    private static final String COOKIE = PortalSessions.COOKIE;
    private static final String BASE = TestSignInBrowser.BASE_URL;
    private static final String REDIRECT = "https://app.example.com/portal-callback";
    private static final String CANNOT_BE_USED = "This setup link cannot be used";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"");
    @Autowired
    TestClock clock;
    private String org;
    private String admin;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("portal"));
        admin = createKey(org, "org_admin");
    }

    // ---- the browser: one cookie jar, forms posted with the page's token

    /** A browser of the portal: it keeps the one cookie the portal sets, and sends it on every request. */
    final class Portal {
        String cookie;

        Reply open(String secret) {
            Reply r = api.get("/setup/" + secret, null);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            cookie = cookieValue(r);
            assertThat(cookie).isNotEmpty();
            return r;
        }

        String[] headers(String... more) {
            List<String> h = new ArrayList<>(Arrays.asList(more));
            if (cookie != null) {
                h.add("Cookie");
                h.add(COOKIE + "=" + cookie);
            }
            return h.toArray(String[]::new);
        }

        Reply get(String path) {
            return api.get(path, null, headers());
        }

        /** The session's form token, as every page's form carries it. */
        String csrf() {
            Reply overview = get("/setup/");
            assertThat(overview.status()).as(overview.text()).isEqualTo(200);
            return scrapeCsrf(overview.text());
        }

        /** A form posted with the token the page carries. */
        Reply post(String path, String... fields) {
            String[] withToken = Arrays.copyOf(fields, fields.length + 2);
            withToken[fields.length] = "_csrf";
            withToken[fields.length + 1] = csrf();
            return postRaw(path, withToken);
        }

        /** A form posted as given: no token unless the fields hold one. */
        Reply postRaw(String path, String... fields) {
            return postBytes(path, form(fields).getBytes(StandardCharsets.UTF_8));
        }

        Reply postBytes(String path, byte[] body) {
            return api.send("POST", path, null, "application/x-www-form-urlencoded", body, headers());
        }

        Reply multipart(String path, Multipart body) {
            return api.send("POST", path, null, body.contentType(), body.bytes(), headers());
        }

        /** Chooses the product and, for products that speak both, the protocol; lands on the instructions. */
        void choose(String product, String protocol) {
            Reply chosen = post("/setup/product", "product", product);
            assertThat(chosen.status()).as(chosen.text()).isEqualTo(303);
            if (protocol != null) {
                assertThat(chosen.header("Location")).isEqualTo("/setup/protocol");
                chosen = post("/setup/protocol", "protocol", protocol);
                assertThat(chosen.status()).as(chosen.text()).isEqualTo(303);
            }
            assertThat(chosen.header("Location")).isEqualTo("/setup/instructions");
        }

        /** Connects a SAML provider by its metadata file; lands on the domains. */
        void connectSaml(String displayName, String metadata) {
            Reply r = multipart("/setup/connect", new Multipart().field("_csrf", csrf())
                    .field("display_name", displayName).field("metadata_url", "")
                    .file("metadata_file", "metadata.xml", "text/xml", metadata.getBytes(StandardCharsets.UTF_8)));
            assertThat(r.status()).as(r.text()).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/setup/domains");
        }
    }

    /** A multipart/form-data body, built by hand as a browser sends it. */
    static final class Multipart {
        private final String boundary = "----gatehouse-test-" + System.nanoTime();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            return part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        Multipart file(String name, String filename, String type, byte[] content) {
            return part(name, filename, type, content);
        }

        private Multipart part(String name, String filename, String type, byte[] content) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(name).append('"');
            if (filename != null) {
                head.append("; filename=\"").append(filename).append('"');
            }
            head.append("\r\n");
            if (type != null) {
                head.append("Content-Type: ").append(type).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(out.toByteArray());
            all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return all.toByteArray();
        }
    }

    private static String form(String... fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (!b.isEmpty()) {
                b.append('&');
            }
            b.append(enc(fields[i])).append('=').append(enc(fields[i + 1]));
        }
        return b.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String scrapeCsrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("a form token in " + page).isTrue();
        return m.group(1);
    }

    private static String setCookie(Reply r) {
        List<String> all = r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(e -> e.getValue().stream()).filter(v -> v.startsWith(COOKIE + "=")).toList();
        assertThat(all).as("one session cookie in " + r.headers()).hasSize(1);
        return all.getFirst();
    }

    private static String cookieValue(Reply r) {
        String header = setCookie(r);
        return header.substring(COOKIE.length() + 1, header.indexOf(';'));
    }

    /** The page's text with the few entities the templates write turned back into characters. */
    private static String text(Reply r) {
        return r.text().replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<")
                .replace("&gt;", ">");
    }

    // ---- the API side

    private JsonNode createLink(String body) {
        Reply r = api.post("/api/orgs/" + org + "/setup-links", admin, ApiClient.parse(body));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    private static String secret(JsonNode link) {
        String url = link.get("url").asString();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** A fresh link of the org and a browser that opened it. */
    private Portal opened(String body) {
        Portal portal = new Portal();
        portal.open(secret(createLink(body)));
        return portal;
    }

    private Reply provider(String inOrg, String alias) {
        return api.get("/api/orgs/" + inOrg + "/identity-providers/" + alias, ADMIN);
    }

    private String events(String inOrg) {
        return api.get("/api/orgs/" + inOrg + "/events?category=configuration&limit=50", ADMIN).text();
    }

    private static String okta() {
        return TestIdpMetadata.okta(TestSamlResponses.IDP_ENTITY_ID, IDP.certificate());
    }

    private static void assertNoServerError(Reply r, String what) {
        assertThat(r.status()).as(what + ": " + r.text()).isBetween(200, 499);
        assertThat(r.text()).as(what).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at io.gatehouse");
    }

    private static void assertProblem(Reply r, int status, String what) {
        assertThat(r.status()).as(what + ": " + r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(what).startsWith("application/problem+json");
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("title").asString()).isNotBlank();
        assertThat(r.text()).doesNotContain("Exception");
    }

    // ---- the tests

    @Test
    void theLinkAnswersWithAStrictPathScopedCookieNoReferrerAndAPageThatMovesOnWithoutTheSecret() {
        JsonNode link = createLink("{\"expires_in_hours\": 2}");
        String secret = secret(link);
        Reply r = api.get("/setup/" + secret, null);

        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String cookie = setCookie(r);
        assertThat(cookie).contains("; HttpOnly").contains("; SameSite=Strict").contains("; Path=/setup/")
                .contains("; Secure");
        Matcher maxAge = Pattern.compile("Max-Age=(\\d+)").matcher(cookie);
        assertThat(maxAge.find()).as(cookie).isTrue();
        assertThat(Long.parseLong(maxAge.group(1))).isPositive().isLessThanOrEqualTo(Duration.ofHours(2).toSeconds());
        assertThat(cookieValue(r)).doesNotContain(secret).doesNotContain(secret.substring(4));
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(r.header("Cache-Control")).contains("no-store");
        assertThat(r.text()).contains("<meta http-equiv=\"refresh\" content=\"0; url=/setup/\">")
                .contains("Org " + org).doesNotContain(secret).doesNotContain(secret.substring(4));

        // the twin: a link that does not exist gets no cookie, and the same page words as an ended session
        Reply unknown = api.get("/setup/" + secret.substring(0, secret.length() - 2) + "xx", null);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.text()).contains(CANNOT_BE_USED);
        assertThat(unknown.header("Set-Cookie")).isNull();
        assertThat(unknown.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    @Test
    void aWholeSetupByHttpFromProductToActivationAsTheLinkAndTheDraftSignsNoOneInUntilThen() {
        JsonNode link = createLink("{}");
        String secret = secret(link);
        Portal portal = new Portal();
        portal.open(secret);
        Reply overview = portal.get("/setup/");
        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.text()).contains("Org " + org).contains("href=\"/setup/product\"");
        assertThat(overview.header("Content-Security-Policy")).isNotNull();

        portal.choose("custom_saml", null);
        String alias = "custom-saml";
        String sp = BASE + "/sso/" + org + "/" + alias;
        Reply instructions = portal.get("/setup/instructions");
        assertThat(instructions.status()).isEqualTo(200);
        assertThat(instructions.text()).contains(sp + "/saml/acs").contains(sp + "/saml/metadata")
                .contains("href=\"/setup/sp-metadata.xml\"");

        // Gatehouse's SP metadata before the provider exists: valid, with its entity ID and ACS, without keys
        Reply metadata = portal.get("/setup/sp-metadata.xml");
        assertThat(metadata.status()).as(metadata.text()).isEqualTo(200);
        assertThat(metadata.header("Content-Type")).startsWith("application/samlmetadata+xml");
        assertThat(metadata.header("Content-Disposition")).contains("attachment");
        Document md = TestSamlResponses.parse(metadata.text());
        Element root = md.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("EntityDescriptor");
        assertThat(root.getNamespaceURI()).isEqualTo("urn:oasis:names:tc:SAML:2.0:metadata");
        assertThat(root.getAttribute("entityID")).isEqualTo(sp + "/saml/metadata");
        Element acs = (Element) md.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:metadata",
                "AssertionConsumerService").item(0);
        assertThat(acs.getAttribute("Location")).isEqualTo(sp + "/saml/acs");
        assertThat(md.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:metadata", "KeyDescriptor").getLength())
                .isZero();
        assertThat(provider(org, alias).status()).isEqualTo(404);

        // the IdP's metadata file: the provider exists, as a draft, made by the link
        portal.connectSaml("Acme SSO", okta());
        JsonNode idp = provider(org, alias).json();
        assertThat(idp.get("status").asString()).isEqualTo("draft");
        assertThat(idp.get("display_name").asString()).isEqualTo("Acme SSO");
        assertThat(idp.get("known_provider").asString()).isEqualTo("custom_saml");
        String actor = "setup-link:" + link.get("id").asString();
        assertThat(events(org)).contains("\"actor\":\"" + actor + "\"").contains("identity_provider.created");
        assertThat(portal.get("/setup/sp-metadata.xml").header("Location")).isEqualTo("/sso/" + org + "/" + alias
                + "/saml/metadata");

        String domain = uniqueDomain();
        Reply domains = portal.post("/setup/domains", "domain", domain, "domain", "");
        assertThat(domains.status()).as(domains.text()).isEqualTo(303);
        assertThat(domains.header("Location")).isEqualTo("/setup/test");
        assertThat(provider(org, alias).json().get("domains").toString()).contains(domain);

        // the draft, with its domain, signs no one in (the lifecycle tests' routes, through the portal's draft)
        String clientId = application();
        assertThat(api.get(authorize(clientId, "&login_hint=" + enc("jane@" + domain)), null).text())
                .contains("could not find single sign-on");
        assertThat(api.get("/sso/" + org + "/" + alias + "/login", null).status()).isEqualTo(404);
        Reply early = portal.post("/setup/activate");
        assertThat(early.status()).as(early.text()).isEqualTo(409);
        assertThat(provider(org, alias).json().get("status").asString()).isEqualTo("draft");

        // the test sign-in, started in the portal and answered by the IdP with a correctly signed response
        Reply started = portal.post("/setup/test");
        // a page that moves on by itself (a redirect of the form's post would be held to its form-action)
        assertThat(started.status()).as(started.text()).isEqualTo(200);
        assertThat(started.header("Referrer-Policy")).isEqualTo("no-referrer");
        java.util.regex.Matcher onward = java.util.regex.Pattern.compile("id=\"continue-test\" href=\"([^\"]+)\"")
                .matcher(started.text());
        assertThat(onward.find()).as(started.text()).isTrue();
        assertThat(started.text()).contains("<meta http-equiv=\"refresh\" content=\"0; url=" + onward.group(1) + "\">");
        String testUrl = BASE + onward.group(1);
        assertThat(testUrl).startsWith(sp + "/test-sign-in?");
        TestSignInBrowser browser = new TestSignInBrowser(api);
        TestSignInBrowser.Opened opened = browser.openSaml("", testUrl);
        Reply result = browser.postAcs(org, alias, browser.response(IDP, opened, provider(org, alias).json())
                .nameId("it@" + domain, TestSamlResponses.EMAIL_FORMAT).base64(), opened.relayState());
        assertThat(result.text()).contains("Test sign-in succeeded");
        Reply testPage = portal.get("/setup/test");
        assertThat(testPage.text()).contains("data-status=\"succeeded\"").contains("data-current=\"true\"")
                .contains("href=\"/setup/activate\"");

        Reply activated = portal.post("/setup/activate");
        assertThat(activated.status()).as(activated.text()).isEqualTo(303);
        assertThat(activated.header("Location")).isEqualTo("/setup/");
        assertThat(provider(org, alias).json().get("status").asString()).isEqualTo("active");
        assertThat(events(org)).contains("identity_provider.activated");
        Reply published = api.get("/sso/" + org + "/" + alias + "/saml/metadata", null);
        assertThat(published.status()).isEqualTo(200);
        assertThat(published.text()).contains("KeyDescriptor").contains("entityID=\"" + sp + "/saml/metadata\"");
        // the twin of the draft's refusals: active, the same routes now lead to the IdP
        assertThat(api.get("/sso/" + org + "/" + alias + "/login", null).status()).isEqualTo(302);
        assertThat(api.get(authorize(clientId, "&login_hint=" + enc("jane@" + domain)), null).header("Location"))
                .startsWith("https://acme.okta.com/");
        assertThat(portal.get("/setup/").text()).contains("status-active");

        // the same link opened again later: a new session, the same progress ("reused secret")
        Portal later = new Portal();
        later.open(secret);
        assertThat(later.cookie).isNotEqualTo(portal.cookie);
        Reply status = later.get("/setup/");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.text()).contains("id=\"connection-status\"").contains("status-active").contains("Acme SSO")
                .contains(domain);
    }

    private String application() {
        Reply app = api.post("/api/applications", ADMIN,
                ApiClient.parse("{\"name\": \"CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}"));
        assertThat(app.status()).as(app.text()).isEqualTo(201);
        return app.json().get("client_id").asString();
    }

    private static String authorize(String clientId, String extra) {
        return "/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid&state=s-1" + extra;
    }

    @Test
    void fieldErrorsStandNextToTheirFieldAndStoreNothing() {
        Portal portal = opened("{}");
        // an unknown product
        Reply product = portal.post("/setup/product", "product", "netscape_sso");
        assertThat(product.status()).isEqualTo(422);
        assertThat(product.text()).contains("id=\"product-error\"").contains("Choose your identity provider.");
        assertThat(portal.get("/setup/instructions").header("Location")).isEqualTo("/setup/product");

        // an expired certificate in the metadata file
        portal.choose("custom_saml", null);
        KeyAndCertificate expired = TestCertificates.expired("portal-expired");
        Reply refused = portal.multipart("/setup/connect", new Multipart().field("_csrf", portal.csrf())
                .field("display_name", "Acme").field("metadata_url", "").file("metadata_file", "okta.xml", "text/xml",
                        TestIdpMetadata.okta(TestSamlResponses.IDP_ENTITY_ID, expired.certificate())
                                .getBytes(StandardCharsets.UTF_8)));
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.text()).contains("id=\"metadata_file-error\"")
                .contains("aria-invalid=\"true\" aria-describedby=\"metadata_file-error\"")
                .contains("href=\"#metadata_file\"");
        assertThat(text(refused)).contains("This certificate expired on").contains("download the current metadata");
        assertThat(provider(org, "custom-saml").status()).isEqualTo(404);

        // a file and a URL at once
        Reply both = portal.multipart("/setup/connect", new Multipart().field("_csrf", portal.csrf())
                .field("display_name", "Acme").field("metadata_url", "https://idp.example.com/metadata")
                .file("metadata_file", "okta.xml", "text/xml", okta().getBytes(StandardCharsets.UTF_8)));
        assertThat(both.status()).isEqualTo(422);
        assertThat(both.text()).contains("id=\"metadata_file-error\"")
                .contains("Give either the metadata file or its URL, not both.");
        assertThat(provider(org, "custom-saml").status()).isEqualTo(404);

        // OIDC without its client secret
        try (TestDiscoveryServer discovery = new TestDiscoveryServer()) {
            portal.choose("custom_oidc", null);
            Reply noSecret = portal.post("/setup/connect", "display_name", "Acme OIDC", "issuer", discovery.issuer(),
                    "client_id", "gatehouse", "client_secret", "");
            assertThat(noSecret.status()).isEqualTo(422);
            assertThat(noSecret.text()).contains("id=\"client_secret-error\"")
                    .contains("aria-invalid=\"true\" aria-describedby=\"client_secret-error\"")
                    .contains("Enter the client secret").contains("value=\"" + discovery.issuer() + "\"");
            assertThat(provider(org, "custom-oidc").status()).isEqualTo(404);
            assertThat(discovery.requests()).as("nothing was sent to the IdP either").isZero();
        }
        assertThat(countIdps(org)).isZero();

        // a domain another org holds verified: named next to the domains, the provider's domains as they were
        String held = uniqueDomain();
        String other = createOrg(uniqueOrgId("holder"));
        Reply holder = api.post("/api/orgs/" + other + "/identity-providers", ADMIN, ApiClient.parse("""
                {"alias": "corp", "display_name": "Corp", "protocol": "saml", "domains": ["%s"],
                 "saml": {"metadata_xml": %s}}""".formatted(held, ApiClient.JSON.writeValueAsString(okta()))));
        assertThat(holder.status()).as(holder.text()).isEqualTo(201);
        // only a verified claim keeps other orgs off a domain
        Reply verified = api.post("/api/orgs/" + other + "/domains/" + held + "/verify", ADMIN,
                ApiClient.parse("{\"method\": \"manual\"}"));
        assertThat(verified.status()).as(verified.text()).isEqualTo(200);
        portal.choose("custom_saml", null);
        portal.connectSaml("Acme", okta());
        String mine = uniqueDomain();
        assertThat(portal.post("/setup/domains", "domain", mine).status()).isEqualTo(303);
        String before = provider(org, "custom-saml").text();
        Reply taken = portal.post("/setup/domains", "domain", mine, "domain", held);
        assertThat(taken.status()).as(taken.text()).isEqualTo(422);
        assertThat(taken.text()).contains("id=\"domains-error\"").contains("aria-describedby=\"domains-error\"")
                .contains("value=\"" + held + "\"");
        assertThat(text(taken)).contains(held + " is already used by another identity provider");
        assertThat(provider(org, "custom-saml").text()).isEqualTo(before);
        assertThat(provider(other, "corp").json().get("domains").toString()).contains(held);
    }

    @Test
    void everyFormRefusesAPostWithoutItsSessionsToken() {
        String secret = secret(createLink("{}"));
        Portal portal = new Portal();
        portal.open(secret);
        Portal otherSession = new Portal();
        otherSession.open(secret);
        String foreign = otherSession.csrf();
        String own = portal.csrf();
        assertThat(foreign).isNotEqualTo(own);
        String wrong = own.substring(0, own.length() - 1) + (own.endsWith("0") ? "1" : "0");
        List<String> badTokens = List.of("", foreign, wrong);

        // before the provider exists: product, protocol and connect would change the choice or create it
        portal.choose("okta", "saml");
        for (String token : badTokens) {
            String[] tokenField = token.isEmpty() ? new String[0] : new String[] {"_csrf", token};
            assertRefused(portal.postRaw("/setup/product", concat(tokenField, "product", "custom_oidc")), "/product");
            assertRefused(portal.postRaw("/setup/protocol", concat(tokenField, "protocol", "oidc")), "/protocol");
            Multipart connect = new Multipart().field("display_name", "Acme").field("metadata_url", "")
                    .file("metadata_file", "okta.xml", "text/xml", okta().getBytes(StandardCharsets.UTF_8));
            if (!token.isEmpty()) {
                connect.field("_csrf", token);
            }
            assertRefused(portal.multipart("/setup/connect", connect), "/connect");
        }
        Reply instructions = portal.get("/setup/instructions");
        assertThat(instructions.text()).contains("/sso/" + org + "/okta/saml/acs");
        assertThat(portal.get("/setup/product").text()).contains("id=\"product-okta\" value=\"okta\" checked");
        assertThat(provider(org, "okta").status()).isEqualTo(404);

        // once it exists: domains, test, activate, sign-out
        portal.connectSaml("Acme", okta());
        String before = provider(org, "okta").text();
        String eventsBefore = events(org);
        for (String token : badTokens) {
            String[] tokenField = token.isEmpty() ? new String[0] : new String[] {"_csrf", token};
            assertRefused(portal.postRaw("/setup/domains", concat(tokenField, "domain", uniqueDomain())), "/domains");
            assertRefused(portal.postRaw("/setup/test", tokenField), "/test");
            assertRefused(portal.postRaw("/setup/activate", tokenField), "/activate");
            assertRefused(portal.postRaw("/setup/sign-out", tokenField), "/sign-out");
        }
        assertThat(provider(org, "okta").text()).isEqualTo(before);
        assertThat(events(org)).isEqualTo(eventsBefore);
        assertThat(portal.get("/setup/test").text()).doesNotContain("data-status=");
        assertThat(portal.get("/setup/").status()).as("the session is still there").isEqualTo(200);

        // the twin: the page's own token is taken
        assertThat(portal.post("/setup/domains", "domain", uniqueDomain()).status()).isEqualTo(303);
        assertThat(provider(org, "okta").text()).isNotEqualTo(before);
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    private static void assertRefused(Reply r, String what) {
        assertThat(r.status()).as(what + ": " + r.text()).isEqualTo(403);
        assertThat(r.text()).as(what).contains("This form has expired");
        assertThat(r.header("Set-Cookie")).as(what).isNull();
        assertThat(r.header("Location")).as(what).isNull();
    }

    @Test
    void noOrAMadeUpCookieGetsTheCannotBeUsedPageNeverA500() {
        Portal none = new Portal();
        for (String path : List.of("/setup/", "/setup", "/setup/product", "/setup/instructions", "/setup/connect",
                "/setup/domains", "/setup/test", "/setup/activate", "/setup/sp-metadata.xml")) {
            Reply r = none.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.text()).as(path).contains(CANNOT_BE_USED).contains("not (or no longer) valid");
        }
        Portal madeUp = new Portal();
        madeUp.cookie = "made-up-session-id-0123456789";
        assertThat(madeUp.get("/setup/").status()).isEqualTo(401);
        Reply post = madeUp.postRaw("/setup/domains", "_csrf", SetupPortalController.csrfToken(madeUp.cookie),
                "domain", uniqueDomain());
        assertThat(post.status()).isEqualTo(401);
        assertThat(post.text()).contains(CANNOT_BE_USED);
        madeUp.cookie = "x".repeat(101);
        assertThat(madeUp.get("/setup/").status()).isEqualTo(401);
        madeUp.cookie = "";
        assertThat(madeUp.get("/setup/").status()).isEqualTo(401);
    }

    @Test
    void aSessionEndsWithItsLinksRevocationOrExpiryAndOnSignOut() {
        // revoked: the open session's next page says so
        JsonNode revokedLink = createLink("{}");
        Portal revoked = new Portal();
        revoked.open(secret(revokedLink));
        assertThat(revoked.get("/setup/").status()).isEqualTo(200);
        assertThat(api.delete("/api/orgs/" + org + "/setup-links/" + revokedLink.get("id").asString(), admin).status())
                .isEqualTo(204);
        Reply gone = revoked.get("/setup/");
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.text()).contains(CANNOT_BE_USED).contains("The setup link was withdrawn.");
        assertThat(revoked.postRaw("/setup/product", "_csrf", SetupPortalController.csrfToken(revoked.cookie),
                "product", "okta").status()).isEqualTo(410);
        assertThat(api.get("/setup/" + secret(revokedLink), null).status()).isEqualTo(410);

        // expired: the test clock moves past the link's end
        Portal expiring = opened("{\"expires_in_hours\": 1}");
        assertThat(expiring.get("/setup/").status()).isEqualTo(200);
        try {
            clock.advance(Duration.ofMinutes(61));
            Reply ended = expiring.get("/setup/product");
            assertThat(ended.status()).isEqualTo(410);
            assertThat(ended.text()).contains("The setup link has expired.");
        } finally {
            clock.advance(Duration.ofMinutes(-61));
        }
        assertThat(expiring.get("/setup/").status()).as("the twin, back in time").isEqualTo(200);

        // sign-out: the cookie cleared, the old cookie refused
        Portal signedIn = opened("{}");
        String old = signedIn.cookie;
        Reply out = signedIn.post("/setup/sign-out");
        assertThat(out.status()).as(out.text()).isEqualTo(200);
        assertThat(out.text()).contains("Setup session ended");
        String cleared = setCookie(out);
        assertThat(cleared).startsWith(COOKIE + "=;").contains("Max-Age=0").contains("Path=/setup/");
        Reply after = signedIn.get("/setup/");
        assertThat(signedIn.cookie).isEqualTo(old);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.text()).contains(CANNOT_BE_USED);
    }

    @Test
    void aLinkOfOneOrgOnlyEverSeesThatOrg() {
        String orgB = createOrg(uniqueOrgId("neighbour"));
        String domainB = uniqueDomain();
        Reply inB = api.post("/api/orgs/" + orgB + "/identity-providers", ADMIN, ApiClient.parse("""
                {"alias": "custom-saml", "display_name": "Neighbour SSO", "protocol": "saml", "domains": ["%s"],
                 "known_provider": "custom_saml", "saml": {"metadata_xml": %s}}"""
                .formatted(domainB, ApiClient.JSON.writeValueAsString(okta()))));
        assertThat(inB.status()).as(inB.text()).isEqualTo(201);
        String before = provider(orgB, "custom-saml").text();

        Portal portal = opened("{}");
        Reply overview = portal.get("/setup/");
        assertThat(overview.text()).contains("Org " + org).doesNotContain(orgB).doesNotContain("Neighbour SSO")
                .doesNotContain("id=\"connection-status\"");
        portal.choose("custom_saml", null);
        assertThat(portal.get("/setup/instructions").text()).contains("/sso/" + org + "/custom-saml/saml/acs")
                .doesNotContain(orgB);
        Reply connect = portal.get("/setup/connect");
        assertThat(connect.text()).doesNotContain("Neighbour SSO").doesNotContain(orgB);
        portal.connectSaml("Ours", okta());
        assertThat(portal.post("/setup/domains", "domain", uniqueDomain()).status()).isEqualTo(303);
        for (String path : List.of("/setup/", "/setup/connect", "/setup/domains", "/setup/test", "/setup/activate")) {
            assertThat(portal.get(path).text()).as(path).doesNotContain(orgB).doesNotContain("Neighbour SSO")
                    .doesNotContain(domainB);
        }
        assertThat(provider(orgB, "custom-saml").text()).isEqualTo(before);
        assertThat(provider(org, "custom-saml").json().get("display_name").asString()).isEqualTo("Ours");
        assertThat(events(orgB)).doesNotContain("setup-link:");
    }

    @Test
    void aLinkForOneAliasSetsUpExactlyThatOneAndNeverAnother() {
        String domainY = uniqueDomain();
        Reply y = api.post("/api/orgs/" + org + "/identity-providers", admin, ApiClient.parse("""
                {"alias": "okta", "display_name": "Other Okta", "protocol": "saml", "domains": ["%s"],
                 "known_provider": "okta", "saml": {"metadata_xml": %s}}"""
                .formatted(domainY, ApiClient.JSON.writeValueAsString(okta()))));
        assertThat(y.status()).as(y.text()).isEqualTo(201);
        String before = provider(org, "okta").text();

        Portal portal = opened("{\"alias\": \"corp-sso\"}");
        assertThat(portal.get("/setup/").text()).doesNotContain("Other Okta").doesNotContain("id=\"connection-status\"");
        // the product okta does not make the alias okta
        portal.choose("okta", "saml");
        assertThat(portal.get("/setup/instructions").text()).contains("/sso/" + org + "/corp-sso/saml/acs")
                .doesNotContain("/sso/" + org + "/okta/");
        assertThat(portal.get("/setup/connect").text()).doesNotContain("Other Okta");
        portal.connectSaml("Corp SSO", okta());
        assertThat(provider(org, "corp-sso").json().get("status").asString()).isEqualTo("draft");
        String mine = uniqueDomain();
        assertThat(portal.post("/setup/domains", "domain", mine).status()).isEqualTo(303);
        // trying to take Y's domain reads nothing of Y, and changes nothing
        Reply taken = portal.post("/setup/domains", "domain", domainY);
        assertThat(taken.status()).isEqualTo(422);
        assertThat(taken.text()).doesNotContain("Other Okta");
        for (String path : List.of("/setup/", "/setup/connect", "/setup/domains", "/setup/test", "/setup/activate")) {
            assertThat(portal.get(path).text()).as(path).doesNotContain("Other Okta");
        }
        assertThat(portal.post("/setup/activate").status()).isEqualTo(409);
        assertThat(provider(org, "okta").text()).isEqualTo(before);
        assertThat(provider(org, "corp-sso").json().get("domains").toString()).contains(mine);
    }

    @Test
    void aLinkForAnExistingDraftContinuesWithIt() {
        Reply draft = api.post("/api/orgs/" + org + "/identity-providers", admin, ApiClient.parse("""
                {"alias": "okta", "display_name": "Existing Okta", "protocol": "saml", "status": "draft",
                 "known_provider": "okta", "saml": {"metadata_xml": %s}}"""
                .formatted(ApiClient.JSON.writeValueAsString(okta()))));
        assertThat(draft.status()).as(draft.text()).isEqualTo(201);

        Portal portal = opened("{\"alias\": \"okta\"}");
        Reply overview = portal.get("/setup/");
        assertThat(overview.text()).contains("Existing Okta").contains("status-draft")
                .contains("href=\"/setup/domains\"");
        assertThat(portal.get("/setup/instructions").text()).contains("/sso/" + org + "/okta/saml/acs");
        assertThat(portal.get("/setup/connect").text()).contains("value=\"Existing Okta\"");
        String domain = uniqueDomain();
        assertThat(portal.post("/setup/domains", "domain", domain).status()).isEqualTo(303);
        JsonNode idp = provider(org, "okta").json();
        assertThat(idp.get("domains").toString()).contains(domain);
        assertThat(idp.get("status").asString()).isEqualTo("draft");
        assertThat(countIdps(org)).isEqualTo(1);
    }

    @Test
    void badInputNeverGetsA500AndStoresNothing() {
        Portal portal = opened("{}");
        portal.choose("custom_saml", null);
        String csrf = portal.csrf();

        // garbled multipart: a boundary that never comes, bytes at random
        byte[] garbage = new byte[300_000];
        new java.util.Random(14).nextBytes(garbage);
        Reply garbled = api.send("POST", "/setup/connect", null, "multipart/form-data; boundary=nowhere", garbage,
                portal.headers());
        assertNoServerError(garbled, "garbled multipart");
        Reply noBoundary = api.send("POST", "/setup/connect", null, "multipart/form-data", garbage, portal.headers());
        assertNoServerError(noBoundary, "multipart without boundary");

        // a metadata file of 1.5 MiB: the portal's own message
        byte[] big = new byte[1536 * 1024];
        Arrays.fill(big, (byte) ' ');
        byte[] head = okta().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, big, 0, head.length);
        Reply large = portal.multipart("/setup/connect", new Multipart().field("_csrf", csrf).field("display_name", "A")
                .field("metadata_url", "").file("metadata_file", "big.xml", "text/xml", big));
        assertThat(large.status()).as(large.text()).isEqualTo(422);
        assertThat(large.text()).contains("id=\"metadata_file-error\"").contains("larger than 1 MiB");

        // over 2 MiB: a clear problem
        byte[] huge = new byte[2 * 1024 * 1024 + 4096];
        Arrays.fill(huge, (byte) 'x');
        Reply tooLarge = portal.multipart("/setup/connect", new Multipart().field("_csrf", csrf)
                .field("display_name", "A").file("metadata_file", "huge.xml", "text/xml", huge));
        assertProblem(tooLarge, 413, "over 2 MiB");
        assertThat(tooLarge.json().get("detail").asString()).contains("2 MiB");

        // bytes that are not UTF-8, in a form and in a metadata file
        byte[] latin1 = ("_csrf=" + csrf + "&product=").getBytes(StandardCharsets.US_ASCII);
        byte[] notUtf8 = Arrays.copyOf(latin1, latin1.length + 3);
        notUtf8[latin1.length] = (byte) 0xC3;
        notUtf8[latin1.length + 1] = (byte) 0x28;
        notUtf8[latin1.length + 2] = (byte) 0xFF;
        assertNoServerError(portal.postBytes("/setup/product", notUtf8), "non-UTF-8 form");
        assertNoServerError(portal.postRaw("/setup/product", "_csrf", csrf, "product", "okta%FF%FE"), "escaped bytes");
        Reply percent = portal.postBytes("/setup/product", ("_csrf=" + csrf + "&product=%zz%FF")
                .getBytes(StandardCharsets.US_ASCII));
        assertNoServerError(percent, "malformed escape");
        Reply binary = portal.multipart("/setup/connect", new Multipart().field("_csrf", csrf).field("display_name",
                "A").field("metadata_url", "").file("metadata_file", "x.xml", "text/xml", Arrays.copyOf(garbage, 5000)));
        assertThat(binary.status()).as(binary.text()).isEqualTo(422);
        assertThat(binary.text()).contains("id=\"metadata_file-error\"");
        assertThat(countIdps(org)).as("nothing stored").isZero();

        // very long values
        Reply longName = portal.multipart("/setup/connect", new Multipart().field("_csrf", csrf)
                .field("display_name", "N".repeat(100_000)).field("metadata_url", "https://" + "a".repeat(50_000))
                .file("metadata_file", "", "application/octet-stream", new byte[0]));
        assertNoServerError(longName, "very long values");
        assertNoServerError(portal.postRaw("/setup/product", "_csrf", csrf, "product", "p".repeat(200_000)),
                "a long product");
        assertThat(countIdps(org)).as("nothing stored").isZero();

        // the provider exists; a domain field sent a thousand times, and very long domains
        portal.connectSaml("Acme", okta());
        String before = provider(org, "custom-saml").text();
        String[] many = new String[2002];
        many[0] = "_csrf";
        many[1] = csrf;
        for (int i = 1; i <= 1000; i++) {
            many[2 * i] = "domain";
            many[2 * i + 1] = "d" + i + ".example.com";
        }
        Reply thousand = portal.postRaw("/setup/domains", many);
        assertNoServerError(thousand, "a domain 1000 times");
        assertThat(thousand.status()).isNotEqualTo(303);
        Reply longDomain = portal.post("/setup/domains", "domain", "a".repeat(70_000) + ".example.com");
        assertNoServerError(longDomain, "a long domain");
        assertThat(longDomain.status()).isEqualTo(422);
        assertThat(provider(org, "custom-saml").text()).isEqualTo(before);

        // made-up links and an oversized cookie
        RawHttp raw = new RawHttp(port);
        for (String target : List.of("/setup/gsl_" + "A".repeat(500), "/setup/gsl_%00%ff", "/setup/gsl_..%2f..%2fapi",
                "/setup/gsl_a/b", "/setup/gsl_%zz", "/setup/gsl_%C3%A9", "/setup/gsl_")) {
            Reply r = raw.get(target, null);
            assertNoServerError(r, target);
            assertThat(r.header("Set-Cookie")).as(target).isNull();
        }
        Reply bigCookie = raw.send("GET", "/setup/", null, null, "Cookie", COOKIE + "=" + "c".repeat(10_240));
        assertNoServerError(bigCookie, "a 10 KB cookie");
        Reply bigOtherCookie = raw.send("GET", "/setup/", null, null, "Cookie", "other=" + "c".repeat(10_240) + "; "
                + COOKIE + "=" + portal.cookie);
        assertNoServerError(bigOtherCookie, "a 10 KB cookie next to the session's");
        assertThat(portal.get("/setup/").status()).as("the session is unharmed").isEqualTo(200);
    }

    @Test
    void aMetadataFileIsReadInTheEncodingItDeclaresOrWithItsByteOrderMark() {
        String entityId = "https://idp.example.com/\u00e9cole/f\u00fcr";
        Portal latin1 = opened("{}");
        latin1.choose("custom_saml", null);
        byte[] iso = TestIdpMetadata.okta(entityId, IDP.certificate()).replace("UTF-8", "ISO-8859-1")
                .getBytes(StandardCharsets.ISO_8859_1);
        Reply isoReply = latin1.multipart("/setup/connect", new Multipart().field("_csrf", latin1.csrf())
                .field("display_name", "Latin-1").field("metadata_url", "")
                .file("metadata_file", "iso.xml", "text/xml", iso));
        assertThat(isoReply.status()).as(isoReply.text()).isEqualTo(303);
        assertThat(provider(org, "custom-saml").text()).contains(entityId).doesNotContain("\\ufffd").doesNotContain("\uFFFD");

        // the twin: the same bytes without the declaration are not UTF-8, and say so next to the file
        Portal undeclared = opened("{\"alias\": \"latin\"}");
        undeclared.choose("custom_saml", null);
        byte[] noDeclaration = TestIdpMetadata.okta(entityId, IDP.certificate())
                .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "").getBytes(StandardCharsets.ISO_8859_1);
        Reply refused = undeclared.multipart("/setup/connect", new Multipart().field("_csrf", undeclared.csrf())
                .field("display_name", "Latin-1").field("metadata_url", "")
                .file("metadata_file", "iso.xml", "text/xml", noDeclaration));
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.text()).contains("id=\"metadata_file-error\"")
                .contains("aria-invalid=\"true\" aria-describedby=\"metadata_file-error\"");
        assertThat(text(refused)).contains("not in the character encoding it declares");
        assertThat(provider(org, "latin").status()).isEqualTo(404);

        // ADFS and Windows tools write UTF-8 with a byte order mark
        Portal bom = opened("{\"alias\": \"adfs\"}");
        bom.choose("adfs", null);
        byte[] utf8 = TestIdpMetadata.okta(entityId, IDP.certificate()).getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[utf8.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, withBom, 3, utf8.length);
        Reply bomReply = bom.multipart("/setup/connect", new Multipart().field("_csrf", bom.csrf())
                .field("display_name", "AD FS").field("metadata_url", "")
                .file("metadata_file", "FederationMetadata.xml", "text/xml", withBom));
        assertThat(bomReply.status()).as(bomReply.text()).isEqualTo(303);
        assertThat(provider(org, "adfs").text()).contains(entityId).doesNotContain("\\ufeff").doesNotContain("\uFEFF");
    }

    @Test
    void neitherTheLinkSecretNorTheSessionNorTheClientSecretIsLogged() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger access = (Logger) LoggerFactory.getLogger("gatehouse.access");
        appender.start();
        root.addAppender(appender);
        access.setLevel(Level.DEBUG);
        String secret = secret(createLink("{}"));
        String clientSecret = "portal-client-secret-" + java.util.UUID.randomUUID();
        Portal portal = new Portal();
        try (TestDiscoveryServer discovery = new TestDiscoveryServer()) {
            portal.open(secret);
            portal.choose("custom_oidc", null);
            Reply connected = portal.post("/setup/connect", "display_name", "Acme OIDC", "issuer", discovery.issuer(),
                    "client_id", "gatehouse-portal", "client_secret", clientSecret);
            assertThat(connected.status()).as(connected.text()).isEqualTo(303);
            assertThat(provider(org, "custom-oidc").json().get("status").asString()).isEqualTo("draft");
            // a refused one too, with its secret
            Reply refused = portal.post("/setup/connect", "display_name", "x".repeat(5000), "issuer",
                    "http://127.0.0.1:1/none", "client_id", "c", "client_secret", clientSecret + "-2");
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.text()).doesNotContain(clientSecret);
            // the access line is written once the answer is out: one more request, so all lines are in
            api.get("/api/openapi.json", null);
        } finally {
            root.detachAppender(appender);
            access.setLevel(Level.INFO);
        }
        String logged = String.join("\n", appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertThat(logged).as("the capture works").contains("/setup/");
        assertThat(logged).doesNotContain(secret).doesNotContain(secret.substring(4)).doesNotContain(portal.cookie)
                .doesNotContain(clientSecret).doesNotContain(SetupPortalController.csrfToken(portal.cookie));
        assertThat(provider(org, "custom-oidc").text()).doesNotContain(clientSecret);
    }
}
