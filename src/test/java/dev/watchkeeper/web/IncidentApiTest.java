package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A responder works an incident over the API; every step lands on the timeline. */
class IncidentApiTest {
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

  JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  long triggeredIncident() throws Exception {
    server.post("/api/v1/events", PAYMENTS_KEY, """
        [{"source":"web-1","type":"http.5xx","severity":"critical","dedup_key":"5xx",
          "summary":"checkout failing"},
         {"source":"web-2","type":"latency","severity":"warning","dedup_key":"slow"}]""");
    JsonNode[] incidents = new JsonNode[1];
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      incidents[0] = json(server.get("/api/v1/incidents", VIEWER)).get("incidents");
      assertThat(incidents[0]).hasSize(1);
      assertThat(incidents[0].get(0).get("alert_count").asInt()).isEqualTo(2);
    });
    return incidents[0].get(0).get("id").asLong();
  }

  @Test
  void responderAcknowledgesNotesReassignsSnoozesAndResolvesWithAFullTimeline()
      throws Exception {
    long id = triggeredIncident();
    String base = "/api/v1/incidents/" + id;
    JsonNode detail = json(server.get(base, VIEWER));
    assertThat(detail.get("state").asText()).isEqualTo("triggered");
    assertThat(detail.get("title").asText()).isEqualTo("checkout failing");
    assertThat(detail.get("severity").asText()).isEqualTo("critical");
    assertThat(detail.get("alerts").findValuesAsText("fingerprint"))
        .containsExactly("5xx", "slow");

    HttpResponse<String> ack = server.post(base + "/acknowledge", ADMIN, "");
    assertThat(ack.statusCode()).isEqualTo(200);
    assertThat(json(ack).get("acknowledged_by").asText()).isEqualTo("token:alice");
    HttpResponse<String> again = server.post(base + "/acknowledge", ADMIN, "");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(again).get("message").asText()).contains("already acknowledged");

    assertThat(server.post(base + "/notes", ADMIN, "{\"text\":\"rolling back 4.2\"}")
        .statusCode()).isEqualTo(200);
    assertThat(json(server.post(base + "/reassign", ADMIN, "{\"assignee\":\"carol\"}"))
        .get("assignee").asText()).isEqualTo("carol");
    String until = Instant.now().plusSeconds(3600).toString();
    assertThat(json(server.post(base + "/snooze", ADMIN, "{\"until\":\"" + until + "\"}"))
        .get("snoozed_until").asText()).isNotEmpty();
    assertThat(json(server.post(base + "/resolve", ADMIN, "")).get("state").asText())
        .isEqualTo("resolved");
    assertThat(server.post(base + "/resolve", ADMIN, "").statusCode()).isEqualTo(409);

    JsonNode timeline = json(server.get(base + "/timeline", VIEWER)).get("timeline");
    // payments has no escalation policy: the timeline says nobody was paged.
    assertThat(timeline.findValuesAsText("kind")).containsExactly("incident.triggered",
        "incident.not_paged", "alert.grouped", "incident.acknowledged", "note",
        "incident.reassigned", "incident.snoozed", "incident.resolved");
    assertThat(timeline.get(4).get("actor").asText()).isEqualTo("token:alice");
    assertThat(timeline.get(4).get("message").asText()).isEqualTo("rolling back 4.2");
  }

  @Test
  void badRequestsAreRefusedWithAReasonAndViewersCannotAct() throws Exception {
    long id = triggeredIncident();
    String base = "/api/v1/incidents/" + id;

    assertThat(server.post(base + "/acknowledge", VIEWER, "").statusCode()).isEqualTo(403);
    assertThat(server.post(base + "/acknowledge", null, "").statusCode()).isEqualTo(401);
    assertThat(server.post("/api/v1/incidents/999/acknowledge", ADMIN, "").statusCode())
        .isEqualTo(404);
    assertThat(server.get("/api/v1/incidents/abc", VIEWER).statusCode()).isEqualTo(404);
    assertThat(server.post(base + "/notes", ADMIN, "{}").statusCode()).isEqualTo(400);
    assertThat(server.post(base + "/notes", ADMIN, "{\"text\":").statusCode()).isEqualTo(400);
    HttpResponse<String> snooze = server.post(base + "/snooze", ADMIN,
        "{\"until\":\"2030-01-01T00:00:00Z\"}");
    assertThat(snooze.statusCode()).isEqualTo(409);
    assertThat(json(snooze).get("message").asText()).contains("acknowledge it first");
    assertThat(server.post(base + "/snooze", ADMIN, "{\"until\":\"soon\"}").statusCode())
        .isEqualTo(400);
    assertThat(server.get("/api/v1/incidents?state=open", VIEWER).statusCode()).isEqualTo(400);

    // An action without input still refuses a body that is not a JSON object, and acts on none.
    HttpResponse<String> broken = server.post(base + "/acknowledge", ADMIN, "{\"reason\":[1");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(json(broken).get("message").asText())
        .startsWith("invalid JSON at line 1, column 13: Unexpected end-of-input")
        .contains("(start marker at line 1, column 11)").doesNotContain("Source");
    assertThat(server.post(base + "/resolve", ADMIN, "[]").statusCode()).isEqualTo(400);
    assertThat(json(server.get(base, VIEWER)).get("state").asText()).isEqualTo("triggered");
    assertThat(json(server.post(base + "/acknowledge", ADMIN, "{\"reason\":\"on it\"}"))
        .get("state").asText()).isEqualTo("acknowledged");
  }

  @Test
  void incidentResolvesByItselfWhenItsAlertsResolveAndListFiltersByState() throws Exception {
    long id = triggeredIncident();
    server.post("/api/v1/events", PAYMENTS_KEY, """
        [{"source":"web-1","type":"http.5xx.resolved","dedup_key":"5xx"},
         {"source":"web-2","type":"latency.resolved","dedup_key":"slow"}]""");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode i = json(server.get("/api/v1/incidents/" + id, VIEWER));
      assertThat(i.get("state").asText()).isEqualTo("resolved");
      assertThat(i.get("resolved_by").asText()).isEqualTo("system");
    });
    assertThat(json(server.get("/api/v1/incidents?state=triggered", VIEWER)).get("incidents"))
        .isEmpty();
    assertThat(json(server.get("/api/v1/incidents?state=resolved", VIEWER)).get("incidents"))
        .hasSize(1);
  }

  @Test
  void mergeMovesAlertsAndPriorityUrgencyAndRecentChangesAreShown() throws Exception {
    server.post("/api/v1/events", PAYMENTS_KEY,
        "{\"source\":\"ci\",\"type\":\"change\",\"summary\":\"deployed checkout 4.2\"}");
    long first = triggeredIncident();
    server.post("/api/v1/incidents/" + first + "/priority", ADMIN, "{\"priority\":\"p1\"}");
    JsonNode detail = json(server.get("/api/v1/incidents/" + first, VIEWER));
    assertThat(detail.get("priority").asText()).isEqualTo("P1");
    assertThat(detail.get("urgency").asText()).isEqualTo("high");
    assertThat(detail.get("changes_before").findValuesAsText("summary"))
        .containsExactly("deployed checkout 4.2");
    assertThat(server.post("/api/v1/incidents/" + first + "/priority", ADMIN,
        "{\"priority\":\"P9\"}").statusCode()).isEqualTo(400);
    assertThat(json(server.get("/api/v1/incidents?priority=P1&severity=critical", VIEWER))
        .get("incidents")).hasSize(1);
    assertThat(json(server.get("/api/v1/incidents?priority=P2", VIEWER)).get("incidents"))
        .isEmpty();
    assertThat(server.get("/api/v1/incidents?priority=P7", VIEWER).statusCode()).isEqualTo(400);

    HttpResponse<String> self = server.post("/api/v1/incidents/" + first + "/merge", ADMIN,
        "{\"into\":" + first + "}");
    assertThat(self.statusCode()).isEqualTo(409);
    assertThat(server.post("/api/v1/incidents/" + first + "/merge", ADMIN, "{\"into\":999}")
        .statusCode()).isEqualTo(404);
    assertThat(server.post("/api/v1/incidents/" + first + "/merge", ADMIN, "{\"into\":\"x\"}")
        .statusCode()).isEqualTo(400);
  }
}
