package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.DebianChromium;
import io.gatehouse.testkit.OnH2;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A setup link as an IT admin gets it: in a page of another site (a web mail), clicked in Debian's
 * headless Chromium. The SameSite=Strict cookie the link's answer sets is not sent on that cross-site
 * navigation, but is on the page's own move to {@code /setup/}: the browser ends on the org's overview,
 * and the address bar no longer holds the secret.
 */
@OnH2
class SetupPortalBrowserTest extends ApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void browserInstalled() {
        DebianChromium.install();
    }

    @Test
    void aLinkClickedOnAnotherSiteEndsOnTheOrgsOverviewWithoutTheSecretInTheAddressBar() throws Exception {
        String org = createOrg(uniqueOrgId("browser"));
        ApiClient.Reply created = api.post("/api/orgs/" + org + "/setup-links", ADMIN, ApiClient.object());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String url = created.json().get("url").asString();
        String secret = url.substring(url.lastIndexOf('/') + 1);
        String link = "http://127.0.0.1:" + port + "/setup/" + secret;

        // the mail: another site (localhost is not 127.0.0.1), served by a server of its own
        HttpServer mail = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        mail.createContext("/", exchange -> {
            byte[] page = ("<!doctype html><html><head><title>Inbox</title></head><body>"
                    + "<p>Please set up single sign-on:</p><a id=\"setup\" href=\"" + link + "\">Set up SSO</a>"
                    + "</body></html>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        mail.start();
        DebianChromium chromium = DebianChromium.start();
        try {
            WebDriver browser = chromium.driver();
            browser.get("http://localhost:" + mail.getAddress().getPort() + "/");
            browser.findElement(By.id("setup")).click();
            try {
                new WebDriverWait(browser, WAIT).until(ExpectedConditions.and(
                        ExpectedConditions.urlToBe("http://127.0.0.1:" + port + "/setup/"),
                        ExpectedConditions.visibilityOfElementLocated(By.id("start"))));
            } catch (TimeoutException e) {
                chromium.screenshot("setup-portal-link-failed");
                throw new AssertionError("The browser is at " + browser.getCurrentUrl() + ": "
                        + browser.findElement(By.tagName("body")).getText(), e);
            }
            assertThat(browser.getCurrentUrl()).doesNotContain(secret).doesNotContain("gsl_");
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Connect Org " + org + " to your identity provider");
            assertThat(browser.findElement(By.cssSelector(".steps-org")).getText()).contains("Org " + org);
            assertThat(browser.findElement(By.id("start")).getDomAttribute("href")).isEqualTo("/setup/product");
            // the cookie is the session's, not the secret; JavaScript cannot read it
            Cookie cookie = browser.manage().getCookieNamed(PortalSessions.COOKIE);
            assertThat(cookie).isNotNull();
            assertThat(cookie.getValue()).doesNotContain(secret.substring(4));
            assertThat(cookie.isHttpOnly()).isTrue();
            assertThat(cookie.getSameSite()).isEqualTo("Strict");
            assertThat(cookie.getPath()).isEqualTo("/setup/");
            assertThat(browser.getTitle()).isNotBlank();
            chromium.screenshot("setup-portal-overview");
        } finally {
            chromium.close();
            mail.stop(0);
        }
    }

    /**
     * The portal with the keyboard alone: Tab reaches the start, arrow keys choose a product in the radio
     * group, Enter sends the form, and the language switch is a link like any other; no page breaks the
     * Content-Security-Policy.
     */
    @Test
    void theKeyboardAloneChoosesAProductAndSwitchesToGerman() throws Exception {
        String org = createOrg(uniqueOrgId("keys"));
        ApiClient.Reply created = api.post("/api/orgs/" + org + "/setup-links", ADMIN, ApiClient.object());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String url = created.json().get("url").asString();
        DebianChromium chromium = DebianChromium.start();
        try {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            browser.get("http://127.0.0.1:" + port + "/setup/" + url.substring(url.lastIndexOf('/') + 1));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("start")));
            tabTo(browser, "start").sendKeys(Keys.ENTER);
            wait.until(ExpectedConditions.urlToBe("http://127.0.0.1:" + port + "/setup/product"));

            WebElement first = tabTo(browser, "product-okta");
            int keycloak = browser.findElements(By.cssSelector("input[name=product]")).stream()
                    .map(e -> e.getDomAttribute("id")).toList().indexOf("product-keycloak");
            for (int i = 0; i < keycloak; i++) {
                new Actions(browser).sendKeys(Keys.ARROW_DOWN).perform();
            }
            assertThat(browser.findElement(By.id("product-keycloak")).isSelected()).isTrue();
            assertThat(first.isSelected()).isFalse();
            new Actions(browser).sendKeys(Keys.ENTER).perform();
            wait.until(ExpectedConditions.urlToBe("http://127.0.0.1:" + port + "/setup/protocol"));
            assertThat(browser.findElement(By.id("protocol-saml")).isSelected()).isTrue();

            tabTo(browser, null, "de").sendKeys(Keys.ENTER);
            wait.until(ExpectedConditions.attributeToBe(By.tagName("html"), "lang", "de"));
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Wie soll Keycloak mit uns sprechen?");
            assertThat(chromium.console()).noneSatisfy(line -> assertThat(line).contains("Content Security Policy"));
        } catch (AssertionError | RuntimeException e) {
            chromium.screenshot("setup-portal-keyboard-failed");
            throw e;
        } finally {
            chromium.close();
        }
    }

    private static WebElement tabTo(WebDriver browser, String id) {
        return tabTo(browser, id, null);
    }

    /** Presses Tab until the element with this id (or the link in this language) has the focus. */
    private static WebElement tabTo(WebDriver browser, String id, String hreflang) {
        for (int i = 0; i < 40; i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            WebElement focused = browser.switchTo().activeElement();
            if (id != null && id.equals(focused.getDomAttribute("id"))
                    || hreflang != null && hreflang.equals(focused.getDomAttribute("hreflang"))) {
                return focused;
            }
        }
        throw new AssertionError("Tab never reached " + (id != null ? "#" + id : "the " + hreflang + " link"));
    }
}
