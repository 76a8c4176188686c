package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.ADMIN;
import static dev.watchkeeper.web.AccessFixture.json;
import static dev.watchkeeper.web.PageClient.assertSeeOther;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The silences page over real HTTP: the same silences and team rules as the Alertmanager API. */
class SilencePagesTest {
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
  }

  @AfterEach
  void stop() {
    f.close();
  }

  JsonNode silencesViaApi() throws Exception {
    return json(f.server.get("/api/v2/silences", ADMIN));
  }

  @Test
  void aResponderCreatesASilenceWithTheFormAndItIsInTheApi() throws Exception {
    String dave = browser.login("dave");
    HttpResponse<String> page = browser.get("/silences", dave);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("New silence", "<option value=\"payments-team\">");

    HttpResponse<String> created = browser.submit("/silences", "/silences", dave,
        "matchers", "alertname=\"DiskFull\"\r\n\r\njob=~\"node.*\", env!=\"dev\"",
        "comment", "disk swap <script>alert(1)</script>", "for", "2h",
        "team", "payments-team", "expire_when_resolved", "1");
    assertSeeOther(created, "/silences");

    JsonNode all = silencesViaApi();
    assertThat(all).hasSize(1);
    JsonNode s = all.get(0);
    assertThat(s.get("createdBy").asText()).isEqualTo("dave");
    assertThat(s.get("team").asText()).isEqualTo("payments-team");
    assertThat(s.get("expireWhenResolved").asBoolean()).isTrue();
    assertThat(s.get("status").get("state").asText()).isEqualTo("active");
    assertThat(s.get("matchers")).hasSize(3);

    String html = browser.get("/silences", dave).body();
    assertThat(html).contains("<code>alertname=\"DiskFull\"</code>", "<code>job=~\"node.*\"</code>",
        "disk swap &lt;script&gt;alert(1)&lt;/script&gt;", "Active (1)",
        "action=\"/silences/" + s.get("id").asText() + "/expire\"")
        .doesNotContain("<script>alert");

    HttpResponse<String> expired = browser.submit("/silences",
        "/silences/" + s.get("id").asText() + "/expire", dave);
    assertSeeOther(expired, "/silences");
    assertThat(silencesViaApi().get(0).get("status").get("state").asText())
        .isEqualTo("expired");
    assertThat(browser.get("/silences", dave).body()).contains("Expired (1)", "Active (0)");
  }

  @Test
  void aViewerSeesTheTeamsSilencesWithoutFormsAndAnotherTeamSeesNothing() throws Exception {
    HttpResponse<String> made = f.send("POST", "/api/v2/silences", ADMIN, """
        {"matchers":[{"name":"alertname","value":"PaymentsDown","isRegex":false}],
         "endsAt":"%s","createdBy":"ops","comment":"maintenance","team":"payments-team"}"""
        .formatted(java.time.Instant.now().plusSeconds(3600)), Map.of());
    assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
    String id = silencesViaApi().get(0).get("id").asText();
    String vera = browser.login("vera");
    String html = browser.get("/silences", vera).body();
    assertThat(html).contains("PaymentsDown", "maintenance", "payments-team")
        .doesNotContain("New silence", "/expire\"");

    String bart = browser.login("bart");
    HttpResponse<String> other = browser.get("/silences", bart);
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).doesNotContain("PaymentsDown", "maintenance");
    HttpResponse<String> expire = browser.submit("/silences", "/silences/" + id + "/expire",
        bart);
    assertThat(expire.statusCode()).isEqualTo(404);
    HttpResponse<String> forPayments = browser.submit("/silences", "/silences", bart,
        "matchers", "alertname=\"X\"", "comment", "c", "for", "1h", "team", "payments-team");
    assertThat(forPayments.statusCode()).isEqualTo(403);
    assertThat(forPayments.body()).contains("this needs responder on team");
    assertThat(silencesViaApi()).hasSize(1);
    assertThat(silencesViaApi().get(0).get("status").get("state").asText()).isEqualTo("active");
  }

  @Test
  void anonymousGoesToTheLoginFormAndFormsNeedTheCsrfToken() throws Exception {
    HttpResponse<String> anon = browser.get("/silences", null);
    assertSeeOther(anon, "/login?next=%2Fsilences");
    String dave = browser.login("dave");
    HttpResponse<String> noToken = browser.post("/silences", dave, Map.of(
        "matchers", "alertname=\"X\"", "comment", "c", "for", "1h"));
    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(noToken.body()).contains("missing or wrong CSRF token");
    assertThat(silencesViaApi()).isEmpty();
  }

  @Test
  void badInputIsA400PageSayingWhatIsWrong() throws Exception {
    String dave = browser.login("dave");
    Map<String, String> cases = Map.of(
        "matchers: line 2: bad matcher format: =x: expected a label name at position 0",
        "matchers|a=\"b\"\n=x|comment|c|for|1h",
        "comment: required", "matchers|a=\"b\"|comment| |for|1h",
        "ends: required, or a length (for) like 2h", "matchers|a=\"b\"|comment|c",
        "for: not a length like 30m, 2h, 1d or 1w", "matchers|a=\"b\"|comment|c|for|soon",
        "ends: not a time like", "matchers|a=\"b\"|comment|c|ends|tomorrow",
        "invalid silence: endsAt: start time must be before end time",
        "matchers|a=\"b\"|comment|c|ends|2001-01-01T00:00",
        "at most 7d is allowed (silences.max_duration)",
        "matchers|a=\"b\"|comment|c|for|2w",
        "invalid silence: matchers: at least one matcher must not match the empty string",
        "matchers|a=~\".*\"|comment|c|for|1h",
        "team: no team \"nosuch\" in the config",
        "matchers|a=\"b\"|comment|c|for|1h|team|nosuch");
    for (var c : cases.entrySet()) {
      HttpResponse<String> r = browser.submit("/silences", "/silences", dave,
          c.getValue().split("\\|", -1));
      assertThat(r.statusCode()).as(c.getValue()).isEqualTo(400);
      assertThat(r.body()).as(c.getValue()).contains(c.getKey(), "Bad request");
    }
    assertThat(silencesViaApi()).isEmpty();
  }
}
