package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus sends alerts to {@code POST /api/v2/alerts} as it would to Alertmanager. */
class PrometheusAlertsApiTest {
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

  static String alert(String instance, Instant endsAt) {
    return """
        {"labels":{"alertname":"InstanceDown","instance":"%s","job":"node","severity":"page"},
         "annotations":{"summary":"%s is down"},
         "startsAt":"2026-11-23T09:00:00Z","endsAt":"%s",
         "generatorURL":"http://prometheus:9090/graph?g0.expr=up%%3D%%3D0"}"""
        .formatted(instance, instance, endsAt);
  }

  JsonNode alerts() throws Exception {
    return JSON.readTree(server.get("/api/v1/alerts", VIEWER).body()).get("alerts");
  }

  @Test
  void firingAlertsBecomeAlertsAndAPastEndsAtResolvesThem() throws Exception {
    Instant future = Instant.now().plusSeconds(300);
    HttpResponse<String> r = server.post("/api/v2/alerts", PAYMENTS_KEY,
        "[" + alert("web-1:9100", future) + "," + alert("web-2:9100", future) + "]");
    assertThat(r.statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(alerts()).hasSize(2);
      assertThat(alerts().findValuesAsText("status")).containsOnly("firing");
    });
    JsonNode web1 = alerts().get(1);
    assertThat(web1.get("summary").asText()).isEqualTo("web-1:9100 is down");
    assertThat(web1.get("severity").asText()).isEqualTo("critical");
    assertThat(web1.get("source").asText()).isEqualTo("web-1:9100");
    assertThat(web1.get("labels").get("alertname").asText()).isEqualTo("InstanceDown");

    // Prometheus re-sends the same alert with a past endsAt once the rule stops firing
    server.post("/api/v2/alerts", PAYMENTS_KEY,
        "[" + alert("web-1:9100", Instant.now().minusSeconds(1)) + "]");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(alerts().findValuesAsText("status")).containsExactly("firing", "resolved"));
  }

  @Test
  void basicAuthWithTheIntegrationKeyAsPasswordIsAccepted() throws Exception {
    String basic = Base64.getEncoder().encodeToString(("prometheus:" + PAYMENTS_KEY)
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = server.post("/api/v2/alerts", null, "application/json",
        "[" + alert("db-1:9100", Instant.now().plusSeconds(60)) + "]",
        Map.of("Authorization", "Basic " + basic));

    assertThat(r.statusCode()).isEqualTo(200);
    String wrong = Base64.getEncoder().encodeToString("prometheus:nope".getBytes(
        StandardCharsets.UTF_8));
    assertThat(server.post("/api/v2/alerts", null, "application/json", "[]",
        Map.of("Authorization", "Basic " + wrong)).statusCode()).isEqualTo(401);
  }

  @Test
  void invalidAlertsAre400NamingTheAlertAndField() throws Exception {
    HttpResponse<String> r = server.post("/api/v2/alerts", PAYMENTS_KEY, """
        [{"labels":{}},
         {"labels":{"bad-name":"x"}},
         {"labels":{"a":"b"},"startsAt":"2026-11-23T10:00:00Z","endsAt":"2026-11-23T09:00:00Z"},
         {"labels":{"a":"b"},"startsAt":"yesterday"}]""");

    assertThat(r.statusCode()).isEqualTo(400);
    // As Alertmanager answers: the body is a single JSON string.
    assertThat(r.body()).startsWith("\"").endsWith("\"");
    assertThat(r.body())
        .contains("alerts[0].labels: at least one label is required")
        .contains("alerts[1].labels: invalid label name \\\"bad-name\\\"")
        .contains("alerts[2]: start time must be before end time")
        .contains("alerts[3].startsAt: not an RFC 3339 timestamp");
    assertThat(server.post("/api/v2/alerts", PAYMENTS_KEY, "{\"labels\":{}}").statusCode())
        .isEqualTo(400);
    assertThat(server.post("/api/v2/alerts", null, "[]").statusCode()).isEqualTo(401);
  }
}
