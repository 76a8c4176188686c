package dev.watchkeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A server with two teams and their people, for the access tests. Named fixtures: team
 * {@code payments-team} owns service payments and has carol (a config user, paged by the
 * payments escalation policy); team {@code batch-team} owns service batch. The config token
 * {@code alice} is admin of every team, {@code bob} viewer of every team. Runtime tokens and
 * logins are made by the tests through the API.
 */
final class AccessFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = TestServer.ADMIN;
  static final String PAYMENTS_KEY = TestServer.PAYMENTS_KEY;
  static final String PASSWORD = "correct horse battery";

  static String yaml(Path data, String security) {
    return """
        server: {host: 127.0.0.1, port: 0}
        storage: {data_dir: "%s"}
        security:
        %s
        api_tokens:
          - {name: alice, role: admin, token_sha256: %s}
          - {name: bob, role: viewer, token_sha256: %s}
        users:
          - id: carol
            contact_methods: [{type: email, address: carol@example.com}]
          - {id: erin}
        teams:
          - {id: payments-team, members: [carol]}
          - {id: batch-team, members: [erin]}
        escalation_policies:
          - id: payments
            levels: [{targets: [{user: carol}]}]
          - id: ledger
            levels: [{targets: [{schedule: pay}]}]
        schedules:
          - id: pay
            name: "<b>Pay</b> rota"
            time_zone: Europe/Berlin
            layers:
              - role: primary
                rotation: {daily: 1}
                members: [carol, erin]
                start: "2026-01-05T09:00:00"
        services:
          - id: payments
            team: payments-team
            escalation_policy: payments
            integration_keys: [{name: prometheus, key_sha256: %s}]
          - id: batch
            team: batch-team
            integration_keys: [{name: cron, key_sha256: %s}]
          - id: ledger
            team: payments-team
            escalation_policy: ledger
            integration_keys: [{name: books, key_sha256: %s}]
        """.formatted(data, security.indent(2).stripTrailing(),
        Credentials.sha256(TestServer.ADMIN), Credentials.sha256(TestServer.VIEWER),
        Credentials.sha256(TestServer.PAYMENTS_KEY), Credentials.sha256(TestServer.SLOW_KEY),
        Credentials.sha256("ledger-key-1234567"));
  }

  final TestServer server;

  AccessFixture(Path dir) throws Exception {
    this(dir, "login_rate_limit: {per_account: 3, per_address: 1000, window: 1h}");
  }

  AccessFixture(Path dir, String security) throws Exception {
    this(dir, security, "");
  }

  /** With {@code extra} top-level YAML (schedules, say) after the fixture's config. */
  AccessFixture(Path dir, String security, String extra) throws Exception {
    server = TestServer.of(dir, yaml(dir.resolve("data"), security) + extra);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  HttpResponse<String> send(String method, String path, String token, String body,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null && !headers.containsKey("Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    return server.send(b);
  }

  /** Creates an API token as the config admin; returns the secret. */
  String token(String name, String team, String role) throws Exception {
    return json(tokenCreated(name, team, role)).get("token").asText();
  }

  HttpResponse<String> tokenCreated(String name, String team, String role) throws Exception {
    String body = team == null ? "{\"name\":\"%s\",\"role\":\"%s\"}".formatted(name, role)
        : "{\"name\":\"%s\",\"role\":\"%s\",\"team\":\"%s\"}".formatted(name, role, team);
    HttpResponse<String> r = send("POST", "/api/v1/tokens", ADMIN, body, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r;
  }

  /** Creates a login as the config admin. */
  void login(String name, String roles) throws Exception {
    HttpResponse<String> r = send("POST", "/api/v1/users", ADMIN,
        "{\"name\":\"%s\",\"password\":\"%s\",\"roles\":%s}".formatted(name, PASSWORD, roles),
        Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  /** A logged-in browser: its session cookie and CSRF token. */
  record Browser(String cookie, String csrf) {
    Map<String, String> headers() {
      return Map.of("Cookie", cookie, "X-CSRF-Token", csrf);
    }

    Map<String, String> cookieOnly() {
      return Map.of("Cookie", cookie);
    }
  }

  Browser logIn(String name, String password, Map<String, String> headers) throws Exception {
    HttpResponse<String> r = send("POST", "/login", null,
        "{\"name\":\"%s\",\"password\":\"%s\"}".formatted(name, password), headers);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new Browser(sessionCookie(r), json(r).get("csrf_token").asText());
  }

  static String sessionCookie(HttpResponse<String> r) {
    List<String> set = r.headers().allValues("Set-Cookie");
    assertThat(set).hasSize(1);
    String c = set.get(0);
    return c.substring(0, c.indexOf(';'));
  }

  /** Sends one critical event to payments and returns the incident it opened. */
  long paymentsIncident(String dedupKey) throws Exception {
    HttpResponse<String> r = send("POST", "/api/v1/events", PAYMENTS_KEY, """
        {"source":"web-1","type":"http.5xx","severity":"critical","dedup_key":"%s",
         "summary":"checkout failing"}""".formatted(dedupKey), Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    long[] id = new long[1];
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode list = json(server.get("/api/v1/incidents?service=payments", ADMIN))
          .get("incidents");
      assertThat(list).isNotEmpty();
      id[0] = list.get(0).get("id").asLong();
    });
    return id[0];
  }

  @Override
  public void close() {
    server.close();
  }
}
