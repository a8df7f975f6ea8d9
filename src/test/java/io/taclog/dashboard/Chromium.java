package io.taclog.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium through Selenium, from Debian's packages {@code chromium} and {@code chromium-driver}
 * ({@code .ci/run} installs them when missing). Nothing is downloaded: the driver and the browser are named by path,
 * so Selenium Manager never runs. Without them the browser tests are skipped with a loud notice, except under
 * {@code CI=true}, where they fail.
 */
final class Chromium {

    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private Chromium() {
    }

    /** A new headless browser; skips (or under CI fails) the calling test class when there is none. */
    static ChromeDriver start() {
        String browser = find(System.getenv("TACLOG_CHROMIUM"), BROWSERS);
        String driver = find(System.getenv("TACLOG_CHROMEDRIVER"), DRIVERS);
        if (browser == null || driver == null) {
            String notice = "\n" + "!".repeat(100) + "\n!!! DASHBOARD BROWSER TESTS SKIPPED: no headless Chromium here ("
                    + (browser == null ? "browser missing" : "chromedriver missing") + ").\n!!! Install the Debian "
                    + "packages: apt-get install chromium chromium-driver (.ci/run does it when it can).\n"
                    + "!".repeat(100) + "\n";
            System.err.println(notice);
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true and no Chromium to run the dashboard's browser tests:" + notice);
            }
            Assumptions.abort(notice);
        }
        System.setProperty("webdriver.chrome.driver", driver);
        System.setProperty("SE_AVOID_STATS", "true");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(browser);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--force-device-scale-factor=1", "--no-first-run",
                "--disable-background-networking", "--disable-extensions", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        o.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(60)).build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return d;
    }

    private static String find(String override, List<String> candidates) {
        if (override != null && Files.isExecutable(Path.of(override))) {
            return override;
        }
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }
}
