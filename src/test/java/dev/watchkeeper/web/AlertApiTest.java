package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events sent over HTTP become alerts that the alerts API lists. */
class AlertApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void sentEventsAreDedupedIntoAlertsAndResolvedByAResolveEvent() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      server.post("/api/v1/events", PAYMENTS_KEY, """
          [{"source":"web-1","type":"http.5xx","severity":"error","dedup_key":"5xx/web-1"},
           {"source":"web-1","type":"http.5xx","severity":"critical","dedup_key":"5xx/web-1"},
           {"source":"db-1","type":"disk.full","severity":"warning","dedup_key":"disk/db-1"},
           {"source":"ci","type":"deploy.done","severity":"info","dedup_key":"deploy-42"}]""");
      server.post("/api/v1/events", PAYMENTS_KEY,
          "{\"source\":\"db-1\",\"type\":\"disk.full.resolved\",\"dedup_key\":\"disk/db-1\"}");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode alerts = JSON.readTree(server.get("/api/v1/alerts", VIEWER).body())
            .get("alerts");
        assertThat(alerts).hasSize(3);
        assertThat(alerts.findValuesAsText("status")).containsExactly("firing", "resolved",
            "firing");
      });
      JsonNode firing = JSON.readTree(server.get("/api/v1/alerts?status=firing&limit=1", VIEWER)
          .body());
      JsonNode info = firing.get("alerts").get(0);
      assertThat(info.get("fingerprint").asText()).isEqualTo("deploy-42");
      assertThat(info.get("pages").asBoolean()).isFalse();
      String cursor = firing.get("next_cursor").asText();
      JsonNode next = JSON.readTree(server.get("/api/v1/alerts?status=firing&cursor=" + cursor,
          VIEWER).body()).get("alerts");
      assertThat(next).hasSize(1);
      assertThat(next.get(0).get("event_count").asInt()).isEqualTo(2);
      assertThat(next.get(0).get("severity").asText()).isEqualTo("critical");
      assertThat(next.get(0).get("pages").asBoolean()).isTrue();

      assertThat(server.get("/api/v1/alerts?status=open", VIEWER).statusCode()).isEqualTo(400);
      assertThat(server.get("/api/v1/alerts", null).statusCode()).isEqualTo(401);
      // a cursor from the events list is refused here
      assertThat(server.get("/api/v1/alerts?cursor=" + Params.encodeCursor(5, "e"), VIEWER)
          .statusCode()).isEqualTo(400);
    }
  }
}
