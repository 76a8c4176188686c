package dev.watchkeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the browser tests: Debian's {@code chromium} driven by its
 * {@code chromium-driver}, both at fixed paths (override with {@code -Dwatchkeeper.chromium=} and
 * {@code -Dwatchkeeper.chromedriver=}), so Selenium Manager never downloads anything. Without
 * them the tests are skipped, saying so, unless {@code -Dwatchkeeper.browser.required=true}
 * (CI), when they fail.
 */
final class Chromium {
  static final Path BROWSER = Path.of(System.getProperty("watchkeeper.chromium",
      "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(System.getProperty("watchkeeper.chromedriver",
      "/usr/bin/chromedriver"));

  private Chromium() {}

  /** Skips (or, when required, fails) the calling test class without a browser. */
  static void assumeInstalled() {
    boolean present = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    String why = "browser tests need " + BROWSER + " and " + DRIVER
        + " (Debian packages chromium and chromium-driver; .ci/run installs them)";
    if (Boolean.getBoolean("watchkeeper.browser.required")) {
      assertThat(present).as(why + ", and watchkeeper.browser.required is true").isTrue();
    }
    Assumptions.assumeTrue(present, "skipped: " + why);
  }

  static ChromeDriver start(Path profile) {
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER.toString())).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--window-size=1280,900", "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    return new ChromeDriver(service, options);
  }
}
