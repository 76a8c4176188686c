package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.ADMIN;
import static dev.watchkeeper.web.AccessFixture.PASSWORD;
import static dev.watchkeeper.web.AccessFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchkeeper.access.Secrets;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logins, sessions, CSRF, API tokens, the audit log and security headers over real HTTP. */
class AccessApiTest {
  @TempDir Path dir;
  AccessFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new AccessFixture(dir);
    f.login("dave", "{\"payments-team\":\"responder\"}");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void loginSetsAHardenedCookieAndANewSessionIdEachTime() throws Exception {
    HttpResponse<String> r = f.send("POST", "/login", null,
        "{\"name\":\"dave\",\"password\":\"" + PASSWORD + "\"}", Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith("wk_session=").contains("; HttpOnly")
        .contains("; SameSite=Lax").contains("; Secure").contains("; Path=/");
    assertThat(json(r).get("roles").get("teams").get("payments-team").asText())
        .isEqualTo("responder");
    String first = AccessFixture.sessionCookie(r);

    // Logging in again (even presenting the old cookie) gives a new id and ends the old one.
    AccessFixture.Browser second = f.logIn("dave", PASSWORD, Map.of("Cookie", first));
    assertThat(second.cookie()).isNotEqualTo(first);
    assertThat(f.send("GET", "/api/v1/session", null, null, Map.of("Cookie", first))
        .statusCode()).isEqualTo(401);
    JsonNode me = json(f.send("GET", "/api/v1/session", null, null, second.cookieOnly()));
    assertThat(me.get("actor").asText()).isEqualTo("user:dave");
    assertThat(me.get("csrf_token").asText()).isEqualTo(second.csrf());
    // Only the SHA-256 of the session id is stored.
    String sid = second.cookie().substring("wk_session=".length());
    assertThat(column("SELECT id_sha256 FROM sessions")).contains(Secrets.sha256(sid))
        .doesNotContain(sid);
  }

  @Test
  void aChangeWithASessionCookieButNoCsrfTokenIsRefused() throws Exception {
    long incident = f.paymentsIncident("csrf");
    AccessFixture.Browser b = f.logIn("dave", PASSWORD, Map.of());
    String notes = "/api/v1/incidents/" + incident + "/notes";
    String note = "{\"text\":\"looking\"}";

    HttpResponse<String> none = f.send("POST", notes, null, note, b.cookieOnly());
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(json(none).get("error").asText()).isEqualTo("csrf");
    assertThat(json(none).get("message").asText()).contains("X-CSRF-Token");
    HttpResponse<String> wrong = f.send("POST", notes, null, note,
        Map.of("Cookie", b.cookie(), "X-CSRF-Token", "forged"));
    assertThat(wrong.statusCode()).isEqualTo(403);
    // Another session's token does not fit this session.
    AccessFixture.Browser other = f.logIn("dave", PASSWORD, Map.of());
    assertThat(f.send("POST", notes, null, note,
        Map.of("Cookie", b.cookie(), "X-CSRF-Token", other.csrf())).statusCode())
        .isEqualTo(403);
    // Reading needs no token; the change with the right one works and names the user.
    assertThat(f.send("GET", "/api/v1/incidents/" + incident, null, null, b.cookieOnly())
        .statusCode()).isEqualTo(200);
    HttpResponse<String> ok = f.send("POST", notes, null, note, b.headers());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(json(f.server.get("/api/v1/incidents/" + incident + "/timeline", ADMIN))
        .get("timeline").findValuesAsText("actor")).contains("user:dave");
    // A form post carries the token as a field.
    HttpResponse<String> logout = f.send("POST", "/logout", null,
        "csrf_token=" + b.csrf(), Map.of("Cookie", b.cookie(),
            "Content-Type", "application/x-www-form-urlencoded"));
    assertThat(logout.statusCode()).isEqualTo(303);
    assertThat(f.send("GET", "/api/v1/session", null, null, b.cookieOnly()).statusCode())
        .isEqualTo(401);
  }

  @Test
  void loginAttemptsAreRateLimitedPerAccount() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = f.send("POST", "/login", null,
          "{\"name\":\"dave\",\"password\":\"wrong password " + i + "\"}", Map.of());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(json(r).get("message").asText()).isEqualTo("wrong name or password");
    }
    HttpResponse<String> limited = f.send("POST", "/login", null,
        "{\"name\":\"dave\",\"password\":\"" + PASSWORD + "\"}", Map.of());
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(limited).get("message").asText()).contains("too many login attempts");
    // Another account is not affected by dave's limit.
    f.login("frank", "{}");
    f.logIn("frank", PASSWORD, Map.of());
  }

  @Test
  void changingThePasswordEndsEverySession() throws Exception {
    AccessFixture.Browser one = f.logIn("dave", PASSWORD, Map.of());
    AccessFixture.Browser two = f.logIn("dave", PASSWORD, Map.of());
    HttpResponse<String> bad = f.send("PUT", "/api/v1/users/dave/password", null,
        "{\"password\":\"a new long passphrase\",\"current_password\":\"nope\"}", one.headers());
    assertThat(bad.statusCode()).isEqualTo(403);
    HttpResponse<String> tooShort = f.send("PUT", "/api/v1/users/dave/password", null,
        "{\"password\":\"short\",\"current_password\":\"" + PASSWORD + "\"}", one.headers());
    assertThat(tooShort.statusCode()).isEqualTo(400);
    assertThat(json(tooShort).get("message").asText())
        .isEqualTo("password: must be at least 12 characters, got 5");
    HttpResponse<String> changed = f.send("PUT", "/api/v1/users/dave/password", null,
        "{\"password\":\"a new long passphrase\",\"current_password\":\"" + PASSWORD + "\"}",
        one.headers());
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    for (AccessFixture.Browser b : List.of(one, two)) {
      assertThat(f.send("GET", "/api/v1/session", null, null, b.cookieOnly()).statusCode())
          .isEqualTo(401);
    }
    assertThat(f.send("POST", "/login", null,
        "{\"name\":\"dave\",\"password\":\"" + PASSWORD + "\"}", Map.of()).statusCode())
        .isEqualTo(401);
    f.logIn("dave", "a new long passphrase", Map.of());
  }

  @Test
  void aTokenIsShownOnceStoredHashedScopedAndRevocable() throws Exception {
    HttpResponse<String> created = f.tokenCreated("ci", "payments-team", "responder");
    JsonNode body = json(created);
    String secret = body.get("token").asText();
    String id = body.get("id").asText();
    assertThat(secret).startsWith("wkt_").hasSizeGreaterThan(40);
    assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
    HttpResponse<String> list = f.send("GET", "/api/v1/tokens", ADMIN, null, Map.of());
    assertThat(list.body()).doesNotContain(secret).contains("\"name\":\"ci\"");
    assertThat(column("SELECT token_sha256 FROM api_tokens")).contains(Secrets.sha256(secret));
    assertThat(column("SELECT token_sha256 FROM api_tokens")).doesNotContain(secret);

    assertThat(f.server.get("/api/v1/incidents", secret).statusCode()).isEqualTo(200);
    assertThat(f.server.get("/api/v1/audit", secret).statusCode()).isEqualTo(403);
    JsonNode listed = json(f.send("GET", "/api/v1/tokens", ADMIN, null, Map.of()))
        .get("tokens").get(0);
    assertThat(listed.get("last_used_at").isNull()).isFalse();

    assertThat(f.send("POST", "/api/v1/tokens", ADMIN,
        "{\"name\":\"ci\",\"role\":\"viewer\"}", Map.of()).statusCode()).isEqualTo(409);
    assertThat(json(f.send("POST", "/api/v1/tokens", ADMIN,
        "{\"name\":\"x\",\"role\":\"root\"}", Map.of())).get("message").asText())
        .isEqualTo("role: must be one of viewer, responder, admin; got \"root\"");
    assertThat(json(f.send("POST", "/api/v1/tokens", ADMIN,
        "{\"name\":\"x\",\"role\":\"viewer\",\"team\":\"nope\"}", Map.of()))
        .get("message").asText()).startsWith("team: unknown team \"nope\"");

    assertThat(f.send("DELETE", "/api/v1/tokens/" + id, ADMIN, null, Map.of()).statusCode())
        .isEqualTo(200);
    HttpResponse<String> after = f.server.get("/api/v1/incidents", secret);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(json(after).get("message").asText()).isEqualTo("the API token 'ci' was revoked");
    assertThat(f.send("DELETE", "/api/v1/tokens/" + id, ADMIN, null, Map.of()).statusCode())
        .isEqualTo(409);
  }

  @Test
  void aTeamsTokenSeesOnlyItsTeamsIncidents() throws Exception {
    long incident = f.paymentsIncident("scoped");
    String batch = f.token("batch-viewer", "batch-team", "viewer");
    String pay = f.token("pay-viewer", "payments-team", "viewer");
    assertThat(json(f.server.get("/api/v1/incidents", batch)).get("incidents")).isEmpty();
    assertThat(json(f.server.get("/api/v1/incidents", pay)).get("incidents")
        .findValuesAsText("id")).contains(Long.toString(incident));
    HttpResponse<String> other = f.server.get("/api/v1/incidents/" + incident, batch);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(json(other).get("message").asText()).isEqualTo("token:batch-viewer has viewer"
        + " on batch-team; this needs viewer on a team owning service \"payments\""
        + " (payments-team)");
    assertThat(f.server.get("/api/v1/incidents?service=payments", batch).statusCode())
        .isEqualTo(403);
  }

  @Test
  void aTeamScopedPageIsFullEvenWhenAnotherTeamsItemsAreNewer() throws Exception {
    // batch, payments, batch, payments: the newest of each list is another team's.
    for (int i = 0; i < 4; i++) {
      String key = i % 2 == 0 ? TestServer.SLOW_KEY : AccessFixture.PAYMENTS_KEY;
      HttpResponse<String> r = f.send("POST", "/api/v1/events", key, """
          {"source":"host-%d","type":"disk.full","severity":"critical","dedup_key":"k%d",
           "summary":"disk full"}""".formatted(i, i), Map.of());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }
    String batch = f.token("batch-viewer", "batch-team", "viewer");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(json(f.server.get("/api/v1/alerts", ADMIN)).get("alerts")).hasSize(4));
    for (String list : List.of("events", "alerts")) {
      List<String> seen = new ArrayList<>();
      String next = "/api/v1/" + list + "?limit=1";
      while (next != null) {
        HttpResponse<String> got = f.server.get(next, batch);
        assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
        JsonNode page = json(got);
        assertThat(page.get(list)).as(list + " page " + next).hasSize(1);
        seen.add(page.get(list).get(0).get("service").asText());
        next = !page.hasNonNull("next_cursor") ? null
            : "/api/v1/" + list + "?limit=1&cursor=" + page.get("next_cursor").asText();
      }
      assertThat(seen).as(list).containsExactly("batch", "batch");
    }
  }

  @Test
  void aTeamScopedChecksListIsFullEvenWhenAnotherTeamsChecksComeFirst() throws Exception {
    for (String service : List.of("batch", "payments")) {
      HttpResponse<String> r = f.send("POST", "/api/v1/checks", ADMIN,
          "{\"service\":\"" + service + "\",\"slug\":\"nightly\",\"period\":\"1h\","
              + "\"grace\":\"5m\"}", Map.of());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    String pay = f.token("pay-viewer", "payments-team", "viewer");
    // Ordered by service: batch's check comes first, and must not use up the limit.
    JsonNode page = json(f.server.get("/api/v1/checks?limit=1", pay)).get("checks");
    assertThat(page).hasSize(1);
    assertThat(page.get(0).get("service").asText()).isEqualTo("payments");
  }

  @Test
  void everyChangeIsAuditedWithWhoWhatWhereAndBeforeAfter() throws Exception {
    long incident = f.paymentsIncident("audit");
    AccessFixture.Browser b = f.logIn("dave", PASSWORD, Map.of());
    assertThat(f.send("POST", "/api/v1/incidents/" + incident + "/acknowledge", null, "",
        b.headers()).statusCode()).isEqualTo(200);
    f.token("audited", null, "viewer");
    assertThat(f.send("PUT", "/api/v1/admin/log-levels", ADMIN,
        "{\"level\":\"warn\"}", Map.of()).statusCode()).isEqualTo(200);

    JsonNode entries = json(f.server.get("/api/v1/audit?limit=50", ADMIN)).get("entries");
    List<String> actions = entries.findValuesAsText("action");
    assertThat(actions).contains("user.create", "session.login", "incident.acknowledge",
        "token.create", "request.put");
    JsonNode ack = find(entries, "incident.acknowledge");
    assertThat(ack.get("actor").asText()).isEqualTo("user:dave");
    assertThat(ack.get("address").asText()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(ack.get("before").get("state").asText()).isEqualTo("triggered");
    assertThat(ack.get("after").get("state").asText()).isEqualTo("acknowledged");
    assertThat(find(entries, "token.create").get("after").get("name").asText())
        .isEqualTo("audited");
    assertThat(entries.toString()).doesNotContain(PASSWORD);

    JsonNode page = json(f.server.get("/api/v1/audit?limit=2", ADMIN));
    assertThat(page.get("entries")).hasSize(2);
    JsonNode next = json(f.server.get("/api/v1/audit?limit=2&cursor="
        + page.get("next_cursor").asText(), ADMIN));
    assertThat(next.get("entries").get(0).get("id").asLong())
        .isLessThan(page.get("entries").get(1).get("id").asLong());
    assertThat(json(f.server.get("/api/v1/audit?action=token.*", ADMIN)).get("entries")
        .findValuesAsText("action")).containsOnly("token.create");
    assertThat(f.server.get("/api/v1/audit?since=yesterday", ADMIN).statusCode())
        .isEqualTo(400);
    assertThat(f.send("GET", "/api/v1/audit", null, null, b.cookieOnly()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    for (HttpResponse<String> r : List.of(f.server.get("/healthz", null),
        f.server.get("/api/v1/incidents", null), f.server.get("/no/such/page", null),
        f.server.get("/login", null))) {
      assertThat(r.headers().firstValue("Content-Security-Policy")).contains(
          "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none';"
              + " base-uri 'none'; form-action 'self'");
      assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
      assertThat(r.headers().firstValue("Referrer-Policy")).contains("same-origin");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }
  }

  @Test
  void theLoginFormWorksWithoutScriptAndNeverRedirectsElsewhere() throws Exception {
    HttpResponse<String> page = f.server.get("/login?next=%22%3E%3Cscript%3Ealert(1)", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<form method=\"post\" action=\"/login\">")
        .doesNotContain("<script");
    HttpResponse<String> in = f.send("POST", "/login", null,
        "name=dave&password=" + PASSWORD.replace(' ', '+') + "&next=%2Fincidents%2F7",
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(in.statusCode()).isEqualTo(303);
    assertThat(in.headers().firstValue("Location")).contains("/incidents/7");
    HttpResponse<String> evil = f.send("POST", "/login", null,
        "name=dave&password=" + PASSWORD.replace(' ', '+') + "&next=%2F%2Fevil.example",
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(evil.headers().firstValue("Location")).contains("/");
    HttpResponse<String> wrong = f.send("POST", "/login", null, "name=dave&password=nope",
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("wrong name or password").contains("<form");
    HttpResponse<String> crossSite = f.send("POST", "/login", null,
        "name=dave&password=x", Map.of("Content-Type", "application/x-www-form-urlencoded",
            "Origin", "https://evil.example"));
    assertThat(crossSite.statusCode()).isEqualTo(403);
  }

  @Test
  void usersAreValidatedAndTheirRolesReplaced() throws Exception {
    assertThat(json(f.send("POST", "/api/v1/users", ADMIN,
        "{\"name\":\"Bad Name\",\"password\":\"" + PASSWORD + "\"}", Map.of()))
        .get("message").asText()).startsWith("name: must match");
    assertThat(f.send("POST", "/api/v1/users", ADMIN,
        "{\"name\":\"dave\",\"password\":\"" + PASSWORD + "\"}", Map.of()).statusCode())
        .isEqualTo(409);
    assertThat(json(f.send("POST", "/api/v1/users", ADMIN,
        "{\"name\":\"gina\",\"password\":\"" + PASSWORD + "\",\"roles\":{\"ops\":\"admin\"}}",
        Map.of())).get("message").asText()).startsWith("roles.ops: unknown team");
    HttpResponse<String> roles = f.send("PUT", "/api/v1/users/dave/roles", ADMIN,
        "{\"roles\":{\"*\":\"viewer\"}}", Map.of());
    assertThat(roles.statusCode()).isEqualTo(200);
    assertThat(json(roles).get("roles").get("global").asText()).isEqualTo("viewer");
    // carol is a user of the config and a member of payments-team: given a login, she is a
    // responder there.
    f.login("carol", "{}");
    JsonNode carol = json(f.send("GET", "/api/v1/session", null, null,
        f.logIn("carol", PASSWORD, Map.of()).cookieOnly()));
    assertThat(carol.get("roles").get("teams").get("payments-team").asText())
        .isEqualTo("responder");
    JsonNode users = json(f.server.get("/api/v1/users", ADMIN)).get("users");
    assertThat(users.findValuesAsText("name")).contains("carol", "dave", "erin");
  }

  private static JsonNode find(JsonNode entries, String action) {
    for (JsonNode e : entries) {
      if (e.get("action").asText().equals(action)) {
        return e;
      }
    }
    throw new AssertionError("no audit entry " + action + " in " + entries);
  }

  private List<String> column(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:"
        + dir.resolve("data").resolve("watchkeeper.db"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
