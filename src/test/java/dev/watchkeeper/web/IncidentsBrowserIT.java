package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.PASSWORD;
import static dev.watchkeeper.web.AccessFixture.PAYMENTS_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * A responder in real Chromium: logs in through the form, sees a new incident appear in the
 * list without reloading, acknowledges it with the keyboard, and finds it acknowledged with the
 * timeline entry on its page.
 */
class IncidentsBrowserIT {
  static final Duration WAIT = Duration.ofSeconds(15);

  /**
   * Waits up to WAIT for a condition on the page. The live list replaces rows as updates arrive,
   * so an element found a moment ago can go stale before it is read: that is retried, not a failure.
   */
  static ConditionFactory eventually() {
    return await().atMost(WAIT).ignoreException(StaleElementReferenceException.class);
  }

  @TempDir Path dir;
  AccessFixture f;
  ChromeDriver browser;

  @BeforeEach
  void start() throws Exception {
    Chromium.assumeInstalled(); // each test reports the skip, with its reason
    f = new AccessFixture(dir, "secure_cookies: false");
    f.login("dave", "{\"payments-team\":\"responder\"}");
    browser = Chromium.start(dir.resolve("profile"));
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (f != null) {
      f.close();
    }
  }

  void logIn() {
    browser.get(f.server.url("/incidents"));
    assertThat(browser.getCurrentUrl()).contains("/login?next=");
    browser.findElement(By.name("name")).sendKeys("dave");
    browser.findElement(By.name("password")).sendKeys(PASSWORD);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    eventually().untilAsserted(() -> assertThat(browser.getCurrentUrl())
        .as(browser::getPageSource).endsWith("/incidents"));
  }

  void press(String keys) {
    new Actions(browser).sendKeys(keys).perform();
  }

  Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  @Test
  void aNewIncidentAppearsLiveAndIsAcknowledgedWithTheKeyboard() throws Exception {
    logIn();
    assertThat(browser.findElement(By.id("incidents")).getText()).contains("No incidents match");
    eventually().until(() -> browser.findElement(By.id("live")).getText()
        .startsWith("live"));
    js("window.__sameDocument = true;");

    HttpResponse<String> sent = f.send("POST", "/api/v1/events", PAYMENTS_KEY, """
        {"source":"db-1","type":"disk","severity":"critical","dedup_key":"disk-db-1",
         "summary":"disk full on db-1"}""", Map.of());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);

    eventually().untilAsserted(() -> assertThat(
        browser.findElements(By.cssSelector("#incidents tbody tr[data-id]"))).hasSize(1));
    eventually().untilAsserted(() -> assertThat(browser.findElement(
        By.cssSelector("#incidents tbody tr[data-id]")).getText())
        .contains("disk full on db-1", "triggered", "payments"));
    assertThat(js("return window.__sameDocument === true")).as("no reload").isEqualTo(true);
    String id = eventually().until(() -> browser.findElement(
        By.cssSelector("#incidents tbody tr[data-id]")).getAttribute("data-id"), v -> v != null);

    press("j");
    eventually().untilAsserted(() -> assertThat(browser.findElement(
        By.cssSelector("tr[data-id='" + id + "']")).getAttribute("class")).contains("selected"));
    press("a");
    eventually().untilAsserted(() -> assertThat(browser.findElement(
        By.cssSelector("tr[data-id='" + id + "'] .badge")).getText()).isEqualTo("acknowledged"));

    press("j");
    press("\n");
    eventually().until(() -> browser.getCurrentUrl().endsWith("/incidents/" + id));
    assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("acknowledged");
    List<String> timeline = browser.findElements(By.cssSelector("#timeline tbody tr")).stream()
        .map(WebElement::getText).toList();
    assertThat(timeline).anyMatch(t -> t.contains("user:dave")
        && t.contains("incident.acknowledged"));

    // r resolves the incident the page shows
    press("r");
    eventually().untilAsserted(() ->
        assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("resolved"));
  }

  @Test
  void shortcutsAreIgnoredWhileTypingAndQuestionMarkShowsThem() throws Exception {
    long id = f.paymentsIncident("typing");
    logIn();
    browser.get(f.server.url("/incidents/" + id));
    WebElement note = browser.findElement(By.id("note-text"));
    note.sendKeys("a and r are letters here");
    assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("triggered");
    note.submit();
    eventually().untilAsserted(() -> assertThat(
        browser.findElement(By.id("timeline")).getText()).contains("a and r are letters here"));
    assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("triggered");

    browser.findElement(By.tagName("h1")).click();
    press("?");
    eventually().until(() -> browser.findElement(By.id("help")).isDisplayed());
    assertThat(browser.findElement(By.id("help")).getText()).contains("acknowledge");
  }
}
