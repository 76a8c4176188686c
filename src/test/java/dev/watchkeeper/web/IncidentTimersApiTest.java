package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incident timers through the running server: an acknowledgement with a timeout shows the pending
 * timeout, and the timer thread puts the incident back to triggered when it comes due; a restart
 * does not lose a pending timer.
 */
class IncidentTimersApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Gives the payments service an acknowledgement timeout, through a config reload. */
  void ackTimeout(String timeout) throws Exception {
    Files.writeString(server.configFile, TestServer.underPayments(
        Files.readString(server.configFile), "lifecycle: {ack_timeout: " + timeout + "}"));
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);
  }

  long incident() throws Exception {
    server.post("/api/v1/events", PAYMENTS_KEY,
        "{\"source\":\"web-1\",\"type\":\"http.5xx\",\"severity\":\"critical\","
            + "\"dedup_key\":\"5xx\",\"summary\":\"checkout failing\"}");
    long[] id = new long[1];
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode list = JSON.readTree(server.get("/api/v1/incidents", VIEWER).body())
          .get("incidents");
      assertThat(list).hasSize(1);
      id[0] = list.get(0).get("id").asLong();
    });
    return id[0];
  }

  JsonNode detail(long id) throws Exception {
    return JSON.readTree(server.get("/api/v1/incidents/" + id, VIEWER).body());
  }

  @Test
  void anAcknowledgementThatTimesOutPutsTheIncidentBackToTriggered() throws Exception {
    server = new TestServer(dir);
    ackTimeout("2s");
    long id = incident();
    assertThat(server.post("/api/v1/incidents/" + id + "/acknowledge", ADMIN, "").statusCode())
        .isEqualTo(200);
    JsonNode acked = detail(id);
    assertThat(acked.get("state").asText()).isEqualTo("acknowledged");
    assertThat(acked.get("pending").get(0).get("kind").asText()).isEqualTo("ack_timeout");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(detail(id).get("state").asText()).isEqualTo("triggered"));
    JsonNode timeline = JSON.readTree(
        server.get("/api/v1/incidents/" + id + "/timeline", VIEWER).body()).get("timeline");
    // The last entries: the timeout, then "nobody was paged" (payments has no policy).
    JsonNode last = timeline.get(timeline.size() - 2);
    assertThat(timeline.get(timeline.size() - 1).get("kind").asText())
        .isEqualTo("incident.not_paged");
    assertThat(last.get("actor").asText()).isEqualTo("system");
    assertThat(last.get("message").asText())
        .isEqualTo("acknowledgement by token:alice timed out after 2 s; back to triggered");
    assertThat(detail(id).get("pending")).isEmpty();
  }

  @Test
  void aTimerPendingAtShutdownFiresAfterTheRestart() throws Exception {
    server = new TestServer(dir);
    ackTimeout("3s");
    long id = incident();
    server.post("/api/v1/incidents/" + id + "/acknowledge", ADMIN, "");
    server.close();
    server = null;
    Thread.sleep(3500); // the timeout comes due while nothing runs

    server = TestServer.restart(dir);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(detail(id).get("state").asText()).isEqualTo("triggered"));
    JsonNode timeline = JSON.readTree(
        server.get("/api/v1/incidents/" + id + "/timeline", VIEWER).body()).get("timeline");
    assertThat(timeline.findValuesAsText("kind")).containsOnlyOnce("incident.ack_timeout");
  }
}
