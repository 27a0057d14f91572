package io.gatehouse.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.DebianChromium;
import io.gatehouse.testkit.GatehouseInitializers;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestImages;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The sign-in pages in Debian's headless Chromium, as a person uses them: the email prompt in English and
 * German, a refused address kept in its field with the reason, the keyboard alone, no Content-Security-Policy
 * violation in the console, and an org's own look. Each page is photographed at phone and desktop width under
 * target/browser/ (and every page a failing test was on).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ContextConfiguration(initializers = GatehouseInitializers.DemoOnH2.class)
class SignInPagesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CSP_VIOLATION = "Content Security Policy";

    @Value("${gatehouse.base-url}")
    private String baseUrl;
    @Value("${server.port}")
    private int port;
    private DebianChromium chromium;
    private WebDriver browser;

    /** A failed test leaves a picture of where the browser was. */
    @RegisterExtension
    final AfterTestExecutionCallback screenshotOnFailure = (ExtensionContext context) -> {
        if (context.getExecutionException().isPresent() && chromium != null) {
            chromium.screenshot("pages-failed-" + context.getRequiredTestMethod().getName());
        }
    };

    @BeforeAll
    static void browserInstalled() {
        DebianChromium.install();
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void theEmailPromptSpeaksTheBrowsersLanguage() throws IOException {
        open("en-US,en");
        emailPrompt();
        assertThat(browser.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("en");
        assertThat(labelOfEmail()).isEqualTo(bundle("en").getProperty("email.label"));
        photograph("email-en");
        chromium.close();

        open("de-DE,de");
        emailPrompt();
        assertThat(browser.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("de");
        assertThat(labelOfEmail()).isEqualTo(bundle("de").getProperty("email.label"));
        assertThat(browser.findElement(By.id("continue")).getText()).isEqualTo(bundle("de").getProperty("email.submit"));
        photograph("email-de");
        assertNoCspViolation();
    }

    @Test
    void aRefusedEmailStaysInItsFieldWithTheReasonTiedToIt() throws IOException {
        open("en-US,en");
        WebElement email = emailPrompt();
        String typed = "jane@" + UUID.randomUUID().toString().substring(0, 8) + ".example.org";
        email.sendKeys(typed);
        browser.findElement(By.id("continue")).click();
        wait(DebianChromium.leftThePage(email));

        WebElement again = visible(By.id("email"));
        assertThat(again.getDomProperty("value")).isEqualTo(typed);
        assertThat(again.getDomAttribute("aria-invalid")).isEqualTo("true");
        WebElement error = browser.findElement(By.id(again.getDomAttribute("aria-describedby")));
        assertThat(error.isDisplayed()).isTrue();
        assertThat(error.getText()).contains(bundle("en").getProperty("email.unknown"));
        // the field has the focus again, so a screen reader reads the label and the reason together
        assertThat(activeId()).isEqualTo("email");
        assertThat(browser.getTitle()).startsWith(bundle("en").getProperty("email.title.error"));
        photograph("email-refused");
        assertNoCspViolation();
    }

    @Test
    void theKeyboardAloneReachesTheFieldAndTheButtonSubmitsWithEnterAndSwitchesTheLanguage() {
        open("en-US,en");
        emailPrompt();
        // the field has the focus on arrival; backwards from it: the language switch, then the skip link
        assertThat(activeId()).isEqualTo("email");
        List<String> backwards = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
            backwards.add(describeActive());
        }
        assertThat(backwards).containsExactly("a[lang=de]", "a[lang=en]", "a.skip");
        // the skip link shows itself when it has the focus
        assertThat(browser.switchTo().activeElement().getLocation().getY()).isGreaterThanOrEqualTo(0);
        List<String> forwards = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            forwards.add(describeActive());
        }
        assertThat(forwards).containsExactly("a[lang=en]", "a[lang=de]", "input#email", "button#continue");
        // the focus is visible: an outline on whatever the keyboard reached
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return getComputedStyle(document.activeElement).outlineStyle")).isEqualTo("solid");

        new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        assertThat(activeId()).isEqualTo("email");
        WebElement field = browser.switchTo().activeElement();
        new Actions(browser).sendKeys("kim@" + UUID.randomUUID().toString().substring(0, 8) + ".example.org")
                .sendKeys(Keys.ENTER).perform();
        wait(DebianChromium.leftThePage(field));
        assertThat(visible(By.id("email")).getDomAttribute("aria-invalid")).isEqualTo("true");

        // the language switch, with the keyboard: back from the field to "Deutsch", Enter
        assertThat(activeId()).isEqualTo("email");
        new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        WebElement german = browser.switchTo().activeElement();
        assertThat(describeActive()).isEqualTo("a[lang=de]");
        new Actions(browser).sendKeys(Keys.ENTER).perform();
        wait(DebianChromium.leftThePage(german));
        assertThat(visible(By.tagName("html")).getDomAttribute("lang")).isEqualTo("de");
        // the application's request and the typed address came along
        assertThat(browser.findElement(By.id("email")).getDomProperty("value")).startsWith("kim@");
        assertThat(browser.getCurrentUrl()).contains("client_id=", "lang=de");
        photograph("email-refused-de");
        assertNoCspViolation();
    }

    @Test
    void pagesCarryAContentSecurityPolicyTheBrowserReportsViolationsOf() throws Exception {
        open("en-US,en");
        emailPrompt();
        String csp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(browser.getCurrentUrl())).build(),
                HttpResponse.BodyHandlers.discarding()).headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        // the stylesheet applied (it is 'self'), and nothing on the page was refused
        assertThat(visible(By.id("continue")).getCssValue("background-color")).isEqualTo("rgba(29, 78, 216, 1)");
        assertNoCspViolation();

        // the twin: an inline style is refused, and the console says so (the check above would see it)
        ((JavascriptExecutor) browser).executeScript(
                "var s = document.createElement('style'); s.textContent = 'body{display:none}';"
                        + " document.head.appendChild(s);");
        assertThat(browser.findElement(By.tagName("body")).isDisplayed()).isTrue();
        assertThat(chromium.console()).anySatisfy(line -> assertThat(line).contains(CSP_VIOLATION));
    }

    @Test
    void theSamlPostFormSubmitsItselfWithGatehousesScriptAndTheSignedInPageSignsOut() {
        open("en-US,en");
        // a direct login link (no application): the demo IdP's login, its signed response through the page that
        // posts itself on to the ACS, and Gatehouse's own signed-in page
        browser.get(baseUrl + "/sso/demo/demo-saml/login");
        visible(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("demo");
        browser.findElement(By.id("sign-in")).click();
        WebElement table = visible(By.cssSelector("table.attributes"));
        assertThat(browser.getCurrentUrl()).endsWith("/sso/demo/demo-saml/saml/acs");
        assertThat(table.getText()).contains("alice@saml-demo.example.com");
        assertThat(browser.findElements(By.cssSelector("table.attributes th[scope=row]"))).isNotEmpty();
        photograph("signed-in");
        assertNoCspViolation();

        WebElement signOut = browser.findElement(By.linkText(signedInText("signedin.signout")));
        signOut.click();
        wait(DebianChromium.leftThePage(table));
        assertThat(browser.getCurrentUrl()).endsWith("/sso/demo/demo-saml/logout");
        assertThat(visible(By.tagName("h1")).getText()).isEqualTo(signedInText("signedout.title"));
        assertNoCspViolation();
    }

    private static String signedInText(String key) {
        try {
            return bundle("en").getProperty(key);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anOrgsPagesShowItsNameLogoAndColour() {
        ApiClient api = new ApiClient(port);
        String org = "brand-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = GatehouseInitializers.ADMIN_KEY;
        assertThat(api.post("/api/orgs", admin, ApiClient.object().put("id", org).put("name", "Teal Industries"))
                .status()).isEqualTo(201);
        assertThat(api.post("/api/orgs/" + org + "/identity-providers", admin, ApiClient.parse("""
                {"alias": "okta", "display_name": "Teal Okta", "protocol": "saml",
                 "saml": {"entity_id": "https://idp.teal.example", "sso_url": "https://idp.teal.example/sso",
                          "certificates": ["%s"]}}""".formatted(TestCertificates.base64(
                TestCertificates.valid("teal-idp").certificate())))).status()).isEqualTo(201);
        assertThat(api.patch("/api/orgs/" + org, admin, ApiClient.parse("{\"branding\": {\"accent_color\": \"#0f766e\"}}"))
                .status()).isEqualTo(200);
        assertThat(api.send("PUT", "/api/orgs/" + org + "/branding/logo", admin, "image/png", TestImages.png(160, 48))
                .status()).isEqualTo(200);

        open("en-US,en");
        browser.get(baseUrl + "/sso/" + org + "/okta/logout");
        WebElement brand = visible(By.cssSelector(".brand"));
        assertThat(brand.getText()).isEqualTo("Teal Industries");
        WebElement logo = brand.findElement(By.tagName("img"));
        assertThat(((Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth", logo))
                .intValue()).isEqualTo(160);
        assertThat(browser.findElement(By.cssSelector(".masthead")).getCssValue("border-top-color"))
                .isEqualTo("rgba(15, 118, 110, 1)");
        assertThat(browser.getTitle()).endsWith("Teal Industries");
        photograph("branded-signed-out");
        assertNoCspViolation();

        // the twin: Gatehouse's own page (no org) has Gatehouse's colour and no logo
        emailPrompt();
        assertThat(browser.findElement(By.cssSelector(".masthead")).getCssValue("border-top-color"))
                .isEqualTo("rgba(29, 78, 216, 1)");
        assertThat(browser.findElements(By.cssSelector(".brand img"))).isEmpty();
    }

    private void open(String languages) {
        chromium = DebianChromium.start(languages);
        browser = chromium.driver();
    }

    /** The demo application's sign-in by work email: Gatehouse's email prompt. */
    private WebElement emailPrompt() {
        browser.get(baseUrl + "/demo/start?via=email");
        WebElement email = visible(By.id("email"));
        assertThat(browser.getCurrentUrl()).startsWith(baseUrl + "/oauth2/authorize");
        return email;
    }

    private String labelOfEmail() {
        return browser.findElement(By.cssSelector("label[for=email]")).getText();
    }

    private String activeId() {
        return browser.switchTo().activeElement().getDomAttribute("id");
    }

    private String describeActive() {
        WebElement e = browser.switchTo().activeElement();
        String tag = e.getTagName();
        String id = e.getDomAttribute("id");
        String cls = e.getDomAttribute("class");
        String lang = e.getDomAttribute("lang");
        if (id != null && !id.isEmpty()) {
            return tag + "#" + id;
        }
        if (lang != null) {
            return tag + "[lang=" + lang + "]";
        }
        return cls == null ? tag : tag + "." + cls.split(" ")[0];
    }

    private void assertNoCspViolation() {
        assertThat(chromium.console()).noneSatisfy(line -> assertThat(line).contains(CSP_VIOLATION));
    }

    /** The page at phone (390 px) and desktop width, for people to look at. */
    private void photograph(String name) {
        Dimension size = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(390, 844));
        chromium.screenshot("pages-" + name + "-phone");
        browser.manage().window().setSize(new Dimension(1280, 900));
        chromium.screenshot("pages-" + name + "-desktop");
        browser.manage().window().setSize(size);
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
                    + browser.getCurrentUrl() + ": " + body.substring(0, Math.min(body.length(), 600)), e);
        }
    }

    private static Properties bundle(String language) throws IOException {
        Properties p = new Properties();
        try (Reader in = new InputStreamReader(SignInPagesBrowserTest.class.getResourceAsStream(
                "/messages_" + language + ".properties"), StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }
}
