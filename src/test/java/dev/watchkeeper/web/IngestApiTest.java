package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.SLOW_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest and read-back API over real HTTP against a real SQLite file. */
class IngestApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void acceptedEventIsStoredAndReadableWithAllItsFields() throws Exception {
    HttpResponse<String> r = server.post("/api/v1/events", PAYMENTS_KEY, """
        {"id":"evt-1","source":"web-1","type":"http.5xx","time":"2026-11-23T09:30:00Z",
         "severity":"error","dedup_key":"web-1/5xx","summary":"5xx rate above 5%",
         "labels":{"env":"prod"},"payload":{"rate":0.07,"path":"/pay"}}""");

    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode body = json(r);
    assertThat(body.get("event_ids").get(0).asText()).isEqualTo("evt-1");
    assertThat(body.get("request_id").asText()).isNotBlank();

    JsonNode events = json(server.get("/api/v1/events", VIEWER)).get("events");
    assertThat(events).hasSize(1);
    JsonNode e = events.get(0);
    assertThat(e.get("service").asText()).isEqualTo("payments");
    assertThat(e.get("source").asText()).isEqualTo("web-1");
    assertThat(e.get("time").asText()).isEqualTo("2026-11-23T09:30:00Z");
    assertThat(e.get("severity").asText()).isEqualTo("error");
    assertThat(e.get("dedup_key").asText()).isEqualTo("web-1/5xx");
    assertThat(e.get("labels").get("env").asText()).isEqualTo("prod");
    assertThat(e.get("payload").get("rate").asDouble()).isEqualTo(0.07);
  }

  @Test
  void retryWithTheSameEventIdsStoresNothingTwice() throws Exception {
    String batch = "[{\"id\":\"a\",\"source\":\"s\",\"type\":\"t\"},"
        + "{\"id\":\"b\",\"source\":\"s\",\"type\":\"t\"}]";
    assertThat(json(server.post("/api/v1/events", PAYMENTS_KEY, batch)).get("duplicates").asInt())
        .isZero();
    HttpResponse<String> again = server.post("/api/v1/events", PAYMENTS_KEY, batch);

    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(json(again).get("duplicates").asInt()).isEqualTo(2);
    assertThat(json(server.get("/api/v1/events", VIEWER)).get("events")).hasSize(2);
  }

  @Test
  void requestIdTellsThatTheBatchWasStoredAndThenProcessed() throws Exception {
    HttpResponse<String> r = server.post("/api/v1/events", PAYMENTS_KEY,
        "[{\"source\":\"s\",\"type\":\"t\"},{\"source\":\"s\",\"type\":\"t\"}]");
    String requestId = json(r).get("request_id").asText();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode status = json(server.get("/api/v1/requests/" + requestId, VIEWER));
      assertThat(status.get("stored").asBoolean()).isTrue();
      assertThat(status.get("state").asText()).isEqualTo("processed");
      assertThat(status.get("events").asInt()).isEqualTo(2);
      assertThat(status.get("service").asText()).isEqualTo("payments");
    });
    assertThat(server.get("/api/v1/requests/nope", VIEWER).statusCode()).isEqualTo(404);
  }

  @Test
  void invalidJsonIsRefusedNamingLineAndColumn() throws Exception {
    HttpResponse<String> r = server.post("/api/v1/events", PAYMENTS_KEY,
        "{\"source\":\"s\",\n  \"type\": tru}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("message").asText()).contains("line 2, column");
  }

  @Test
  void everyBadFieldIsNamedInOneAnswer() throws Exception {
    HttpResponse<String> r = server.post("/api/v1/events", PAYMENTS_KEY,
        "[{\"source\":\"s\",\"type\":7,\"dedup_key\":\"" + "k".repeat(256) + "\"},"
            + "{\"source\":\"s\",\"type\":\"t\",\"severity\":\"sev1\"}]");

    assertThat(r.statusCode()).isEqualTo(400);
    List<String> errors = new ArrayList<>();
    json(r).get("errors").forEach(n -> errors.add(n.asText()));
    assertThat(errors).containsExactly(
        "events[0].type: expected a string, got a number",
        "events[0].dedup_key: longer than 255 characters (256)",
        "events[1].severity: must be one of critical, error, warning, info; got \"sev1\"");
    assertThat(json(server.get("/api/v1/events", VIEWER)).get("events")).isEmpty();
  }

  @Test
  void aBodyShorterThanItsContentLengthIs400AndNothingIsStored() throws Exception {
    URI base = URI.create(server.url("/"));
    for (String path : new String[] {"/api/v1/events", "/api/v2/alerts"}) {
      String body = path.contains("v1") ? "{\"source\":\"s\",\"type\":\"t\"}"
          : "[{\"labels\":{\"alertname\":\"Cut\"}}]";
      try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer " + PAYMENTS_KEY + "\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + (body.length() + 50) + "\r\n\r\n" + body)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        s.shutdownOutput(); // the client gives up before sending the rest
        String answer = new String(s.getInputStream().readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).as(path).startsWith("HTTP/1.1 400");
      }
    }
    assertThat(json(server.get("/api/v1/events", VIEWER)).get("events")).isEmpty();
  }

  @Test
  void aRequestRefusedBeforeItsBodyArrivedSaysItsConnectionCloses() throws Exception {
    // Clients such as Java's HttpClient send the headers and the body in separate writes. A 401
    // answered before the body arrived leaves the body unread, and Jetty closes the connection
    // after the answer; without "Connection: close" in it, a client that reuses the connection
    // for its next request finds it closed ("header parser received no bytes").
    URI base = URI.create(server.url("/"));
    for (String path : new String[] {"/api/v1/events", "/api/v2/alerts"}) {
      try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer wrong-key\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        String head = readHead(s.getInputStream());
        assertThat(head).as(path).startsWith("HTTP/1.1 401");
        assertThat(head.toLowerCase(java.util.Locale.ROOT)).as(path)
            .contains("connection: close");
      }
    }
  }

  /** The status line and headers of one response. */
  static String readHead(java.io.InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString();
  }

  @Test
  void bodyOverTheLimitIs413AndTooManyEventsIs400() throws Exception {
    HttpResponse<String> big = server.post("/api/v1/events", PAYMENTS_KEY,
        "{\"source\":\"s\",\"type\":\"t\",\"summary\":\"" + "x".repeat(600 * 1024) + "\"}");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(json(big).get("message").asText()).contains("524288 bytes");

    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",").append("{\"source\":\"s\",\"type\":\"t\"}");
    }
    HttpResponse<String> r = server.post("/api/v1/events", PAYMENTS_KEY, many + "]");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("message").asText()).contains("the limit is 50");
  }

  @Test
  void missingOrUnknownKeyIs401AndNothingIsStored() throws Exception {
    String event = "{\"source\":\"s\",\"type\":\"t\"}";
    assertThat(server.post("/api/v1/events", null, event).statusCode()).isEqualTo(401);
    HttpResponse<String> unknown = server.post("/api/v1/events", "guess", event);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.body()).doesNotContain("guess");
    // an API token is not an integration key
    assertThat(server.post("/api/v1/events", ADMIN, event).statusCode()).isEqualTo(401);
    assertThat(json(server.get("/api/v1/events", VIEWER)).get("events")).isEmpty();
  }

  @Test
  void managementApiNeedsATokenWithEnoughRole() throws Exception {
    assertThat(server.get("/api/v1/events", null).statusCode()).isEqualTo(401);
    assertThat(server.get("/api/v1/events", PAYMENTS_KEY).statusCode()).isEqualTo(401);
    HttpResponse<String> viewerReload = server.post("/api/v1/admin/reload", VIEWER, "");
    assertThat(viewerReload.statusCode()).isEqualTo(403);
    assertThat(json(viewerReload).get("message").asText()).contains("needs admin");
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);
  }

  @Test
  void cursorPaginationWalksAllEventsAndFiltersApply() throws Exception {
    for (int i = 0; i < 7; i++) {
      String sev = i % 2 == 0 ? "critical" : "info";
      server.post("/api/v1/events", PAYMENTS_KEY, "{\"id\":\"e" + i + "\",\"source\":\"src-"
          + (i % 3) + "\",\"type\":\"t\",\"severity\":\"" + sev + "\"}");
    }
    List<String> ids = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      JsonNode page = json(server.get("/api/v1/events?limit=3"
          + (next == null ? "" : "&cursor=" + next), VIEWER));
      page.get("events").forEach(e -> ids.add(e.get("id").asText()));
      next = page.hasNonNull("next_cursor") ? page.get("next_cursor").asText() : null;
      pages++;
    } while (next != null);
    assertThat(ids).containsExactly("e6", "e5", "e4", "e3", "e2", "e1", "e0");
    assertThat(pages).isEqualTo(3);

    JsonNode critical = json(server.get("/api/v1/events?severity=critical&source=src-0", VIEWER));
    assertThat(critical.get("events").findValuesAsText("id")).containsExactly("e6", "e0");
    assertThat(server.get("/api/v1/events?since=yesterday", VIEWER).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/v1/events?cursor=bm9wZQ", VIEWER).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/v1/events?limit=5000", VIEWER).statusCode()).isEqualTo(400);
  }

  @Test
  void concurrentRequestsShareCommitsAndTheBatchSizesAreInMetrics() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<Integer>> all = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String body = "{\"source\":\"s\",\"type\":\"t\",\"id\":\"c" + i + "\"}";
        all.add(CompletableFuture.supplyAsync(() -> {
          try {
            return server.post("/api/v1/events", PAYMENTS_KEY, body).statusCode();
          } catch (Exception e) {
            return -1;
          }
        }, pool));
      }
      assertThat(all.stream().map(CompletableFuture::join)).containsOnly(202);
    } finally {
      pool.shutdown();
    }
    String metrics = server.get("/metrics", null).body();
    double sum = metric(metrics, "watchkeeper_commit_batch_events_sum");
    double count = metric(metrics, "watchkeeper_commit_batch_events_count");
    assertThat(sum).isEqualTo(400);
    assertThat(count).isLessThanOrEqualTo(400).isPositive();
    assertThat(metrics).contains("watchkeeper_http_requests_seconds_count{method=\"POST\","
        + "route=\"/api/v1/events\",status=\"202\"}");
    assertThat(metrics).contains("hikaricp_connections");
    assertThat(metrics).contains("jvm_memory_used_bytes");
  }

  @Test
  void overTheRateLimitIs429WithRetryAfter(@TempDir Path other) throws Exception {
    try (TestServer limited = new TestServer(other, 2, 3)) {
      String three = "[{\"source\":\"s\",\"type\":\"t\"},{\"source\":\"s\",\"type\":\"t\"},"
          + "{\"source\":\"s\",\"type\":\"t\"}]";
      assertThat(limited.post("/api/v1/events", SLOW_KEY, three).statusCode()).isEqualTo(202);
      HttpResponse<String> r = limited.post("/api/v1/events", SLOW_KEY, three);

      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(
          v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
      // other keys have their own bucket
      assertThat(limited.post("/api/v1/events", PAYMENTS_KEY, three).statusCode())
          .isEqualTo(202);
    }
  }

  @Test
  void cloudEventsInStructuredBatchAndBinaryModeAreStored() throws Exception {
    HttpResponse<String> structured = server.post("/api/v1/events", PAYMENTS_KEY,
        "application/cloudevents+json", """
            {"specversion":"1.0","id":"ce-1","source":"/ci/deploy","type":"com.example.deploy",
             "time":"2026-11-23T08:00:00Z","subject":"api v2","severity":"info",
             "dedupkey":"deploy-api","region":"eu","data":{"version":"2.0"}}""", Map.of());
    assertThat(structured.statusCode()).isEqualTo(202);

    HttpResponse<String> batch = server.post("/api/v1/events", PAYMENTS_KEY,
        "application/cloudevents-batch+json", """
            [{"specversion":"1.0","id":"ce-2","source":"/a","type":"t.a"},
             {"specversion":"1.0","id":"ce-3","source":"/b","type":"t.b"}]""", Map.of());
    assertThat(batch.statusCode()).isEqualTo(202);

    HttpResponse<String> binary = server.post("/api/v1/events", PAYMENTS_KEY,
        "application/json", "{\"cpu\":0.97}", Map.of("ce-specversion", "1.0", "ce-id", "ce-4",
            "ce-source", "/host/7", "ce-type", "cpu.high", "ce-severity", "critical"));
    assertThat(binary.statusCode()).isEqualTo(202);

    JsonNode events = json(server.get("/api/v1/events", VIEWER)).get("events");
    assertThat(events.findValuesAsText("id")).containsExactly("ce-4", "ce-3", "ce-2", "ce-1");
    JsonNode deploy = events.get(3);
    assertThat(deploy.get("summary").asText()).isEqualTo("api v2");
    assertThat(deploy.get("severity").asText()).isEqualTo("info");
    assertThat(deploy.get("dedup_key").asText()).isEqualTo("deploy-api");
    assertThat(deploy.get("labels").get("region").asText()).isEqualTo("eu");
    assertThat(deploy.get("payload").get("version").asText()).isEqualTo("2.0");
    assertThat(events.get(0).get("payload").get("cpu").asDouble()).isEqualTo(0.97);
    assertThat(events.get(0).get("severity").asText()).isEqualTo("critical");
  }

  @Test
  void invalidCloudEventsAre400WithTheReason() throws Exception {
    HttpResponse<String> noId = server.post("/api/v1/events", PAYMENTS_KEY,
        "application/json", "{}", Map.of("ce-specversion", "1.0", "ce-source", "/a",
            "ce-type", "t"));
    assertThat(noId.statusCode()).isEqualTo(400);
    assertThat(noId.body()).contains("ce-id: required header is missing");

    HttpResponse<String> badVersion = server.post("/api/v1/events", PAYMENTS_KEY,
        "application/cloudevents+json", "{\"specversion\":\"9\",\"id\":\"x\",\"source\":\"/a\","
            + "\"type\":\"t\"}", Map.of());
    assertThat(badVersion.statusCode()).isEqualTo(400);
    assertThat(json(badVersion).get("message").asText()).contains("not a valid CloudEvent");

    HttpResponse<String> xml = server.post("/api/v1/events", PAYMENTS_KEY, "application/xml",
        "<e/>", Map.of());
    assertThat(xml.statusCode()).isEqualTo(415);
  }

  @Test
  void traceparentIsCarriedThroughToTheStoredRequest() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<String> r = server.post("/api/v1/events", PAYMENTS_KEY, "application/json",
        "{\"source\":\"s\",\"type\":\"t\"}", Map.of("traceparent", "00-" + trace
            + "-00f067aa0ba902b7-01"));
    assertThat(r.headers().firstValue("traceparent")).hasValueSatisfying(
        v -> assertThat(v).startsWith("00-" + trace + "-"));
    String requestId = json(r).get("request_id").asText();
    assertThat(json(server.get("/api/v1/requests/" + requestId, VIEWER)).get("trace_id").asText())
        .isEqualTo(trace);
  }

  @Test
  void healthAndReadinessAnswerWithoutAuth() throws Exception {
    assertThat(server.get("/healthz", null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = server.get("/readyz", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("status").asText()).isEqualTo("ready");
    HttpResponse<String> missing = server.get("/api/v1/nothing-here", VIEWER);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void logLevelsChangeAtRunTime() throws Exception {
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(
            URI.create(server.url("/api/v1/admin/log-levels")))
        .header("Authorization", "Bearer " + ADMIN)
        .PUT(HttpRequest.BodyPublishers.ofString(
            "{\"logger\":\"dev.watchkeeper.event\",\"level\":\"debug\"}")));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode levels = json(server.get("/api/v1/admin/log-levels", ADMIN)).get("levels");
    assertThat(levels.get("dev.watchkeeper.event").asText()).isEqualTo("debug");

    HttpResponse<String> bad = server.send(HttpRequest.newBuilder(
            URI.create(server.url("/api/v1/admin/log-levels")))
        .header("Authorization", "Bearer " + ADMIN)
        .PUT(HttpRequest.BodyPublishers.ofString("{\"level\":\"loud\"}")));
    assertThat(bad.statusCode()).isEqualTo(400);
    server.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/admin/log-levels")))
        .header("Authorization", "Bearer " + ADMIN)
        .PUT(HttpRequest.BodyPublishers.ofString(
            "{\"logger\":\"dev.watchkeeper.event\",\"level\":\"warn\"}")));
  }

  static double metric(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("metric " + name + " not found");
  }
}
