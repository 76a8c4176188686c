package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.ADMIN;
import static dev.watchkeeper.web.AccessFixture.json;
import static dev.watchkeeper.web.PageClient.assertSeeOther;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-call pages over real HTTP: who is on call, a schedule's week, overrides by form. */
class OncallPagesTest {
  @TempDir Path dir;
  AccessFixture f;
  PageClient browser;

  @BeforeEach
  void start() throws Exception {
    // The fixture's schedule "pay" (Berlin, daily carol/erin) is paged by payments-team's ledger.
    f = new AccessFixture(dir, "secure_cookies: false");
    browser = new PageClient(f);
    f.login("vera", "{\"payments-team\":\"viewer\"}");
    f.login("dave", "{\"payments-team\":\"responder\"}");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  JsonNode overridesViaApi() throws Exception {
    return json(f.server.get("/api/v1/schedules/pay/overrides", ADMIN)).get("overrides");
  }

  static String local(LocalDateTime t) {
    return t.truncatedTo(ChronoUnit.MINUTES).toString();
  }

  @Test
  void aViewerSeesWhoIsOnCallAndTheWeekWithoutForms() throws Exception {
    String vera = browser.login("vera");
    HttpResponse<String> now = browser.get("/oncall", vera);
    assertThat(now.statusCode()).isEqualTo(200);
    assertThat(now.body()).contains("href=\"/oncall/pay\"", "&lt;b&gt;Pay&lt;/b&gt; rota",
        "Times in UTC").containsAnyOf("<strong>carol</strong>", "<strong>erin</strong>")
        .doesNotContain("<b>Pay</b>");
    HttpResponse<String> week = browser.get("/oncall/pay?tz=Europe/Berlin&week=2026-11-25",
        vera);
    assertThat(week.statusCode()).isEqualTo(200);
    assertThat(week.body()).contains("Week of Mon 23 Nov – Sun 29 Nov",
        "Times in Europe/Berlin", "09:00–…", "…–09:00",
        "href=\"/oncall/pay?tz=Europe%2FBerlin&amp;week=2026-11-16\"",
        "href=\"/oncall/pay?tz=Europe%2FBerlin&amp;week=2026-11-30\"")
        .doesNotContain("Create override", "/remove\"");
    // in UTC the handover is at 08:00 in winter
    assertThat(browser.get("/oncall/pay?tz=UTC&week=2026-11-25", vera).body())
        .contains("08:00–…");
  }

  @Test
  void anonymousGoesToTheLoginFormAndAViewerMayNotAddOverrides() throws Exception {
    assertSeeOther(browser.get("/oncall/pay", null), "/login?next=%2Foncall%2Fpay");
    assertSeeOther(browser.get("/oncall", null), "/login?next=%2Foncall");
    String vera = browser.login("vera");
    String start = local(LocalDateTime.now(ZoneOffset.UTC).plusDays(1));
    HttpResponse<String> r = browser.submit("/oncall", "/oncall/pay/overrides", vera,
        "user", "erin", "role", "primary", "start", start, "end", start, "tz", "UTC");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("this needs responder");
    assertThat(overridesViaApi()).isEmpty();
  }

  @Test
  void aResponderAddsAndRemovesAnOverrideWithTheForms() throws Exception {
    String dave = browser.login("dave");
    String page = browser.get("/oncall/pay?tz=UTC", dave).body();
    assertThat(page).contains("Create override", "<option value=\"erin\">");
    LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC).plusDays(1);
    HttpResponse<String> noToken = browser.post("/oncall/pay/overrides", dave, Map.of(
        "user", "erin", "role", "primary", "start", local(t), "end", local(t.plusHours(2))));
    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(overridesViaApi()).isEmpty();

    HttpResponse<String> ok = browser.submit("/oncall/pay", "/oncall/pay/overrides", dave,
        "user", "erin", "role", "primary", "start", local(t), "end", local(t.plusHours(2)),
        "tz", "UTC");
    assertSeeOther(ok, "/oncall/pay?tz=UTC");
    JsonNode o = overridesViaApi().get(0);
    assertThat(o.get("user").asText()).isEqualTo("erin");
    assertThat(o.get("role").asText()).isEqualTo("primary");
    assertThat(o.get("created_by").asText()).isEqualTo("user:dave");
    assertThat(o.get("start").asText()).isEqualTo(t.truncatedTo(ChronoUnit.MINUTES)
        .toInstant(ZoneOffset.UTC).toString());
    String id = o.get("id").asText();
    assertThat(browser.get("/oncall/pay?tz=UTC", dave).body())
        .contains("id=\"override-" + id + "\"", "user:dave");

    HttpResponse<String> removed = browser.submit("/oncall/pay",
        "/oncall/pay/overrides/" + id + "/remove", dave, "tz", "UTC");
    assertSeeOther(removed, "/oncall/pay?tz=UTC");
    assertThat(overridesViaApi()).isEmpty();
    assertThat(browser.submit("/oncall/pay", "/oncall/pay/overrides/" + id + "/remove", dave)
        .statusCode()).isEqualTo(404);
  }

  @Test
  void badInputIsA4xxPageSayingWhatIsWrong() throws Exception {
    String dave = browser.login("dave");
    String t = local(LocalDateTime.now(ZoneOffset.UTC).plusDays(1));
    String later = local(LocalDateTime.now(ZoneOffset.UTC).plusDays(2));
    Map<String, String> cases = Map.of(
        "role: must be primary, secondary or shadow, got \"boss\"",
        "user|erin|role|boss|start|" + t + "|end|" + later,
        "start: not a time like", "user|erin|role|primary|start|tomorrow|end|" + later,
        "end: required, an RFC 3339 time", "user|erin|role|primary|start|" + t,
        "user: required, the id of the user who takes over",
        "role|primary|start|" + t + "|end|" + later,
        "cover: required, the id of the user to cover for",
        "user|erin|role|cover|start|" + t + "|end|" + later,
        "tz: unknown time zone \"Mars/Base\"",
        "user|erin|role|primary|start|" + t + "|end|" + later + "|tz|Mars/Base");
    for (var c : cases.entrySet()) {
      HttpResponse<String> r = browser.submit("/oncall", "/oncall/pay/overrides", dave,
          c.getValue().split("\\|", -1));
      assertThat(r.statusCode()).as(c.getValue()).isEqualTo(400);
      assertThat(r.body()).as(c.getValue()).contains(c.getKey());
    }
    HttpResponse<String> backwards = browser.submit("/oncall", "/oncall/pay/overrides", dave,
        "user", "erin", "role", "primary", "start", later, "end", t);
    assertThat(backwards.statusCode()).isEqualTo(400);
    HttpResponse<String> unknown = browser.submit("/oncall", "/oncall/pay/overrides", dave,
        "user", "nobody<script>", "role", "primary", "start", t, "end", later);
    assertThat(unknown.statusCode()).isEqualTo(422);
    assertThat(unknown.body()).contains("nobody&lt;script&gt;").doesNotContain("nobody<script>");
    assertThat(browser.get("/oncall/pay?week=soon", dave).body())
        .contains("week: not a date like 2026-11-23");
    assertThat(browser.get("/oncall/nosuch", dave).statusCode()).isEqualTo(404);
    assertThat(overridesViaApi()).isEmpty();
  }
}
