package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.ADMIN;
import static dev.watchkeeper.web.AccessFixture.PAYMENTS_KEY;
import static dev.watchkeeper.web.AccessFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint the server registers, called by every kind of caller, answers as its entry
 * below says: no 2xx for a caller without the role. The endpoint list comes from the running
 * server, so a new route without an entry here fails this test.
 */
class AuthorizationMatrixTest {
  /** The callers. */
  enum Caller {
    ANONYMOUS, VIEWER, RESPONDER, OTHER_TEAM_ADMIN, INTEGRATION_KEY, REVOKED_TOKEN, ADMIN
  }

  /** Who may call an endpoint. */
  sealed interface Rule {}

  /** Anyone (health, metrics, the login form). */
  record Public() implements Rule {}

  /** Integration keys only (ingest); every API token or none: 401. */
  record Ingest() implements Rule {}

  /** The integration key is in the body (PagerDuty's routing_key): without one, 400 for all. */
  record BodyKey() implements Rule {}

  /** A signed URL is the credential (iCalendar feeds): without it, 404 for everyone. */
  record Signed() implements Rule {}

  /** Any valid API token or session, whatever its roles. */
  record Authenticated() implements Rule {}

  /** The role on some team (lists, narrowed to the caller's teams). */
  record SomeTeam(String role) implements Rule {}

  /** The role on the team owning the thing (payments-team here). */
  record Payments(String role) implements Rule {}

  /** The role on every team (config-level: users, reloads, audit). */
  record Global(String role) implements Rule {}

  /**
   * A page: as {@code rule}, except that an anonymous browser asking for it (GET) is sent to the
   * login form (303); an anonymous form POST is 401.
   */
  record Page(Rule rule) implements Rule {}

  static final Map<String, Rule> MATRIX = new LinkedHashMap<>();

  static {
    Rule pub = new Public();
    MATRIX.put("GET /healthz", pub);
    MATRIX.put("GET /readyz", pub);
    MATRIX.put("GET /metrics", pub);
    MATRIX.put("GET /api/v1/version", pub);
    MATRIX.put("GET /login", pub);
    MATRIX.put("POST /login", pub);
    MATRIX.put("POST /logout", pub);
    MATRIX.put("GET /api/v1/session", new Authenticated());
    MATRIX.put("GET /api/v1/readiness", new SomeTeam("viewer"));
    MATRIX.put("POST /api/v1/events", new Ingest());
    MATRIX.put("POST /api/v2/alerts", new Ingest());
    MATRIX.put("POST /v2/enqueue", new BodyKey());
    MATRIX.put("POST /v2/change/enqueue", new BodyKey());
    MATRIX.put("GET /api/v1/events", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v1/requests/{id}", new Payments("viewer"));
    MATRIX.put("POST /api/v1/admin/reload", new Global("admin"));
    MATRIX.put("GET /api/v1/admin/log-levels", new Global("admin"));
    MATRIX.put("PUT /api/v1/admin/log-levels", new Global("admin"));
    MATRIX.put("POST /api/v1/tokens", new SomeTeam("admin"));
    MATRIX.put("GET /api/v1/tokens", new SomeTeam("admin"));
    MATRIX.put("DELETE /api/v1/tokens/{id}", new Payments("admin"));
    MATRIX.put("GET /api/v1/users", new Global("admin"));
    MATRIX.put("POST /api/v1/users", new Global("admin"));
    MATRIX.put("PUT /api/v1/users/{name}/roles", new Global("admin"));
    MATRIX.put("PUT /api/v1/users/{name}/password", new Global("admin"));
    MATRIX.put("DELETE /api/v1/users/{name}", new Global("admin"));
    MATRIX.put("GET /api/v1/audit", new Global("admin"));
    MATRIX.put("GET /api/v2/silences", new SomeTeam("viewer"));
    MATRIX.put("POST /api/v2/silences", new SomeTeam("responder"));
    MATRIX.put("GET /api/v2/silence/{silenceID}", new SomeTeam("viewer"));
    MATRIX.put("DELETE /api/v2/silence/{silenceID}", new SomeTeam("responder"));
    MATRIX.put("GET /api/v1/alerts", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v1/incidents", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v1/incidents/{id}", new Payments("viewer"));
    MATRIX.put("GET /api/v1/incidents/{id}/timeline", new Payments("viewer"));
    for (String action : List.of("acknowledge", "resolve", "escalate", "snooze", "reassign",
        "notes", "priority", "merge")) {
      MATRIX.put("POST /api/v1/incidents/{id}/" + action, new Payments("responder"));
    }
    MATRIX.put("GET /api/v1/notifications", new SomeTeam("viewer"));
    MATRIX.put("POST /api/v1/notifications/{id}/retry", new Payments("responder"));
    MATRIX.put("GET /api/v2/alerts", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v2/alerts/groups", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v2/status", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v2/receivers", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v1/oncall", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v1/schedules", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v1/schedules/{id}", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v1/schedules/{id}/shifts", new SomeTeam("viewer"));
    MATRIX.put("GET /api/v1/schedules/{id}/overrides", new SomeTeam("viewer"));
    MATRIX.put("POST /api/v1/schedules/{id}/overrides", new Payments("responder"));
    MATRIX.put("DELETE /api/v1/schedules/{id}/overrides/{oid}", new Payments("responder"));
    MATRIX.put("GET /api/v1/users/{id}/ical", new Payments("responder"));
    MATRIX.put("GET /ical/schedules/{file}", new Signed());
    MATRIX.put("GET /ical/users/{file}", new Signed());
    // One-click links: the signed token in the path is the credential; a wrong one is 404.
    MATRIX.put("GET /act/{token}", new Signed());
    MATRIX.put("POST /act/{token}", new Signed());
    // Health checks: of the team owning the check's service; pings and badges are keyed URLs.
    MATRIX.put("GET /api/v1/checks", new SomeTeam("viewer"));
    MATRIX.put("POST /api/v1/checks", new SomeTeam("responder"));
    MATRIX.put("GET /api/v1/checks/{id}", new Payments("viewer"));
    MATRIX.put("PATCH /api/v1/checks/{id}", new Payments("responder"));
    MATRIX.put("POST /api/v1/checks/{id}", new Payments("responder"));
    MATRIX.put("DELETE /api/v1/checks/{id}", new Payments("responder"));
    MATRIX.put("POST /api/v1/checks/{id}/pause", new Payments("responder"));
    MATRIX.put("POST /api/v1/checks/{id}/resume", new Payments("responder"));
    MATRIX.put("GET /api/v1/checks/{id}/pings", new Payments("viewer"));
    MATRIX.put("GET /api/v1/checks/{id}/flips", new Payments("viewer"));
    MATRIX.put("GET /badge/{file}", new Signed());
    // Pages (web/ui): the same rules as the API they show, with a login redirect for browsers.
    MATRIX.put("GET /", pub);
    MATRIX.put("GET /assets/{file}", pub);
    MATRIX.put("GET /incidents", new Page(new SomeTeam("viewer")));
    MATRIX.put("GET /incidents/stream", new Page(new SomeTeam("viewer")));
    MATRIX.put("GET /incidents/{id}", new Page(new Payments("viewer")));
    for (String action : List.of("acknowledge", "resolve", "snooze", "reassign", "notes")) {
      MATRIX.put("POST /incidents/{id}/" + action, new Page(new Payments("responder")));
    }
    MATRIX.put("GET /oncall", new Page(new SomeTeam("viewer")));
    MATRIX.put("GET /oncall/{id}", new Page(new SomeTeam("viewer")));
    MATRIX.put("POST /oncall/{id}/overrides", new Page(new Payments("responder")));
    MATRIX.put("POST /oncall/{id}/overrides/{oid}/remove", new Page(new Payments("responder")));
    MATRIX.put("GET /services", new Page(new SomeTeam("viewer")));
    MATRIX.put("GET /checks", new Page(new SomeTeam("viewer")));
    MATRIX.put("GET /checks/{id}", new Page(new Payments("viewer")));
    MATRIX.put("POST /checks/{id}/pause", new Page(new Payments("responder")));
    MATRIX.put("POST /checks/{id}/resume", new Page(new Payments("responder")));
    MATRIX.put("GET /dead-letters", new Page(new SomeTeam("viewer")));
    MATRIX.put("POST /dead-letters/{id}/retry", new Page(new Payments("responder")));
    MATRIX.put("GET /audit", new Page(new Global("admin")));
    MATRIX.put("GET /silences", new Page(new SomeTeam("viewer")));
    MATRIX.put("POST /silences", new Page(new SomeTeam("responder")));
    MATRIX.put("POST /silences/{silenceID}/expire", new Page(new SomeTeam("responder")));
    for (String p : List.of("/ping/{a}", "/ping/{a}/{b}", "/ping/{a}/{b}/{c}")) {
      for (String m : List.of("GET", "POST", "HEAD")) {
        MATRIX.put(m + " " + p, new Signed());
      }
    }
  }

  @TempDir Path dir;

  @Test
  void everyEndpointHasAnEntryAndNoCallerWithoutTheRoleGetsA2xx() throws Exception {
    try (AccessFixture f = new AccessFixture(dir)) {
      List<String> registered = f.server.app.httpRoutes();
      assertThat(new TreeSet<>(MATRIX.keySet()))
          .as("every registered endpoint needs an entry in the matrix, and only those")
          .isEqualTo(new TreeSet<>(registered));

      long incident = f.paymentsIncident("matrix");
      String check = json(f.send("POST", "/api/v1/checks", ADMIN,
          "{\"service\":\"payments\",\"slug\":\"nightly\",\"period\":\"1h\","
              + "\"grace\":\"5m\"}", Map.of())).get("id").asText();
      String requestId = json(f.send("POST", "/api/v1/events", PAYMENTS_KEY,
          "{\"source\":\"a\",\"type\":\"b\",\"severity\":\"info\"}", Map.of()))
          .get("request_id").asText();
      long[] notification = new long[1];
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        var list = json(f.server.get("/api/v1/notifications", ADMIN)).get("notifications");
        assertThat(list).isNotEmpty();
        notification[0] = list.get(0).get("id").asLong();
      });
      Map<Caller, String> tokens = new LinkedHashMap<>();
      tokens.put(Caller.ANONYMOUS, null);
      tokens.put(Caller.VIEWER, f.token("pay-viewer", "payments-team", "viewer"));
      tokens.put(Caller.RESPONDER, f.token("pay-responder", "payments-team", "responder"));
      tokens.put(Caller.OTHER_TEAM_ADMIN, f.token("batch-admin", "batch-team", "admin"));
      tokens.put(Caller.INTEGRATION_KEY, PAYMENTS_KEY);
      String revoked = f.token("gone", "payments-team", "admin");
      String revokedId = null;
      for (var t : json(f.send("GET", "/api/v1/tokens", ADMIN, null, Map.of())).get("tokens")) {
        if (t.get("name").asText().equals("gone")) {
          revokedId = t.get("id").asText();
        }
      }
      assertThat(f.send("DELETE", "/api/v1/tokens/" + revokedId, ADMIN, null, Map.of())
          .statusCode()).isEqualTo(200);
      tokens.put(Caller.REVOKED_TOKEN, revoked);
      tokens.put(Caller.ADMIN, ADMIN);
      f.tokenCreated("victim", "payments-team", "viewer");
      String victimId = null;
      for (var t : json(f.send("GET", "/api/v1/tokens", ADMIN, null, Map.of())).get("tokens")) {
        if (t.get("name").asText().equals("victim")) {
          victimId = t.get("id").asText();
        }
      }
      f.login("dave", "{}");
      Map<String, String> params = Map.of("{id}", "", "{name}", "dave",
          "{silenceID}", "00000000-0000-0000-0000-000000000000", "{oid}", "1",
          "{file}", "x.ics", "{token}", "not-a-signed-token",
          "{a}", "00000000-0000-0000-0000-000000000000", "{b}", "nosuch", "{c}", "nosuch");

      List<String> failures = new ArrayList<>();
      int unauthorised2xx = 0;
      int calls = 0;
      for (String route : registered) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1);
        String id = path.startsWith("/api/v1/incidents/") || path.startsWith("/incidents/")
            ? Long.toString(incident)
            : path.startsWith("/api/v1/requests/") ? requestId
            : path.startsWith("/api/v1/notifications/") ? Long.toString(notification[0])
            : path.startsWith("/api/v1/tokens/") ? victimId
            : path.startsWith("/api/v1/users/") ? "carol"
            : path.startsWith("/api/v1/checks/") || path.startsWith("/checks/") ? check
            : path.startsWith("/dead-letters/") ? Long.toString(notification[0])
            : path.startsWith("/api/v1/schedules/") || path.startsWith("/oncall/")
                ? "pay"
            : "nosuch";
        String concrete = path.replace("{id}", id);
        for (Map.Entry<String, String> p : params.entrySet()) {
          concrete = concrete.replace(p.getKey(), p.getValue());
        }
        String body = method.equals("POST") || method.equals("PUT") ? "{}" : null;
        Rule rule = MATRIX.get(route);
        // Denied callers first, then the allowed ones with the admin last: an allowed call may
        // change things (ack, delete) that the next caller's call would then not find.
        List<Caller> order = new ArrayList<>(List.of(Caller.values()));
        order.sort(java.util.Comparator.comparing(c -> expectedDenial(rule, c, method) == null));
        for (Caller caller : order) {
          HttpResponse<String> r = concrete.endsWith("/stream")
              ? openAndClose(f, concrete, tokens.get(caller))
              : f.send(method, concrete, tokens.get(caller), body, Map.of());
          calls++;
          int status = r.statusCode();
          Integer denied = expectedDenial(rule, caller, method);
          if (denied != null && status >= 200 && status < 300) {
            unauthorised2xx++;
          }
          if (denied != null && status != denied) {
            failures.add(route + " as " + caller + ": expected " + denied + ", got " + status
                + " " + r.body());
          } else if (denied == null && (status == 401 || status == 403)) {
            failures.add(route + " as " + caller + ": expected access, got " + status + " "
                + r.body());
          } else if (denied == null && status >= 500) {
            failures.add(route + " as " + caller + ": got " + status + " " + r.body());
          }
        }
      }
      assertThat(failures).isEmpty();
      assertThat(unauthorised2xx).isZero();
      assertThat(calls).isEqualTo(registered.size() * Caller.values().length);
    }
  }

  /**
   * A live stream never ends by itself: its status and first bytes are read, then the
   * connection is closed.
   */
  static HttpResponse<String> openAndClose(AccessFixture f, String path, String token)
      throws Exception {
    var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.server.url(path))).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<java.io.InputStream> r = f.server.http.send(b.build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.InputStream in = r.body()) {
      String head = r.statusCode() == 200 ? "" : new String(in.readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      return new HttpResponse<>() {
        public int statusCode() { return r.statusCode(); }
        public java.net.http.HttpRequest request() { return r.request(); }
        public java.util.Optional<HttpResponse<String>> previousResponse() {
          return java.util.Optional.empty();
        }
        public java.net.http.HttpHeaders headers() { return r.headers(); }
        public String body() { return head; }
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
          return r.sslSession();
        }
        public java.net.URI uri() { return r.uri(); }
        public java.net.http.HttpClient.Version version() { return r.version(); }
      };
    }
  }

  /** The status a caller must get for {@code method}, or null when it may call. */
  static Integer expectedDenial(Rule rule, Caller caller, String method) {
    if (rule instanceof Page page) {
      if (caller == Caller.ANONYMOUS) {
        return method.equals("GET") ? 303 : 401;
      }
      return expectedDenial(page.rule(), caller);
    }
    return expectedDenial(rule, caller);
  }

  /** The status a caller must get, or null when it may call (any non-401/403 answer). */
  static Integer expectedDenial(Rule rule, Caller caller) {
    boolean noCredential = caller == Caller.ANONYMOUS || caller == Caller.REVOKED_TOKEN;
    if (rule instanceof Public) {
      return null;
    }
    if (rule instanceof Signed) {
      return 404;
    }
    if (rule instanceof BodyKey) {
      return 400;
    }
    if (rule instanceof Ingest) {
      return caller == Caller.INTEGRATION_KEY ? null : 401;
    }
    if (noCredential || caller == Caller.INTEGRATION_KEY) {
      return 401;
    }
    if (rule instanceof Authenticated || caller == Caller.ADMIN) {
      return null;
    }
    int held = switch (caller) {
      case VIEWER -> 0;
      case RESPONDER -> 1;
      default -> 2; // OTHER_TEAM_ADMIN
    };
    if (rule instanceof SomeTeam s) {
      return held >= level(s.role()) ? null : 403;
    }
    if (rule instanceof Payments p) {
      boolean payments = caller != Caller.OTHER_TEAM_ADMIN;
      return payments && held >= level(p.role()) ? null : 403;
    }
    return 403; // Global: only the admin of every team
  }

  static int level(String role) {
    return List.of("viewer", "responder", "admin").indexOf(role);
  }
}
