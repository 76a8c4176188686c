package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest hot paths are served by a Jetty core handler in front of Javalin ({@link IngestLane}).
 * What every other endpoint gives must hold there too: trace context, security headers, JSON
 * errors naming the request id, the request timer; and everything else must still reach Javalin.
 */
class IngestLaneTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

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

  @Test
  void laneAnswersCarryTheCallersTraceTheSecurityHeadersAndTheRequestIdOfTheirErrors()
      throws Exception {
    HttpResponse<String> r = server.post("/api/v1/events", PAYMENTS_KEY, "application/json",
        "{\"source\":\"s\"}", Map.of("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01"));

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo("invalid_event");
    assertThat(body.get("message").asText()).contains("type");
    String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(body.get("request_id").asText()).isEqualTo(requestId);
    assertThat(r.headers().firstValue("traceparent").orElseThrow())
        .isEqualTo("00-" + TRACE + "-" + requestId + "-01");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .isEqualTo(SecurityHeaders.CSP);
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");

    HttpResponse<String> ok = server.post("/api/v1/events", PAYMENTS_KEY, "application/json",
        "{\"source\":\"s\",\"type\":\"t\"}",
        Map.of("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01"));
    assertThat(ok.statusCode()).isEqualTo(202);
    String requestOfBatch = JSON.readTree(ok.body()).get("request_id").asText();
    // The trace id is stored with the request, as for any other ingest path.
    JsonNode stored = JSON.readTree(server.get("/api/v1/requests/" + requestOfBatch, VIEWER)
        .body());
    assertThat(stored.toString()).contains(TRACE);
  }

  @Test
  void oversizedAndUnauthenticatedBodiesGetTheirSentences() throws Exception {
    HttpResponse<String> noKey = server.post("/api/v2/alerts", null, "[]");
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(noKey.body()).get("message").asText())
        .contains("missing integration key");

    String big = "[" + "{\"labels\":{\"alertname\":\"x\"}},".repeat(30_000) + "{}]";
    HttpResponse<String> tooBig = server.post("/api/v1/events", PAYMENTS_KEY, big);
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(tooBig.body()).get("message").asText())
        .contains("larger than " + (512 * 1024) + " bytes");
  }

  @Test
  void prometheusPathWithATrailingSlashIsAcceptedAndOtherMethodsStillReachTheApi()
      throws Exception {
    HttpResponse<String> posted = server.post("/api/v2/alerts/", PAYMENTS_KEY,
        "[{\"labels\":{\"alertname\":\"DiskFull\",\"instance\":\"db-1\"}}]");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

    // GET of the same path is Javalin's (the Alertmanager list), not the lane's.
    HttpResponse<String> list = server.get("/api/v2/alerts", VIEWER);
    assertThat(list.statusCode()).isEqualTo(200);
    // A method nobody serves still gets the JSON 404 of every API path.
    HttpResponse<String> put = server.send(HttpRequest.newBuilder(
        URI.create(server.url("/api/v1/events"))).PUT(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(put.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(put.body()).get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void pingsAnswerHeadWithoutABodyAndUnknownPingUrlsWithPlainNotFound() throws Exception {
    JsonNode check = JSON.readTree(server.post("/api/v1/checks", ADMIN,
        "{\"slug\":\"nightly\",\"service\":\"payments\"}").body());
    String id = check.get("id").asText();

    HttpResponse<String> head = server.send(HttpRequest.newBuilder(
        URI.create(server.url("/ping/" + id))).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Ping-Body-Limit")).hasValue("10000");
    assertThat(head.headers().firstValue("X-Request-Id")).isPresent();

    for (String path : new String[] {"/ping/" + id + "/start/extra/more", "/ping/" + id + "//",
        "/ping/nope"}) {
      HttpResponse<String> r = server.get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as(path).isEqualTo("not found");
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    }
  }

  @Test
  void laneRequestsAreTimedInMetricsByRouteTemplate() throws Exception {
    assertThat(server.post("/api/v2/alerts", PAYMENTS_KEY,
        "[{\"labels\":{\"alertname\":\"A\"}}]").statusCode()).isEqualTo(200);
    server.get("/ping/not-a-check/x/y/z", null);

    String metrics = server.get("/metrics", null).body();
    assertThat(metrics).contains(
        "watchkeeper_http_requests_seconds_count{method=\"POST\",route=\"/api/v2/alerts\","
            + "status=\"200\"} 1");
    assertThat(metrics).contains(
        "watchkeeper_http_requests_seconds_count{method=\"GET\",route=\"unmatched\","
            + "status=\"404\"} 1");
  }
}
