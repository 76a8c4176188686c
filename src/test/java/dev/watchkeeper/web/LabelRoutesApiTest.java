package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void requestEndpointNamesTheAlertAndIncidentEachEventLandedIn() throws Exception {
    HttpResponse<String> r = server.post("/api/v1/events", GATEWAY_KEY, """
        [{"source":"pg-1","type":"replication.lag","severity":"critical","dedup_key":"pg-1/lag",
          "summary":"Replication lag on pg-1","labels":{"team":"db"}},
         {"source":"pg-1","type":"vacuum.done","severity":"info","dedup_key":"pg-1/vacuum",
          "labels":{"team":"db"}},
         {"source":"web-1","type":"http.5xx","severity":"error","dedup_key":"web-1/5xx"},
         {"source":"ci","type":"change","summary":"deployed pg 16.4"},
         {"source":"web-2","type":"http.5xx.resolved","dedup_key":"web-2/5xx"}]""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode accepted = JSON.readTree(r.body());
    String requestId = accepted.get("request_id").asText();

    JsonNode[] status = new JsonNode[1];
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      status[0] = get("/api/v1/requests/" + requestId);
      assertThat(status[0].get("state").asText()).isEqualTo("processed");
    });
    long dbIncident = incidents("db").get(0).get("id").asLong();
    long gatewayIncident = incidents("gateway").get(0).get("id").asLong();
    JsonNode results = status[0].get("results");
    assertThat(status[0].get("results_truncated").asBoolean()).isFalse();
    assertThat(results).hasSize(5);
    List<String> ids = new ArrayList<>();
    accepted.get("event_ids").forEach(id -> ids.add(id.asText()));
    assertThat(results.findValuesAsText("event_id")).containsExactlyElementsOf(ids);
    assertThat(results.findValuesAsText("effect"))
        .containsExactly("trigger", "trigger", "trigger", "none", "resolve");

    JsonNode lag = results.get(0);
    assertThat(lag.get("alert").get("service").asText()).isEqualTo("db");
    assertThat(lag.get("alert").get("fingerprint").asText()).isEqualTo("pg-1/lag");
    assertThat(lag.get("alert").get("routed_from").asText()).isEqualTo("gateway");
    assertThat(lag.get("incident_id").asLong()).isEqualTo(dbIncident);
    // informational: an alert, but no incident
    assertThat(results.get(1).get("alert").get("service").asText()).isEqualTo("db");
    assertThat(absent(results.get(1), "incident_id")).isTrue();
    JsonNode web = results.get(2);
    assertThat(web.get("alert").get("service").asText()).isEqualTo("gateway");
    assertThat(absent(web.get("alert"), "routed_from")).isTrue();
    assertThat(web.get("incident_id").asLong()).isEqualTo(gatewayIncident);
    // a change event is no alert; a resolve of an alert that never fired opens no incident
    assertThat(absent(results.get(3), "alert")).isTrue();
    assertThat(absent(results.get(3), "incident_id")).isTrue();
    assertThat(results.get(4).get("alert").get("service").asText()).isEqualTo("gateway");
    assertThat(absent(results.get(4), "incident_id")).isTrue();
  }

  @Test
  void requestEndpointFollowsAResolveByDedupKeyToTheRoutedIncident() throws Exception {
    server.post("/api/v1/events", GATEWAY_KEY, """
        {"source":"pg-1","type":"disk.full","severity":"error","dedup_key":"pg-1/disk",
         "labels":{"team":"db"}}""");
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(incidents("db")).hasSize(1));
    long id = incidents("db").get(0).get("id").asLong();

    HttpResponse<String> r = server.post("/api/v1/events", GATEWAY_KEY,
        "{\"source\":\"pg-1\",\"type\":\"disk.full.resolved\",\"dedup_key\":\"pg-1/disk\"}");
    String requestId = JSON.readTree(r.body()).get("request_id").asText();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode status = get("/api/v1/requests/" + requestId);
      assertThat(status.get("state").asText()).isEqualTo("processed");
      JsonNode result = status.get("results").get(0);
      assertThat(result.get("alert").get("service").asText()).isEqualTo("db");
      assertThat(result.get("incident_id").asLong()).isEqualTo(id);
    });
    assertThat(get("/api/v1/incidents/" + id).get("state").asText()).isEqualTo("resolved");
  }

  @Test
  void aReloadedRouteAppliesToTheNextEventsAndRoutedAlertsStayWhereTheyAre() throws Exception {
    String event = """
        {"source":"pg-1","type":"disk.full","severity":"warning","dedup_key":"%s",
         "labels":{"team":"db"}}""";
    server.post("/api/v1/events", GATEWAY_KEY, event.formatted("before"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(get("/api/v1/alerts?service=db").get("alerts")).hasSize(1));

    Files.writeString(server.configFile, Files
        .readString(server.configFile).replace("match: {team: db}", "match: {team: storage}"));
    assertThat(server.post("/api/v1/admin/reload", TestServer.ADMIN, "").statusCode())
        .isEqualTo(200);
    server.post("/api/v1/events", GATEWAY_KEY, event.formatted("after"));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(get("/api/v1/alerts?service=gateway").get("alerts").findValuesAsText(
            "fingerprint")).containsExactly("after"));
    assertThat(get("/api/v1/alerts?service=db").get("alerts").findValuesAsText("fingerprint"))
        .containsExactly("before");
  }
}
