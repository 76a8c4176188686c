package dev.watchkeeper.web;

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

/**
 * One integration key (service {@code gateway}) for everything; its label routes hand alerts of
 * team db (or a PagerDuty group matching db|database) to the {@code db} service, which owns their incidents.
 */
class LabelRoutesApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String GATEWAY_KEY = "gateway-key-123";
  static final String SERVICES = """
        - id: gateway
          integration_keys: [{name: prometheus, key_sha256: %s}]
          label_routes:
            - {match: {team: db}, service: db}
            - {match_re: {group: "db|database"}, service: db}
        - id: db
          integration_keys: [{name: default, key_sha256: %s}]
      """.formatted(Credentials.sha256(GATEWAY_KEY), Credentials.sha256("db-key-1234567"));

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(dir, SERVICES);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = server.get(path, VIEWER);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The API leaves out null fields: absent means null. */
  static boolean absent(JsonNode n, String field) {
    return n.get(field) == null || n.get(field).isNull();
  }

  JsonNode incidents(String service) throws Exception {
    return get("/api/v1/incidents?service=" + service).get("incidents");
  }

  static String promAlert(String name, String team) {
    return """
        {"labels":{"alertname":"%s","team":"%s","severity":"critical"},
         "annotations":{"summary":"%s"},"startsAt":"2026-11-23T09:00:00Z","endsAt":"%s"}"""
        .formatted(name, team, name, Instant.now().plusSeconds(600));
  }

  @Test
  void prometheusAlertsWithTeamDbThroughTheOneKeyOpenIncidentsOfTheDbService() throws Exception {
    HttpResponse<String> r = server.post("/api/v2/alerts", GATEWAY_KEY,
        "[" + promAlert("ReplicationLag", "db") + "," + promAlert("HighLatency", "api") + "]");
    assertThat(r.statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(incidents("db")).hasSize(1);
      assertThat(incidents("gateway")).hasSize(1);
    });
    assertThat(incidents("db").get(0).get("title").asText()).isEqualTo("ReplicationLag");
    assertThat(incidents("gateway").get(0).get("title").asText()).isEqualTo("HighLatency");

    JsonNode dbAlerts = get("/api/v1/alerts?service=db").get("alerts");
    assertThat(dbAlerts).hasSize(1);
    assertThat(dbAlerts.get(0).get("labels").get("alertname").asText())
        .isEqualTo("ReplicationLag");
    assertThat(dbAlerts.get(0).get("routed_from").asText()).isEqualTo("gateway");
    JsonNode gatewayAlerts = get("/api/v1/alerts?service=gateway").get("alerts");
    assertThat(gatewayAlerts).hasSize(1);
    assertThat(absent(gatewayAlerts.get(0), "routed_from")).isTrue();

    // The event log keeps what the sender was authorised for: the key's service.
    JsonNode events = get("/api/v1/events?service=gateway").get("events");
    assertThat(events).hasSize(2);
    assertThat(get("/api/v1/events?service=db").get("events")).isEmpty();
  }

  @Test
  void pagerDutyAcknowledgeAndResolveByDedupKeyOnlyActOnTheRoutedIncident() throws Exception {
    HttpResponse<String> trigger = server.post("/v2/enqueue", null, """
        {"routing_key":"%s","event_action":"trigger","dedup_key":"pg-1/replication",
         "payload":{"summary":"Replication lag 5 min on pg-1","source":"pg-1",
                    "severity":"critical","group":"db",
                    "custom_details":{"lag_seconds":300}}}""".formatted(GATEWAY_KEY));
    assertThat(trigger.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(incidents("db")).hasSize(1));
    long id = incidents("db").get(0).get("id").asLong();

    assertThat(server.post("/v2/enqueue", null, """
        {"routing_key":"%s","event_action":"acknowledge","dedup_key":"pg-1/replication"}"""
        .formatted(GATEWAY_KEY)).statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode incident = get("/api/v1/incidents/" + id);
      assertThat(incident.get("state").asText()).isEqualTo("acknowledged");
      assertThat(incident.get("acknowledged_by").asText()).isEqualTo("source:gateway");
    });

    assertThat(server.post("/v2/enqueue", null, """
        {"routing_key":"%s","event_action":"resolve","dedup_key":"pg-1/replication"}"""
        .formatted(GATEWAY_KEY)).statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode incident = get("/api/v1/incidents/" + id);
      assertThat(incident.get("state").asText()).isEqualTo("resolved");
      assertThat(incident.get("resolved_by").asText()).isEqualTo("system");
    });

    JsonNode dbAlerts = get("/api/v1/alerts?service=db").get("alerts");
    assertThat(dbAlerts).hasSize(1);
    assertThat(dbAlerts.get(0).get("status").asText()).isEqualTo("resolved");
    assertThat(dbAlerts.get(0).get("event_count").asInt()).isEqualTo(2);
    assertThat(get("/api/v1/alerts?service=gateway").get("alerts"))
        .as("the resolve must not leave a stray alert in the key's service").isEmpty();
    assertThat(incidents("gateway")).isEmpty();
  }
}
