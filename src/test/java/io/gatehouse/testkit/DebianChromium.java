package io.gatehouse.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's Chromium driven through Debian's ChromeDriver, installed with apt once per JVM when
 * missing; never a browser or driver downloaded by a test tool. A failed install fails the test.
 */
public final class DebianChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<String> PACKAGES = List.of("chromium", "chromium-driver");
    private static final Path LOGS = Path.of("target", "browser");
    private static final Logger log = LoggerFactory.getLogger(DebianChromium.class);
    // held here: java.util.logging keeps its loggers only weakly, and a collected one forgets its level
    private static final java.util.logging.Logger CDP_VERSIONS =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");
    private static boolean installed;
    private static IllegalStateException installFailure;

    private final WebDriver driver;
    private final Path profile;

    private DebianChromium(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Makes sure /usr/bin/chromium and /usr/bin/chromedriver exist, installing Debian's packages when
     * they don't. Runs apt at most once per JVM; a failure is remembered and thrown again, so every
     * browser test fails with the same clear message instead of retrying (or, worse, being skipped).
     */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        if (installFailure != null) {
            throw installFailure;
        }
        try {
            installIfMissing();
            installed = true;
        } catch (IllegalStateException e) {
            installFailure = e;
            throw e;
        }
    }

    /**
     * A new headless Chromium with an empty profile of its own. The flags keep it off the network
     * (this machine has none but localhost, and Chromium's background connections would be refused).
     */
    public static DebianChromium start() {
        return start("en-US,en");
    }

    /**
     * As {@link #start()}, with the browser's languages (a list such as {@code "de-DE,de"}, without q-values:
     * Chromium adds them to its Accept-Language); the browser's console is kept, so that tests can read
     * what it reported ({@link #console()}).
     */
    public static DebianChromium start(String acceptLanguages) {
        install();
        // Selenium Manager downloads drivers and browsers; it is skipped when the driver's path is
        // given, and told to stay offline should anything still call it
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");
        // the tests use WebDriver only, never CDP: that Debian's Chromium is newer than this Selenium's
        // CDP bindings is no news worth a warning at every start
        CDP_VERSIONS.setLevel(java.util.logging.Level.SEVERE);
        Path profile;
        try {
            Files.createDirectories(LOGS);
            profile = Files.createTempDirectory("gatehouse-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1200", "--user-data-dir=" + profile,
                // headless Chromium takes its Accept-Language from this switch (--lang and the profile's
                // preference are ignored there)
                "--accept-lang=" + acceptLanguages);
        java.util.logging.Level all = java.util.logging.Level.ALL;
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, all);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(LOGS.resolve("chromedriver.log").toFile())
                .withAppendLog(true)
                .build();
        try {
            return new DebianChromium(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw new IllegalStateException("Chromium did not start through " + CHROMEDRIVER + " (see "
                    + LOGS.resolve("chromedriver.log").toAbsolutePath() + ")", e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * What the browser's console received since the last call: its messages (errors, warnings such as a
     * Content-Security-Policy violation, logs).
     */
    public List<String> console() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage()).toList();
    }

    /** A PNG of the page as it is now, into target/browser/: for people, the tests assert on the DOM. */
    public Path screenshot(String name) {
        Path file = LOGS.resolve(name + ".png");
        try {
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Quits the browser and its driver, and removes the profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void installIfMissing() {
        if (present()) {
            log.info("Browser tests use {} and {}", CHROMIUM, CHROMEDRIVER);
            return;
        }
        log.info("{} or {} is missing: installing Debian's packages {} with apt-get (once per test run)", CHROMIUM,
                CHROMEDRIVER, PACKAGES);
        Path aptLog = LOGS.resolve("apt-get.log").toAbsolutePath();
        try {
            Files.createDirectories(LOGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the lock timeout makes apt wait for another apt run on the machine instead of failing at once
        String lockWait = "-o=DPkg::Lock::Timeout=300";
        run(List.of("apt-get", lockWait, "update"), Duration.ofMinutes(5), aptLog);
        List<String> installCommand = new java.util.ArrayList<>(List.of("apt-get", lockWait, "install", "-y",
                "--no-install-recommends"));
        installCommand.addAll(PACKAGES);
        run(installCommand, Duration.ofMinutes(10), aptLog);
        if (!present()) {
            throw new IllegalStateException("apt-get installed " + PACKAGES + " but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is still missing; see " + aptLog);
        }
        log.info("Installed: {}; {}", version(CHROMIUM), version(CHROMEDRIVER));
    }

    private static boolean present() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    private static void run(List<String> command, Duration limit, Path aptLog) {
        String shown = String.join(" ", command);
        log.info("Running: DEBIAN_FRONTEND=noninteractive {} (output in {})", shown, aptLog);
        Instant started = Instant.now();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(aptLog.toFile()));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        int exit;
        try {
            Process process = builder.start();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw failure(shown + " did not finish within " + limit.toMinutes() + " minutes", aptLog);
            }
            exit = process.exitValue();
        } catch (IOException e) {
            throw failure("could not run " + shown + " (" + e.getMessage() + ")", aptLog);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(shown + " was interrupted", aptLog);
        }
        if (exit != 0) {
            throw failure(shown + " exited with " + exit, aptLog);
        }
        log.info("{} took {} s", shown, Duration.between(started, Instant.now()).toMillis() / 1000.0);
    }

    private static IllegalStateException failure(String what, Path aptLog) {
        String tail;
        try {
            List<String> lines = Files.exists(aptLog) ? Files.readAllLines(aptLog, StandardCharsets.UTF_8) : List.of();
            tail = String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            tail = "(no log: " + e.getMessage() + ")";
        }
        String user = System.getProperty("user.name");
        return new IllegalStateException("The browser tests need Debian's Chromium and ChromeDriver (" + CHROMIUM
                + ", " + CHROMEDRIVER + ") and could not install them: " + what + "."
                + ("root".equals(user) ? "" : " apt-get needs root and this runs as " + user + ".")
                + " Install them with 'apt-get install chromium chromium-driver' and run the tests again."
                + " The end of " + aptLog + ":\n  " + tail);
    }

    private static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return binary + ": no version within 30 s";
            }
            // the last line: Debian's launcher script may print complaints of its own before the version
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().lines()
                    .toList();
            return lines.isEmpty() ? binary + ": no version" : lines.getLast();
        } catch (IOException e) {
            return binary + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return binary + ": interrupted";
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException | UncheckedIOException e) {
            // a left-over profile in the temp folder is harmless
        }
    }

    /**
     * The element has left the page (the browser went on to the next one): {@code stalenessOf}, but also
     * when ChromeDriver, asked in the middle of the navigation, answers that the node "does not belong to the
     * document", an error it raises instead of a stale-element one while the old document is torn down.
     */
    public static org.openqa.selenium.support.ui.ExpectedCondition<Boolean> leftThePage(
            org.openqa.selenium.WebElement element) {
        return driver -> {
            try {
                element.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        };
    }
}
