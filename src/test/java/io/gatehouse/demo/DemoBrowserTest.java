package io.gatehouse.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.DebianChromium;
import io.gatehouse.testkit.GatehouseInitializers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The demo, clicked through in Debian's headless Chromium as a person would: the demo app's
 * buttons, the demo IdPs' login forms, the work-email page, and the profile the app shows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ContextConfiguration(initializers = GatehouseInitializers.DemoOnH2.class)
class DemoBrowserTest {
    // generous: the first sign-in warms up a cold JVM on two cores; waits end as soon as the page is there
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Value("${gatehouse.base-url}")
    private String baseUrl;
    private DebianChromium chromium;
    private WebDriver browser;

    @BeforeAll
    static void browserInstalled() {
        // installs Chromium with apt when it is missing, or fails every test here with the reason
        DebianChromium.install();
    }

    @BeforeEach
    void openBrowser() {
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
    void signsInThroughTheSamlDemoIdp() {
        openDemo();
        click(By.id("sign-in-saml"));
        signInAt("saml", "alice", "demo");

        showsProfile("saml-alice", "alice@saml-demo.example.com", "demo-saml");
        assertThat(text("claim-groups")).contains("Engineering").contains("Admins");
    }

    @Test
    void signsInThroughTheOidcDemoIdp() {
        openDemo();
        click(By.id("sign-in-oidc"));
        signInAt("oidc", "bob", "demo");

        showsProfile("oidc-bob", "bob@oidc-demo.example.com", "demo-oidc");
        assertThat(text("claim-groups")).contains("Sales").doesNotContain("Engineering");
    }

    @Test
    void routesByWorkEmail() {
        openDemo();
        click(By.id("sign-in-email"));
        WebElement email = visible(By.name("login_hint"));
        assertThat(browser.getCurrentUrl()).startsWith(baseUrl + "/oauth2/authorize");
        email.sendKeys("alice@saml-demo.example.com");
        email.findElement(By.xpath("ancestor::form//button[@type='submit']")).click();
        signInAt("saml", "alice", "demo");

        showsProfile("email-alice", "alice@saml-demo.example.com", "demo-saml");
        assertThat(text("claim-groups")).contains("Engineering");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"saml", "oidc"})
    void aWrongPasswordShowsTheFormAgainWithAnError(String via) {
        openDemo();
        click(By.id("sign-in-" + via));
        WebElement form = loginForm(via);
        submit("alice", "not-the-password");

        wait(DebianChromium.leftThePage(form));
        WebElement alert = visible(By.cssSelector("[role=alert]"));
        assertThat(alert.getText()).contains("wrong password");
        assertThat(browser.getCurrentUrl()).startsWith(baseUrl + "/demo/idp/" + via + "/");
        assertThat(visible(By.id("password")).getDomProperty("value")).isEmpty();
        assertThat(browser.findElements(By.id("welcome"))).isEmpty();

        // the form shown again still carries the sign-in: the right password finishes it
        submit("alice", "demo");
        showsProfile(via + "-alice-after-wrong-password", "alice@" + via + "-demo.example.com", "demo-" + via);
    }

    private void openDemo() {
        // the base URL, not 127.0.0.1: the demo's state cookie must come back to the callback's host
        browser.get(baseUrl + "/demo");
        assertThat(browser.getTitle()).startsWith("Demo application");
    }

    private WebElement loginForm(String via) {
        WebElement username = visible(By.id("username"));
        assertThat(browser.getCurrentUrl()).startsWith(baseUrl + "/demo/idp/" + via + "/");
        return username.findElement(By.xpath("ancestor::form"));
    }

    private void signInAt(String via, String username, String password) {
        loginForm(via);
        submit(username, password);
    }

    private void submit(String username, String password) {
        WebElement user = visible(By.id("username"));
        user.clear();
        user.sendKeys(username);
        WebElement pass = browser.findElement(By.id("password"));
        pass.clear();
        pass.sendKeys(password);
        click(By.id("sign-in"));
    }

    /** The demo app's page after a sign-in: who, through which IdP, and the ID token's claims. */
    private void showsProfile(String screenshot, String email, String alias) {
        WebElement welcome = visible(By.id("welcome"));
        chromium.screenshot("demo-" + screenshot);
        assertThat(browser.getCurrentUrl()).startsWith(baseUrl + "/demo/callback");
        assertThat(welcome.getText()).isEqualTo("Signed in as " + email + " through " + alias + ".");
        assertThat(text("claim-email")).isEqualTo(email);
        assertThat(text("claim-org")).isEqualTo("demo");
        assertThat(text("claim-identity_provider")).isEqualTo(alias);
        assertThat(text("claim-iss")).isEqualTo(baseUrl);
        assertThat(text("claim-aud")).contains("demo-app");
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void click(By by) {
        wait(ExpectedConditions.elementToBeClickable(by)).click();
    }

    private WebElement visible(By by) {
        return wait(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private <T> T wait(java.util.function.Function<? super WebDriver, T> condition) {
        try {
            return new WebDriverWait(browser, WAIT).until(condition);
        } catch (TimeoutException e) {
            // say where the browser is, or a timeout says nothing about what went wrong
            chromium.screenshot("demo-timeout");
            String body = browser.findElements(By.tagName("body")).stream().findFirst().map(WebElement::getText)
                    .orElse("");
            throw new AssertionError("Waited " + WAIT.toSeconds() + " s for " + condition + " at "
                    + browser.getCurrentUrl() + " (\"" + browser.getTitle() + "\"): "
                    + body.substring(0, Math.min(body.length(), 600)), e);
        }
    }
}
