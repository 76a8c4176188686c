package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes made, changed and deleted through the checks API: they run like the config file's, every
 * bad field is answered 400 with its path, an internal target not on the allow-list 422, and
 * their consecutive-result counters survive a restart.
 */
class ProbeApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestServer server;
  AccessFixture access;
  com.sun.net.httpserver.HttpServer target;
  final AtomicInteger status = new AtomicInteger(200);
  final AtomicInteger requests = new AtomicInteger();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (access != null) {
      access.close();
    }
    if (target != null) {
      target.stop(0);
    }
  }

  void startTarget() throws Exception {
    target = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/", ex -> {
      requests.incrementAndGet();
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    target.start();
  }

  String targetUrl() {
    return "http://127.0.0.1:" + target.getAddress().getPort() + "/health";
  }

  void startServer(String checks) throws Exception {
    server = TestServer.of(dir, TestServer.yaml(dir.resolve("data"), 1_000_000, 1_000_000)
        + checks);
  }

  HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return server.send(b);
  }

  JsonNode check(String id) throws Exception {
    return JSON.readTree(server.get("/api/v1/checks/" + id, VIEWER).body());
  }

  List<String> pingKinds(String id) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode p : JSON.readTree(server.get("/api/v1/checks/" + id + "/pings", VIEWER)
        .body()).get("pings")) {
      out.add(p.get("kind").asText());
    }
    return out;
  }

  @Test
  void aProbeCreatedThroughTheApiRunsGoesDownAfterItsThresholdAndStopsWhenDeleted()
      throws Exception {
    startTarget();
    startServer("""
        checks:
          probe_allow_private_networks: [127.0.0.0/8]
        """);
    HttpResponse<String> r = send("POST", "/api/v1/checks", ADMIN, """
        {"slug": "web", "service": "payments", "probe": {"http": "%s", "interval": "1s",
         "timeout": "1s", "failure_threshold": 2, "expected_status": [200]}}"""
        .formatted(targetUrl()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode c = JSON.readTree(r.body());
    String id = c.get("id").asText();
    assertThat(c.get("kind").asText()).isEqualTo("probe");
    assertThat(c.get("probe").get("http").asText()).isEqualTo(targetUrl());
    assertThat(c.get("probe").get("failure_threshold").asInt()).isEqualTo(2);
    assertThat(c.get("period").asLong()).isEqualTo(1);

    await().atMost(Duration.ofSeconds(10)).until(() -> check(id).get("status").asText()
        .equals("up"));
    status.set(500);
    await().atMost(Duration.ofSeconds(10)).until(() -> check(id).get("status").asText()
        .equals("down"));
    assertThat(pingKinds(id)).startsWith("fail", "log");

    // Changed through the API: the new definition runs (200 and 500 both count as up).
    r = send("PATCH", "/api/v1/checks/" + id, ADMIN, """
        {"probe": {"http": "%s", "interval": "1s", "timeout": "1s",
         "expected_status": [200, 500]}}""".formatted(targetUrl()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("probe").get("expected_status").size()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> check(id).get("status").asText()
        .equals("up"));

    r = send("DELETE", "/api/v1/checks/" + id, ADMIN, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    int[] last = {requests.get()};
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> {
      int now = requests.get();
      boolean quiet = now == last[0];
      last[0] = now;
      return quiet;
    });
  }

  @Test
  void anInternalTargetNotOnTheAllowListIsRefusedWith422SayingWhy() throws Exception {
    startServer("""
        checks:
          probe_allow_private_networks: [10.20.0.0/16]
        """);
    for (String probe : List.of("{\"http\": \"http://127.0.0.1:8080/\"}",
        "{\"tcp\": \"192.168.1.10:5432\"}", "{\"tls\": \"169.254.169.254:443\"}")) {
      HttpResponse<String> r = send("POST", "/api/v1/checks", ADMIN,
          "{\"slug\": \"internal\", \"service\": \"payments\", \"probe\": " + probe + "}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      assertThat(JSON.readTree(r.body()).get("message").asText())
          .contains("refused").contains("checks.probe_allow_private_networks");
    }
    HttpResponse<String> allowed = send("POST", "/api/v1/checks", ADMIN,
        "{\"slug\": \"db\", \"service\": \"payments\", \"probe\": {\"tcp\": \"10.20.0.5:5432\","
            + " \"interval\": \"1h\"}}");
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(201);
    assertThat(JSON.readTree(server.get("/api/v1/checks?service=payments", VIEWER).body())
        .get("checks")).extracting(n -> n.get("slug").asText()).containsExactly("db");
  }

  @Test
  void everyBadFieldOfAProbeIsAnswered400WithItsPath() throws Exception {
    startServer("");
    HttpResponse<String> r = send("POST", "/api/v1/checks", ADMIN, """
        {"slug": "bad", "service": "payments", "period": 60,
         "probe": {"http": "ftp://example.org/", "interval": "0s", "timeout": "5m",
                   "retries": 99, "failure_threshold": 0, "method": "DELETE",
                   "headers": {"Bad Header": "x"}, "expected_status": [700],
                   "json_equals": "ok", "colour": "red"}}""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    String message = JSON.readTree(r.body()).get("message").asText();
    assertThat(message).contains("probe.http: must be an http:// or https:// URL",
        "probe.interval: must be at least 1s", "probe.timeout: must be between 100ms and 1m",
        "probe.retries", "probe.failure_threshold", "probe.method: must be one of",
        "probe.headers.Bad Header: not a valid header", "probe.expected_status",
        "probe.json_equals: needs json_path", "probe.colour",
        "period: a probe runs every probe.interval");

    Map<String, String> cases = Map.of(
        "{\"tcp\": \"db.internal\"}", "probe.tcp: must be host:port",
        "{\"dns\": \"not a host!\"}", "probe.dns: must be a host name",
        "{\"http\": \"https://a.example/\", \"tcp\": \"a.example:1\"}",
        "probe: exactly one of http, tcp, tls or dns must be set",
        "{\"tcp\": \"a.example:1\", \"body_contains\": \"x\"}",
        "probe.body_contains: only for http probes",
        "\"https://a.example/\"", "probe: expected a map",
        "null", "probe: must be an object",
        "{\"http\": \"${HOME}\"}", "probe.http");
    for (Map.Entry<String, String> e : cases.entrySet()) {
      r = send("POST", "/api/v1/checks", ADMIN,
          "{\"slug\": \"bad\", \"service\": \"payments\", \"probe\": " + e.getKey() + "}");
      assertThat(r.statusCode()).as(e.getKey() + " -> " + r.body()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("message").asText()).as(e.getKey())
          .contains(e.getValue());
    }

    String heartbeat = JSON.readTree(send("POST", "/api/v1/checks", ADMIN,
        "{\"slug\": \"hb\", \"service\": \"payments\"}").body()).get("id").asText();
    r = send("PATCH", "/api/v1/checks/" + heartbeat, ADMIN,
        "{\"probe\": {\"dns\": \"example.org\"}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("a heartbeat check cannot become a probe");
  }

  @Test
  void aProbeIsScopedToTheTeamOwningItsService() throws Exception {
    access = new AccessFixture(dir);
    server = access.server;
    String batchResponder = access.token("erin-ci", "batch-team", "responder");
    String paymentsResponder = access.token("carol-ci", "payments-team", "responder");
    String body = "{\"slug\": \"resolver\", \"service\": \"payments\","
        + " \"probe\": {\"dns\": \"example.org\", \"interval\": \"1h\"}}";

    HttpResponse<String> r = send("POST", "/api/v1/checks", batchResponder, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    r = send("POST", "/api/v1/checks", paymentsResponder, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    String id = JSON.readTree(r.body()).get("id").asText();
    r = send("PATCH", "/api/v1/checks/" + id, batchResponder,
        "{\"probe\": {\"dns\": \"example.com\"}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    r = send("DELETE", "/api/v1/checks/" + id, batchResponder, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    server = null; // closed with the fixture
  }

  @Test
  void aProbeOneFailureFromDownIsDownAtItsFirstFailureAfterARestart() throws Exception {
    startTarget();
    status.set(500);
    startServer("""
        checks:
          probe_allow_private_networks: [127.0.0.0/8]
          list:
            - slug: web
              service: payments
              id: 7e57ab1e-0000-4000-8000-000000000001
              probe: {http: "%s", interval: 3s, timeout: 1s, failure_threshold: 3}
        """.formatted(targetUrl()));
    String id = "7e57ab1e-0000-4000-8000-000000000001";
    await().atMost(Duration.ofSeconds(15)).until(() -> pingKinds(id).size() >= 2);
    server.close();
    server = null;
    assertThat(requests.get()).as("two runs before the restart").isEqualTo(2);

    server = TestServer.restart(dir);
    await().atMost(Duration.ofSeconds(10)).until(() -> pingKinds(id).size() >= 3);
    assertThat(pingKinds(id)).as("newest first").containsExactly("fail", "log", "log");
    assertThat(check(id).get("status").asText()).isEqualTo("down");
  }
}
