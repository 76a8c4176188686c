package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.ADMIN;
import static dev.watchkeeper.web.AccessFixture.json;
import static dev.watchkeeper.web.PageClient.assertSeeOther;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks pages over real HTTP: state, last ping, pings escaped, pause and resume. */
class CheckPagesTest {
  @TempDir Path dir;
  AccessFixture f;
  PageClient browser;
  String check;

  @BeforeEach
  void start() throws Exception {
    f = new AccessFixture(dir, "secure_cookies: false");
    browser = new PageClient(f);
    f.login("vera", "{\"payments-team\":\"viewer\"}");
    f.login("dave", "{\"payments-team\":\"responder\"}");
    f.login("bart", "{\"batch-team\":\"admin\"}");
    check = json(f.send("POST", "/api/v1/checks", ADMIN, "{\"service\":\"payments\","
        + "\"name\":\"Nightly <i>backup</i>\",\"slug\":\"nightly\",\"period\":\"1h\","
        + "\"grace\":\"5m\"}", Map.of())).get("id").asText();
    HttpResponse<String> ping = f.send("POST", "/ping/" + check + "/fail", null,
        "disk full </pre><script>alert(1)</script>", Map.of("Content-Type", "text/plain",
            "User-Agent", "cron<b>job</b>"));
    assertThat(ping.statusCode()).as(ping.body()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  String stateViaApi() throws Exception {
    return json(f.server.get("/api/v1/checks/" + check, ADMIN)).get("status").asText();
  }

  @Test
  void aViewerSeesTheListAndTheCheckWithItsPingsEscaped() throws Exception {
    String vera = browser.login("vera");
    HttpResponse<String> list = browser.get("/checks", vera);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("href=\"/checks/" + check + "\"",
        "Nightly &lt;i&gt;backup&lt;/i&gt;", "every 1h", "5m", "badge down")
        .doesNotContain("<i>backup</i>");
    HttpResponse<String> one = browser.get("/checks/" + check, vera);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).contains(">down<", "fail", "127.0.0.1",
        "cron&lt;b&gt;job&lt;/b&gt;",
        "<pre class=\"body\">disk full &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>")
        .doesNotContain("<script>alert", "/pause\"");
    assertThat(browser.get("/checks?status=up", vera).body()).contains("No checks match");
    assertThat(browser.get("/checks?status=sideways", vera).body())
        .contains("status: must be new, up, late, down or paused");
    assertThat(browser.get("/checks/nosuch", vera).statusCode()).isEqualTo(404);
  }

  @Test
  void anonymousGoesToLoginAndAnotherTeamSeesNothing() throws Exception {
    assertSeeOther(browser.get("/checks", null), "/login?next=%2Fchecks");
    String bart = browser.login("bart");
    assertThat(browser.get("/checks", bart).body()).doesNotContain("Nightly");
    assertThat(browser.get("/checks/" + check, bart).statusCode()).isEqualTo(403);
    assertThat(browser.submit("/checks", "/checks/" + check + "/pause", bart).statusCode())
        .isEqualTo(403);
    assertThat(stateViaApi()).isEqualTo("down");
  }

  @Test
  void aResponderPausesAndResumesWithTheForms() throws Exception {
    String dave = browser.login("dave");
    String page = "/checks/" + check;
    assertThat(browser.get(page, dave).body()).contains("action=\"" + page + "/pause\"");
    assertThat(browser.post(page + "/pause", dave, Map.of()).statusCode()).isEqualTo(403);
    assertThat(stateViaApi()).isEqualTo("down");
    assertSeeOther(browser.submit(page, page + "/pause", dave), page);
    assertThat(stateViaApi()).isEqualTo("paused");
    assertThat(browser.get(page, dave).body()).contains("action=\"" + page + "/resume\"");
    assertSeeOther(browser.submit(page, page + "/resume", dave), page);
    assertThat(stateViaApi()).isNotEqualTo("paused");
  }
}
