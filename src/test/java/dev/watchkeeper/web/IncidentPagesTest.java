package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.PASSWORD;
import static dev.watchkeeper.web.AccessFixture.PAYMENTS_KEY;
import static dev.watchkeeper.web.AccessFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident pages over real HTTP: who sees what (the same rules as the API), the login
 * redirect, forms that need the CSRF token and answer 303, escaping of sender text, bad input as
 * a 4xx page with a sentence, the assets' caching, and the live stream.
 */
class IncidentPagesTest {
  @TempDir Path dir;
  AccessFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new AccessFixture(dir, "secure_cookies: false");
    f.login("vera", "{\"payments-team\":\"viewer\"}");
    f.login("dave", "{\"payments-team\":\"responder\"}");
    f.login("bart", "{\"batch-team\":\"admin\"}");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** Logs in through the form, like a browser; returns the session cookie. */
  String formLogin(String name) throws Exception {
    HttpResponse<String> r = f.send("POST", "/login", null,
        "name=" + name + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
            + "&next=%2Fincidents",
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).contains("/incidents");
    return AccessFixture.sessionCookie(r);
  }

  HttpResponse<String> page(String path, String cookie) throws Exception {
    return f.send("GET", path, null, null, cookie == null ? Map.of() : Map.of("Cookie", cookie));
  }

  HttpResponse<String> form(String path, String cookie, String body) throws Exception {
    return f.send("POST", path, null, body, Map.of("Cookie", cookie,
        "Content-Type", "application/x-www-form-urlencoded"));
  }

  static String csrfOf(String html) {
    Matcher m = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"").matcher(html);
    assertThat(m.find()).as("a CSRF field in the page").isTrue();
    return m.group(1);
  }

  long event(String body) throws Exception {
    HttpResponse<String> r = f.send("POST", "/api/v1/events", PAYMENTS_KEY, body, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    long[] id = new long[1];
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      var list = json(f.server.get("/api/v1/incidents?service=payments", AccessFixture.ADMIN))
          .get("incidents");
      assertThat(list).isNotEmpty();
      id[0] = list.get(0).get("id").asLong();
    });
    return id[0];
  }

  @Test
  void aViewerSeesTheListAndTheIncidentPage() throws Exception {
    long id = f.paymentsIncident("k1");
    String vera = formLogin("vera");
    HttpResponse<String> list = page("/incidents", vera);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/html"));
    assertThat(list.body()).contains("checkout failing", "href=\"/incidents/" + id + "\"",
        "vera", "action=\"/logout\"");
    HttpResponse<String> one = page("/incidents/" + id, vera);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).contains("checkout failing", "triggered", "Timeline", "payments");
    // a viewer gets no buttons
    assertThat(one.body()).doesNotContain("/acknowledge\"");
  }

  @Test
  void theRootAndAnonymousPageRequestsGoToTheLoginForm() throws Exception {
    HttpResponse<String> root = page("/", null);
    assertThat(root.statusCode()).isEqualTo(303);
    assertThat(root.headers().firstValue("Location")).contains("/incidents");
    HttpResponse<String> r = page("/incidents?state=triggered", null);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location"))
        .contains("/login?next=%2Fincidents%3Fstate%3Dtriggered");
    HttpResponse<String> login = page(r.headers().firstValue("Location").orElseThrow(), null);
    assertThat(login.body()).contains("value=\"/incidents?state=triggered\"");
    // an ended session is sent to the login form too
    assertThat(page("/incidents", "wk_session=ended").statusCode()).isEqualTo(303);
  }

  @Test
  void anotherTeamNeitherListsNorOpensTheIncident() throws Exception {
    long id = f.paymentsIncident("k1");
    String bart = formLogin("bart");
    HttpResponse<String> one = page("/incidents/" + id, bart);
    assertThat(one.statusCode()).isEqualTo(403);
    assertThat(one.body()).contains("user:bart has admin on batch-team");
    HttpResponse<String> list = page("/incidents", bart);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).doesNotContain("checkout failing").contains("No incidents match");
    assertThat(page("/incidents?service=payments", bart).statusCode()).isEqualTo(403);
  }

  @Test
  void aResponderAcknowledgesWithTheFormAndIsSentBack() throws Exception {
    long id = f.paymentsIncident("k1");
    String dave = formLogin("dave");
    String html = page("/incidents/" + id, dave).body();
    String csrf = csrfOf(html);

    HttpResponse<String> noToken = form("/incidents/" + id + "/acknowledge", dave, "");
    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(noToken.body()).contains("missing or wrong CSRF token");
    HttpResponse<String> wrong = form("/incidents/" + id + "/acknowledge", dave,
        "csrf_token=nope");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(page("/incidents/" + id, dave).body()).contains(">triggered<");

    HttpResponse<String> ok = form("/incidents/" + id + "/acknowledge", dave,
        "csrf_token=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8));
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).contains("/incidents/" + id);
    String after = page("/incidents/" + id, dave).body();
    assertThat(after).contains("id=\"state\">acknowledged<", "user:dave");

    // from the list, the form goes back to the list (and never to another site)
    HttpResponse<String> note = form("/incidents/" + id + "/notes", dave,
        "csrf_token=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8)
            + "&text=rolled+back&return=%2Fincidents%3Fstate%3Dacknowledged");
    assertThat(note.headers().firstValue("Location")).contains("/incidents?state=acknowledged");
    HttpResponse<String> evil = form("/incidents/" + id + "/notes", dave,
        "csrf_token=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8)
            + "&text=x&return=%2F%2Fevil.example%2Fincidents");
    assertThat(evil.headers().firstValue("Location")).contains("/incidents/" + id);
    assertThat(page("/incidents/" + id, dave).body()).contains("rolled back");

    // acknowledging again does not fit the state: 409 with the reason
    HttpResponse<String> again = form("/incidents/" + id + "/acknowledge", dave,
        "csrf_token=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("Not possible now");
  }

  @Test
  void badInputIsA4xxPageSayingWhatIsWrong() throws Exception {
    long id = f.paymentsIncident("k1");
    String dave = formLogin("dave");
    String csrf = URLEncoder.encode(csrfOf(page("/incidents/" + id, dave).body()),
        StandardCharsets.UTF_8);
    assertThat(page("/incidents?state=open", dave).body())
        .contains("state: must be triggered, acknowledged or resolved");
    assertThat(page("/incidents?state=open", dave).statusCode()).isEqualTo(400);
    assertThat(page("/incidents?severity=loud", dave).statusCode()).isEqualTo(400);
    assertThat(page("/incidents?priority=P9", dave).statusCode()).isEqualTo(400);
    assertThat(page("/incidents?cursor=zzz", dave).body()).contains("cursor: not a cursor");
    assertThat(page("/incidents/nosuch", dave).statusCode()).isEqualTo(404);
    assertThat(page("/incidents/999999", dave).body()).contains("no incident with id 999999");
    String base = "/incidents/" + id;
    assertThat(form(base + "/snooze", dave, "csrf_token=" + csrf).body())
        .contains("snooze: give a length (for) or an end time (until)");
    assertThat(form(base + "/snooze", dave, "csrf_token=" + csrf + "&for=3y").body())
        .contains("for: must be one of 30m, 1h");
    HttpResponse<String> until = form(base + "/snooze", dave,
        "csrf_token=" + csrf + "&until=tomorrow");
    assertThat(until.statusCode()).isEqualTo(400);
    assertThat(until.body()).contains("until: not a time like 2026-11-23T12:00:00Z");
    assertThat(form(base + "/snooze", dave, "csrf_token=" + csrf
        + "&until=2000-01-01T00:00:00Z").body()).contains("until: must be in the future");
    assertThat(form(base + "/reassign", dave, "csrf_token=" + csrf + "&assignee=+").body())
        .contains("assignee: required");
    assertThat(form(base + "/notes", dave, "csrf_token=" + csrf + "&text="
        + "x".repeat(10_001)).body()).contains("text: longer than 10000 characters");
    HttpResponse<String> early = form(base + "/snooze", dave, "csrf_token=" + csrf + "&for=1h");
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(early.body()).contains("only an acknowledged incident can be snoozed");
    form(base + "/acknowledge", dave, "csrf_token=" + csrf);
    HttpResponse<String> snoozed = form(base + "/snooze", dave, "csrf_token=" + csrf
        + "&for=1h");
    assertThat(snoozed.statusCode()).isEqualTo(303);
    assertThat(page(base, dave).body()).contains("snoozed until");
    HttpResponse<String> reassigned = form(base + "/reassign", dave, "csrf_token=" + csrf
        + "&assignee=carol");
    assertThat(reassigned.statusCode()).isEqualTo(303);
    assertThat(page("/incidents", dave).body()).contains("<td>carol</td>");
  }

  @Test
  void senderTextIsEscapedAndOnlyHttpLinksBecomeLinks() throws Exception {
    HttpResponse<String> r = f.send("POST", "/api/v2/alerts", PAYMENTS_KEY, """
        [{"labels":{"alertname":"X<b>bold</b>","job":"\\"><script>alert(1)</script>"},
          "annotations":{"summary":"<img src=x onerror=alert(1)>","runbook":"javascript:alert(1)",
                         "docs":"https://example.com/run?a=1&b=2"},
          "generatorURL":"javascript:alert(document.cookie)"}]""", Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    long id = event("{\"source\":\"x\",\"type\":\"y\",\"severity\":\"critical\","
        + "\"summary\":\"</td><script>alert(2)</script>\",\"dedup_key\":\"other\"}");
    String dave = formLogin("dave");
    String list = page("/incidents", dave).body();
    assertThat(list).doesNotContain("<script>alert", "<img src=x")
        .contains("&lt;img src=x onerror=alert(1)&gt;");
    String html = page("/incidents/" + id, dave).body();
    assertThat(html).doesNotContain("<script>alert", "<img src=x", "<b>bold</b>",
        "href=\"javascript:");
    assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;",
        "X&lt;b&gt;bold&lt;/b&gt;", "javascript:alert(document.cookie)",
        "href=\"https://example.com/run?a=1&amp;b=2\" rel=\"noopener noreferrer nofollow\"",
        "&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
  }

  @Test
  void pagesAllowNoInlineScriptAndAssetsAreCachedForAYear() throws Exception {
    f.paymentsIncident("k1");
    String vera = formLogin("vera");
    HttpResponse<String> list = page("/incidents", vera);
    String csp = list.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("script-src 'self'", "default-src 'self'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(list.body()).doesNotContain("style=\"", "onclick", "<script>");
    Matcher m = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(list.body());
    int assets = 0;
    while (m.find()) {
      assets++;
      HttpResponse<String> a = page(m.group(1), null);
      assertThat(a.statusCode()).as(m.group(1)).isEqualTo(200);
      assertThat(a.headers().firstValue("Cache-Control"))
          .contains("public, max-age=31536000, immutable");
    }
    assertThat(assets).isEqualTo(3);
    assertThat(page("/assets/app-000000000000.js", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theStreamTellsAViewerWhenIncidentsChange() throws Exception {
    String vera = formLogin("vera");
    // as app.js does: the stream starts where the page was made (data-since), so a change
    // committed while the stream is being set up is not missed
    Matcher since = Pattern.compile("data-since=\"(\\d+)\"")
        .matcher(page("/incidents", vera).body());
    assertThat(since.find()).as("the list page names where its stream starts").isTrue();
    HttpRequest req = HttpRequest.newBuilder(URI.create(
            f.server.url("/incidents/stream?since=" + since.group(1))))
        .header("Cookie", vera).header("Accept", "text/event-stream").GET().build();
    HttpResponse<InputStream> r = f.server.http.send(req,
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/event-stream"));
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        // closed by the test
      }
    });
    reader.setDaemon(true);
    reader.start();
    long id = f.paymentsIncident("live");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(lines).contains("event: changed").anyMatch(
            // its id, or "*" (refresh all) when it came while the stream was being set up
            l -> l.startsWith("data: ") && (l.contains(Long.toString(id)) || l.equals("data: *"))));
    r.body().close();
  }

  @Test
  void theStreamRefusesABadSince() throws Exception {
    String vera = formLogin("vera");
    HttpResponse<String> r = page("/incidents/stream?since=x", vera);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("since: not a whole number");
  }
}
