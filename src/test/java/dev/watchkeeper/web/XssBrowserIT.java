package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.ADMIN;
import static dev.watchkeeper.web.AccessFixture.PASSWORD;
import static dev.watchkeeper.web.AccessFixture.PAYMENTS_KEY;
import static dev.watchkeeper.web.AccessFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;

/**
 * Stored XSS through sender-supplied text (Alertmanager's CVE-2023-40577 came this way): a
 * corpus of payloads sent as alert labels, annotations, generatorURL, PagerDuty links, event
 * summaries, notes and assignees is rendered in real Chromium on the list (first arriving live,
 * then on a fresh load) and on the incident page. Every payload tries to run script (setting
 * {@code window.__xss} or the title); none may, every one must read literally, and no link may
 * lead anywhere but http(s).
 */
class XssBrowserIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(20);

  /**
   * Waits up to WAIT for a condition on the page. The live list replaces rows as updates arrive,
   * so an element found a moment ago can go stale before it is read: that is retried, not a failure.
   */
  static ConditionFactory eventually() {
    return await().atMost(WAIT).ignoreException(StaleElementReferenceException.class);
  }

  /** Markup payloads: shown as text, never parsed. */
  static final List<String> MARKUP = List.of(
      "<script>window.__xss=1</script>",
      "<img src=x onerror=\"window.__xss=2\">",
      "<svg onload=\"window.__xss=3\"></svg>",
      "<svg><script>window.__xss=4</script></svg>",
      "\"><script>window.__xss=5</script>",
      "'><img src=x onerror=window.__xss=6>",
      "</td></tr></table><script>window.__xss=7</script>",
      "</title><script>document.title='XSS8'</script>",
      "</textarea><script>window.__xss=9</script>",
      "&lt;script&gt;window.__xss=10&lt;/script&gt;",
      "&#60;img src=x onerror=window.__xss=11&#62;",
      "<iframe srcdoc=\"<script>parent.__xss=12</script>\"></iframe>",
      "<a href=\"javascript:window.__xss=13\">click</a>",
      "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=14>",
      "<div hx-get=\"/incidents\" hx-trigger=\"load\" hx-on::after-request=\"window.__xss=15\">x</div>",
      "{{constructor.constructor('window.__xss=16')()}}",
      "<body onload=window.__xss=17>",
      "<details open ontoggle=window.__xss=18>",
      "<object data=\"javascript:window.__xss=19\"></object>",
      "<base href=\"javascript:window.__xss=20//\">",
      "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=21\">",
      "<style>*{background:url('javascript:window.__xss=22')}</style>",
      "${7*7}<%= 7*7 %>#{7*7}");

  /** URL payloads: never an href. */
  static final List<String> URLS = List.of(
      "javascript:window.__xss=31",
      "JaVaScRiPt:window.__xss=32",
      " javascript:window.__xss=33",
      "java\tscript:window.__xss=34",
      "data:text/html,<script>window.__xss=35</script>",
      "vbscript:msgbox(36)",
      "https://example.com/\"onmouseover=\"window.__xss=37",
      "//evil.example/x");

  @TempDir Path dir;
  AccessFixture f;
  ChromeDriver browser;

  @BeforeEach
  void start() throws Exception {
    Chromium.assumeInstalled(); // each test reports the skip, with its reason
    f = new AccessFixture(dir, "secure_cookies: false");
    f.login("dave", "{\"payments-team\":\"responder\",\"batch-team\":\"viewer\"}");
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

  Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  @Test
  void noPayloadRunsAndEveryOneReadsLiterally() throws Exception {
    browser.get(f.server.url("/login?next=/incidents"));
    browser.findElement(By.name("name")).sendKeys("dave");
    browser.findElement(By.name("password")).sendKeys(PASSWORD);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    eventually().until(() -> browser.getCurrentUrl().endsWith("/incidents"));
    eventually().until(() -> browser.findElement(By.id("live")).getText()
        .startsWith("live"));

    // Alertmanager alerts: one per markup payload, in labels and annotations; URL payloads as
    // generatorURL and runbook links.
    ArrayNode am = JSON.createArrayNode();
    for (int i = 0; i < MARKUP.size(); i++) {
      ObjectNode a = am.addObject();
      a.putObject("labels").put("alertname", "xss").put("n", Integer.toString(i))
          .put("payload", MARKUP.get(i));
      a.putObject("annotations").put("summary", MARKUP.get(i))
          .put("runbook_url", URLS.get(i % URLS.size()));
      a.put("generatorURL", URLS.get(i % URLS.size()));
    }
    send("/api/v2/alerts", PAYMENTS_KEY, am.toString(), 200);
    // PagerDuty links with payload hrefs and texts
    ArrayNode links = JSON.createArrayNode();
    for (int i = 0; i < URLS.size(); i++) {
      links.addObject().put("href", URLS.get(i)).put("text", MARKUP.get(i));
    }
    ObjectNode pd = JSON.createObjectNode().put("routing_key", PAYMENTS_KEY)
        .put("event_action", "trigger").put("dedup_key", "pd-xss");
    pd.putObject("payload").put("summary", MARKUP.get(0)).put("source", MARKUP.get(1))
        .put("severity", "critical");
    pd.set("links", links);
    send("/v2/enqueue", null, pd.toString(), 202);
    // an incident of another service whose title is a payload
    send("/api/v1/events", TestServer.SLOW_KEY, JSON.createObjectNode().put("source", "cron")
        .put("type", "job").put("severity", "error").put("summary", MARKUP.get(6))
        .toString(), 202);

    long payments = incidentOf("payments");
    long batch = incidentOf("batch");
    // notes and an assignee from a responder
    for (String p : MARKUP) {
      send("/api/v1/incidents/" + payments + "/notes", ADMIN,
          JSON.createObjectNode().put("text", p).toString(), 200);
    }
    send("/api/v1/incidents/" + payments + "/reassign", ADMIN,
        JSON.createObjectNode().put("assignee", MARKUP.get(1)).toString(), 200);

    // the list, as refreshed live
    eventually().untilAsserted(() -> assertThat(browser.findElements(
        By.cssSelector("#incidents tbody tr[data-id]"))).hasSize(2));
    eventually().untilAsserted(() -> assertThat(
        browser.findElement(By.id("incidents")).getText()).contains(MARKUP.get(1)));
    assertSafe("list (live)", List.of(MARKUP.get(0), MARKUP.get(6), MARKUP.get(1)));

    browser.navigate().refresh();
    assertSafe("list", List.of(MARKUP.get(0), MARKUP.get(6), MARKUP.get(1)));

    browser.get(f.server.url("/incidents/" + payments));
    List<String> expected = new ArrayList<>(MARKUP);
    URLS.stream().filter(u -> !u.contains("\t") && !u.startsWith(" ")).forEach(expected::add);
    assertSafe("incident page", expected);
    // the page shows each URL payload as text, and no link at all goes outside http(s)
    assertThat(browser.findElements(By.cssSelector("#incident a[href]"))).allSatisfy(a ->
        assertThat(a.getAttribute("href")).matches("^https?://.*"));

    browser.get(f.server.url("/incidents/" + batch));
    assertSafe("batch incident page", List.of(MARKUP.get(6)));

    List<LogEntry> console = browser.manage().logs().get("browser").getAll();
    assertThat(console).as("no script was even attempted (CSP reports would show here)")
        .noneMatch(e -> e.getMessage().contains("Content Security Policy"));
  }

  private void assertSafe(String where, List<String> literally) {
    assertThat(js("return window.__xss === undefined")).as(where + ": a payload ran")
        .isEqualTo(true);
    assertThat(browser.getTitle()).as(where).doesNotContain("XSS");
    assertThat(js("return document.scripts.length")).as(where + ": only our two scripts")
        .isEqualTo(2L);
    assertThat(js("return Array.from(document.querySelectorAll('*')).filter(e =>"
        + " Array.from(e.attributes).some(a => a.name.startsWith('on'))).length"))
        .as(where + ": elements with event handler attributes").isEqualTo(0L);
    assertThat(js("return document.querySelectorAll('main iframe, main object, main embed,"
        + " main svg, main img, main math, main style, main base, main meta, main details,"
        + " [hx-get], [hx-on\\\\:\\\\:after-request]').length"))
        .as(where + ": elements made from payloads").isEqualTo(0L);
    String text = browser.findElement(By.tagName("main")).getText();
    for (String p : literally) {
      assertThat(text).as(where + ": shows the payload as text").contains(p);
    }
  }

  private void send(String path, String token, String body, int status) throws Exception {
    HttpResponse<String> r = f.send("POST", path, token, body, Map.of());
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(status);
  }

  private long incidentOf(String service) {
    long[] id = new long[1];
    eventually().untilAsserted(() -> {
      var list = json(f.server.get("/api/v1/incidents?service=" + service, ADMIN))
          .get("incidents");
      assertThat(list).isNotEmpty();
      id[0] = list.get(0).get("id").asLong();
    });
    return id[0];
  }
}
