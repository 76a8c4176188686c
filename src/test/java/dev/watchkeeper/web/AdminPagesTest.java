package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.ADMIN;
import static dev.watchkeeper.web.AccessFixture.json;
import static dev.watchkeeper.web.PageClient.assertSeeOther;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The services, dead-letters and audit pages over real HTTP. */
class AdminPagesTest {
  @TempDir Path dir;
  AccessFixture f;
  PageClient browser;

  @BeforeEach
  void start() throws Exception {
    f = new AccessFixture(dir, "secure_cookies: false");
    browser = new PageClient(f);
    f.login("vera", "{\"payments-team\":\"viewer\"}");
    f.login("dave", "{\"payments-team\":\"responder\"}");
    f.login("bart", "{\"batch-team\":\"admin\"}");
    f.login("root", "{\"*\":\"admin\"}");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void servicesShowTeamPolicyKeyNamesAndOpenIncidentsOfTheViewersTeams() throws Exception {
    f.paymentsIncident("s1");
    String vera = browser.login("vera");
    HttpResponse<String> r = browser.get("/services", vera);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("id=\"service-payments\"", "payments-team",
        "<code>prometheus</code>", "href=\"/incidents?service=payments\">1 open<")
        .doesNotContain("service-batch", TestServer.PAYMENTS_KEY);
    String bart = browser.login("bart");
    assertThat(browser.get("/services", bart).body()).contains("id=\"service-batch\"",
        "<code>cron</code>", ">0 open<", "none (nobody is paged)")
        .doesNotContain("service-payments");
    assertSeeOther(browser.get("/services", null), "/login?next=%2Fservices");
  }

  JsonNode deadViaApi() throws Exception {
    return json(f.server.get("/api/v1/notifications?state=dead", ADMIN)).get("notifications");
  }

  @Test
  void deadLettersAreListedForTheTeamAndRetriedWithTheForm() throws Exception {
    long incident = f.paymentsIncident("d1");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deadViaApi())
        .isNotEmpty());
    long id = deadViaApi().get(0).get("id").asLong();
    String vera = browser.login("vera");
    HttpResponse<String> page = browser.get("/dead-letters", vera);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("id=\"notification-" + id + "\"",
        "href=\"/incidents/" + incident + "\"", "carol", "email")
        .doesNotContain("carol@example.com", "/retry\"");
    assertThat(browser.submit("/dead-letters", "/dead-letters/" + id + "/retry", vera)
        .statusCode()).isEqualTo(403);

    String bart = browser.login("bart");
    assertThat(browser.get("/dead-letters", bart).body()).contains("No dead letters")
        .doesNotContain("notification-" + id);
    assertThat(browser.submit("/dead-letters", "/dead-letters/" + id + "/retry", bart)
        .statusCode()).isEqualTo(403);
    // the API narrows the same way
    assertThat(json(f.send("GET", "/api/v1/notifications?state=dead",
        f.token("batch-viewer", "batch-team", "viewer"), null, Map.of()))
        .get("notifications")).isEmpty();

    String dave = browser.login("dave");
    assertThat(browser.get("/dead-letters", dave).body())
        .contains("action=\"/dead-letters/" + id + "/retry\"");
    assertThat(browser.post("/dead-letters/" + id + "/retry", dave, Map.of()).statusCode())
        .isEqualTo(403);
    assertSeeOther(browser.submit("/dead-letters", "/dead-letters/" + id + "/retry", dave),
        "/dead-letters");
    JsonNode after = json(f.server.get("/api/v1/notifications", ADMIN)).get("notifications");
    boolean retried = false;
    for (JsonNode n : after) {
      retried |= n.get("id").asLong() == id && !n.get("state").asText().equals("dead")
          || n.get("id").asLong() == id && n.get("attempts").asInt() <= 1;
    }
    assertThat(retried).isTrue();
    HttpResponse<String> bad = browser.submit("/dead-letters", "/dead-letters/x/retry", dave);
    assertThat(bad.statusCode()).isEqualTo(404);
    assertThat(bad.body()).contains("no notification with id x");
  }

  @Test
  void theAuditLogIsForAdminsOfEveryTeamWithFiltersAndPaging() throws Exception {
    for (int i = 0; i < 55; i++) {
      f.token("t" + i, "payments-team", "viewer");
    }
    String root = browser.login("root");
    HttpResponse<String> r = browser.get("/audit?action=token.*", root);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("token:alice", "token.create", "rel=\"next\"")
        .contains("<pre class=\"body\">");
    String next = r.body().replaceAll("(?s).*href=\"(/audit\\?cursor=[^\"]+)\" rel=\"next\".*",
        "$1").replace("&amp;", "&");
    assertThat(next).contains("action=token.*");
    HttpResponse<String> older = browser.get(next, root);
    assertThat(older.statusCode()).isEqualTo(200);
    assertThat(older.body()).contains("token.create", "Newest").doesNotContain("rel=\"next\"");
    assertThat(browser.get("/audit?cursor=zzz", root).body()).contains("cursor: not a cursor");
    assertThat(browser.get("/audit?actor=%3Cscript%3E", root).body())
        .contains("value=\"&lt;script").doesNotContain("value=\"<script>");

    assertThat(browser.get("/audit", browser.login("bart")).statusCode()).isEqualTo(403);
    String dave = browser.login("dave");
    assertThat(browser.get("/audit", dave).statusCode()).isEqualTo(403);
    // Only admins of every team are shown the way there.
    assertThat(browser.get("/incidents", dave).body()).doesNotContain("href=\"/audit\"");
    assertThat(browser.get("/incidents", root).body()).contains("href=\"/audit\"");
    assertSeeOther(browser.get("/audit", null), "/login?next=%2Faudit");
  }
}
