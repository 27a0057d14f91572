package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApplicationSite;
import io.gatehouse.testkit.DebianChromium;
import io.gatehouse.testkit.GatehouseInitializers;
import io.gatehouse.testkit.KeycloakServer;
import io.gatehouse.testkit.KeycloakServer.OidcClientOptions;
import io.gatehouse.testkit.KeycloakServer.User;
import io.gatehouse.testkit.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * The setup portal clicked through in Debian's headless Chromium against the test JVM's real Keycloak, as a customer's
 * IT admin does it: a setup link made through the API, Keycloak chosen (as SAML IdP, then as OpenID provider), Keycloak
 * set up with the values the portal shows, a test sign-in as a Keycloak user, activation; and then an application's
 * sign-in by work email goes to Keycloak, which it did not while the connection was a draft. A test sign-in against
 * metadata with the wrong certificate shows its reason and leaves activation closed. Every step is photographed under
 * target/browser/ (and the page a failing test was on).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ContextConfiguration(initializers = GatehouseInitializers.H2OnLoopbackPort.class)
class SetupPortalKeycloakBrowserTest {
    // generous: Keycloak's first login page and a cold JVM on two cores; waits end as soon as the page is there
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String REALM = "gatehouse-setup-portal";
    private static final String GROUP = "engineering";
    private static final String ADMIN = GatehouseInitializers.ADMIN_KEY;
    private static final Pattern CERTIFICATE = Pattern.compile("(<(?:ds:)?X509Certificate>)([^<]+)(</(?:ds:)?X509Certificate>)");

    private static KeycloakServer keycloak;
    private static ApplicationSite app;

    @Value("${gatehouse.base-url}")
    private String baseUrl;
    @Value("${server.port}")
    private int port;
    private ApiClient api;
    private DebianChromium chromium;
    private WebDriver browser;
    private String flow;
    private int step;

    /** A failed test leaves a picture of where the browser was. */
    @RegisterExtension
    final AfterTestExecutionCallback screenshotOnFailure = (ExtensionContext context) -> {
        if (context.getExecutionException().isPresent() && chromium != null) {
            chromium.screenshot("portal-kc-failed-" + context.getRequiredTestMethod().getName());
        }
    };

    @BeforeAll
    static void keycloakRealmAndApplicationSite() throws IOException {
        DebianChromium.install();
        keycloak = KeycloakServer.shared();
        keycloak.createRealm(REALM);
        keycloak.createGroup(REALM, GROUP);
        // the application's site: the browser's last hop (a code at the redirect URI) lands there
        app = ApplicationSite.start();
    }

    @AfterAll
    static void stopApplicationSite() {
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void openBrowser(TestInfo test) {
        api = new ApiClient(port);
        flow = test.getTestMethod().orElseThrow().getName();
        step = 0;
        chromium = DebianChromium.start();
        browser = chromium.driver();
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void keycloakAsSamlIdentityProviderSetUpThroughThePortalThenAnApplicationsSignInByEmailGoesThere() throws Exception {
        User user = newUser("sam");
        String org = createOrg("portal-kc-saml");
        Application application = registerApplication();

        openSetupLink(org);
        choose("keycloak", "saml");
        String acsUrl = text("acs-url");
        String entityId = text("entity-id");
        assertThat(acsUrl).isEqualTo(baseUrl + "/sso/" + org + "/keycloak/saml/acs");
        assertThat(text("metadata-url")).startsWith(baseUrl + "/sso/" + org + "/keycloak/");
        assertThat(text("login-url")).startsWith(baseUrl + "/sso/" + org + "/keycloak/");
        // the Keycloak admin imports Gatehouse's SP metadata as downloaded from the page
        JsonNode client = keycloak.samlClientFromMetadata(REALM, downloadSpMetadata());
        assertThat(client.path("clientId").asString()).isEqualTo(entityId);
        assertThat(client.path("attributes").path("saml_assertion_consumer_url_post").asString()).isEqualTo(acsUrl);
        click(By.id("continue"));

        uploadMetadata(keycloak.samlDescriptor(REALM));
        enterDomain(domainOf(user));
        testSignInSucceedsAs(user);

        routedElsewhereWhileADraft(application, user);
        activate();
        signsInToTheApplicationThroughKeycloak(application, user, true);
    }

    @Test
    void keycloakAsOpenIdProviderSetUpThroughThePortalThenAnApplicationsSignInByEmailGoesThere() throws Exception {
        User user = newUser("olga");
        String org = createOrg("portal-kc-oidc");
        Application application = registerApplication();

        openSetupLink(org);
        choose("keycloak", "oidc");
        String redirectUri = text("redirect-uri");
        assertThat(redirectUri).isEqualTo(baseUrl + "/sso/" + org + "/keycloak-oidc/oidc/callback");
        assertThat(browser.findElements(By.id("sp-metadata-download"))).isEmpty();
        String clientId = org + "-gatehouse";
        String secret = "portal-" + UUID.randomUUID();
        keycloak.oidcClient(REALM, clientId, secret, redirectUri, OidcClientOptions.defaults());
        click(By.id("continue"));

        visible(By.id("issuer")).sendKeys(keycloak.issuer(REALM));
        browser.findElement(By.id("client_id")).sendKeys(clientId);
        browser.findElement(By.id("client_secret")).sendKeys(secret);
        assertThat(browser.findElement(By.id("display_name")).getDomProperty("value")).isEqualTo("Keycloak");
        photograph("connect-filled");
        click(By.id("save"));

        enterDomain(domainOf(user));
        testSignInSucceedsAs(user);

        routedElsewhereWhileADraft(application, user);
        activate();
        signsInToTheApplicationThroughKeycloak(application, user, false);
    }

    @Test
    void aTestSignInAgainstMetadataWithTheWrongCertificateShowsTheReasonAndActivationStaysClosed() throws Exception {
        User user = newUser("wanda");
        String org = createOrg("portal-kc-cert");

        openSetupLink(org);
        choose("keycloak", "saml");
        keycloak.samlClientFromMetadata(REALM, downloadSpMetadata());
        click(By.id("continue"));

        // Keycloak's metadata as it is, except that a certificate of another key stands where Keycloak's stood
        String descriptor = keycloak.samlDescriptor(REALM);
        String other = TestCertificates.base64(TestCertificates.valid("not-keycloak").certificate());
        Matcher m = CERTIFICATE.matcher(descriptor);
        assertThat(m.find()).as("Keycloak's metadata names its signing certificate").isTrue();
        uploadMetadata(m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + other + r.group(3))));
        enterDomain(domainOf(user));

        startTestAndLogIn(user);
        WebElement code = visible(By.id("reason-code"));
        assertThat(code.getText()).isEqualTo(RejectReason.SAML_CERTIFICATE_UNTRUSTED.code());
        assertThat(browser.findElements(By.cssSelector("tr[data-field=email]"))).isEmpty();
        photograph("test-result-failed");

        click(By.id("back-to-setup"));
        WebElement last = visible(By.id("last-test"));
        assertThat(last.getDomAttribute("data-status")).isEqualTo("failed");
        assertThat(browser.findElement(By.id("reason-code")).getText())
                .isEqualTo(RejectReason.SAML_CERTIFICATE_UNTRUSTED.code());
        assertThat(browser.findElements(By.id("continue"))).as("no way on to activation").isEmpty();
        photograph("portal-test-failed");

        browser.get(baseUrl + "/setup/activate");
        visible(By.id("to-test"));
        assertThat(browser.findElements(By.id("activate"))).isEmpty();
        photograph("activate-untested");
        browser.get(baseUrl + "/setup/");
        assertThat(visible(By.id("connection-status")).getDomAttribute("class")).doesNotContain("status-active");
    }

    // ---- the portal's steps

    /** The link as the admin gets it by mail: it opens the portal, which moves on to the overview by itself. */
    private void openSetupLink(String org) {
        Reply link = api.post("/api/orgs/" + org + "/setup-links", ADMIN, ApiClient.object());
        assertThat(link.status()).as(link.text()).isEqualTo(201);
        String url = link.json().get("url").asString();
        assertThat(url).startsWith(baseUrl + "/setup/gsl_");
        browser.get(url);
        visible(By.id("start"));
        assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl + "/setup/");
        photograph("overview");
        click(By.id("start"));
    }

    /** The product, then its protocol: ends on the instructions page. */
    private void choose(String product, String protocol) {
        click(visible(By.cssSelector("label[for=product-" + product + "]")));
        assertThat(browser.findElement(By.id("product-" + product)).isSelected()).isTrue();
        photograph("product");
        click(By.id("continue"));
        click(visible(By.cssSelector("label[for=protocol-" + protocol + "]")));
        assertThat(browser.findElement(By.id("protocol-" + protocol)).isSelected()).isTrue();
        photograph("protocol");
        click(By.id("continue"));
        visible(By.id("login-url"));
        assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl + "/setup/instructions");
        photograph("instructions");
    }

    /** The SP metadata behind the page's download button, fetched with the portal session of the browser. */
    private String downloadSpMetadata() throws IOException, InterruptedException {
        String href = browser.findElement(By.id("sp-metadata-download")).getDomProperty("href");
        Cookie session = browser.manage().getCookieNamed(PortalSessions.COOKIE);
        assertThat(session).as("the portal's session cookie").isNotNull();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href))
                .header("Cookie", session.getName() + "=" + session.getValue()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/samlmetadata+xml");
        return r.body();
    }

    /** The connect page of SAML: Keycloak's realm metadata as a file, as the admin saved it from Keycloak. */
    private void uploadMetadata(String xml) throws IOException {
        WebElement file = wait(ExpectedConditions.presenceOfElementLocated(By.id("metadata_file")));
        Path saved = Files.createTempFile("keycloak-idp-metadata-", ".xml");
        Files.writeString(saved, xml);
        try {
            file.sendKeys(saved.toAbsolutePath().toString());
            photograph("connect-file-chosen");
            click(By.id("save"));
            visible(By.id("domains"));
        } finally {
            Files.deleteIfExists(saved);
        }
    }

    private void enterDomain(String domain) {
        WebElement first = visible(By.id("domains"));
        assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl + "/setup/domains");
        first.clear();
        first.sendKeys(domain);
        photograph("domains");
        click(By.id("save"));
        visible(By.id("start-test"));
        assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl + "/setup/test");
        photograph("test");
    }

    /** {@code #start-test}, then Keycloak's login form: ends on Gatehouse's test result page. */
    private void startTestAndLogIn(User user) {
        click(By.id("start-test"));
        logInAtKeycloak(user);
        visible(By.id("back-to-setup"));
    }

    private void testSignInSucceedsAs(User user) {
        startTestAndLogIn(user);
        assertThat(browser.findElements(By.id("reason-code"))).isEmpty();
        assertThat(visible(By.cssSelector("tr[data-field=email] td")).getText()).isEqualTo(user.email());
        photograph("test-result");

        click(By.id("back-to-setup"));
        assertThat(visible(By.id("last-test")).getDomAttribute("data-status")).isEqualTo("succeeded");
        assertThat(browser.findElement(By.cssSelector("#last-test tr[data-field=email] td")).getText())
                .isEqualTo(user.email());
        photograph("test-succeeded");
    }

    /** From the test page on: Continue, Turn on, and the overview says it is on. */
    private void activate() {
        browser.get(baseUrl + "/setup/test");
        click(visible(By.id("continue")));
        WebElement button = visible(By.id("activate"));
        photograph("activate");
        click(button);
        WebElement status = visible(By.id("connection-status"));
        assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl + "/setup/");
        assertThat(status.getDomAttribute("class")).contains("status-active");
        assertThat(browser.findElements(By.id("next"))).isEmpty();
        photograph("active");
    }

    private void logInAtKeycloak(User user) {
        WebElement username = visible(By.id("username"));
        assertThat(browser.getCurrentUrl()).startsWith(keycloak.issuer(REALM) + "/");
        photograph("keycloak-login");
        // an application's login_hint reaches Keycloak, which fills it in: the user types the username over it
        username.clear();
        username.sendKeys(user.username());
        browser.findElement(By.id("password")).sendKeys(user.password());
        click(By.id("kc-login"));
    }

    // ---- the application's side

    /** An application (OpenID client of Gatehouse) whose redirect URI is the stand-in site. */
    private record Application(String clientId, String clientSecret, String redirectUri) {
        @Override
        public String toString() {
            return "Application[" + clientId + "]";
        }
    }

    private Application registerApplication() {
        String redirectUri = app.url() + "/callback";
        Reply r = api.post("/api/applications", ADMIN, ApiClient.parse("""
                {"name": "Portal CRM", "redirect_uris": ["%s"]}""".formatted(redirectUri)));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return new Application(r.json().get("client_id").asString(), r.json().get("client_secret").asString(),
                redirectUri);
    }

    private String authorizeUrl(Application application, String state) {
        return baseUrl + "/oauth2/authorize?response_type=code&client_id=" + enc(application.clientId())
                + "&redirect_uri=" + enc(application.redirectUri()) + "&scope=" + enc("openid email profile")
                + "&state=" + state + "&nonce=n-" + state;
    }

    /** While the connection is a draft (tested or not), the user's email finds no provider to sign in with. */
    private void routedElsewhereWhileADraft(Application application, User user) {
        browser.get(authorizeUrl(application, "draft") + "&login_hint=" + enc(user.email()));
        WebElement email = visible(By.id("email"));
        assertThat(browser.getCurrentUrl()).startsWith(baseUrl + "/oauth2/authorize");
        assertThat(email.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(email.getDomProperty("value")).isEqualTo(user.email());
        photograph("draft-not-routed");
    }

    /**
     * The application's user (another person, another browser): the email, typed into the prompt or given as the
     * application's login_hint, goes to Keycloak's login form of the realm,
     * and the application gets a code that buys an ID token with the user's email.
     */
    private void signsInToTheApplicationThroughKeycloak(Application application, User user, boolean typed)
            throws Exception {
        chromium.close();
        chromium = DebianChromium.start();
        browser = chromium.driver();
        String state = "s" + UUID.randomUUID().toString().replace("-", "");
        if (typed) {
            // the email prompt's form, whose answer is a redirect to Keycloak (another origin)
            browser.get(authorizeUrl(application, state));
            visible(By.id("email")).sendKeys(user.email());
            click(By.id("continue"));
        } else {
            browser.get(authorizeUrl(application, state) + "&login_hint=" + enc(user.email()));
        }
        logInAtKeycloak(user);
        wait(ExpectedConditions.urlContains("/callback?"));
        assertThat(browser.findElement(By.tagName("body")).getText()).isEqualTo("app: /callback");
        photograph("application-callback");
        Map<String, String> callback = query(URI.create(browser.getCurrentUrl()));
        assertThat(callback).containsEntry("state", state).containsKey("code");

        Reply tokens = api.send("POST", "/oauth2/token", null, "application/x-www-form-urlencoded",
                ("grant_type=authorization_code&code=" + enc(callback.get("code")) + "&redirect_uri="
                        + enc(application.redirectUri())).getBytes(StandardCharsets.UTF_8),
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((enc(application.clientId()) + ":"
                        + enc(application.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        assertThat(tokens.status()).as(tokens.text()).isEqualTo(200);
        var claims = SignedJWT.parse(tokens.json().get("id_token").asString()).getJWTClaimsSet();
        assertThat(claims.getStringClaim("email")).isEqualTo(user.email());
    }

    // ---- set-up and browser helpers

    private String createOrg(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Reply r = api.post("/api/orgs", ADMIN, ApiClient.object().put("id", id).put("name", "Org " + id));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return id;
    }

    /** A Keycloak user of the realm with an email domain of its own (domains are unique across orgs). */
    private static User newUser(String name) {
        String domain = "d" + UUID.randomUUID().toString().substring(0, 10) + ".example.com";
        String username = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        User user = User.of(username, name + "-password-1", name + "@" + domain, name.substring(0, 1).toUpperCase()
                + name.substring(1), "Tester", GROUP);
        keycloak.createUser(REALM, user);
        return user;
    }

    private static String domainOf(User user) {
        return user.email().substring(user.email().indexOf('@') + 1);
    }

    private String text(String id) {
        return visible(By.id(id)).getText().strip();
    }

    /** Clicks and waits for the next page (every button and link here leaves the page it is on). */
    private void click(By by) {
        click(visible(by));
    }

    private void click(WebElement element) {
        String tag = element.getTagName();
        element.click();
        if (!"label".equals(tag)) {
            wait(DebianChromium.leftThePage(element));
        }
    }

    /** The page as it is now, numbered in the order of the flow: target/browser/portal-kc-{test}-{nn}-{name}.png. */
    private void photograph(String name) {
        chromium.screenshot("portal-kc-" + flow + "-" + String.format("%02d", ++step) + "-" + name);
    }

    private WebElement visible(By by) {
        return wait(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private <T> T wait(Function<? super WebDriver, T> condition) {
        try {
            return new WebDriverWait(browser, WAIT).until(condition);
        } catch (TimeoutException e) {
            String body = browser.findElements(By.tagName("body")).stream().findFirst().map(WebElement::getText)
                    .orElse("");
            throw new AssertionError("Waited " + WAIT.toSeconds() + " s for " + condition + " at "
                    + browser.getCurrentUrl() + ": " + body.substring(0, Math.min(body.length(), 800))
                    + " (Keycloak's log: " + keycloak.logFile() + ")", e);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
