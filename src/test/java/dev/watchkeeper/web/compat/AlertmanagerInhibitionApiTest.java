package dev.watchkeeper.web.compat;

import static dev.watchkeeper.web.compat.AlertmanagerTestServer.VIEWER;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
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
 * Inhibition over real HTTP, as a Prometheus user sees it: a critical alert inhibits a warning of
 * the same cluster (no incident; suppressed in {@code GET /api/v2/alerts}); once the critical has
 * resolved, the warning's next firing report opens its incident.
 */
class AlertmanagerInhibitionApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "Bearer payments-key-123";
  static final String RULES = """
      inhibit_rules:
        - source_matchers: [severity="critical"]
          target_matchers: [severity="warning"]
          equal: [cluster]
      """;

  AlertmanagerTestServer server;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    server = new AlertmanagerTestServer(dir, RULES);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  void post(String alertname, String severity, String cluster, boolean resolved) throws Exception {
    String endsAt = resolved ? ",\"endsAt\":\"" + Instant.now().minusSeconds(1) + "\"" : "";
    HttpResponse<String> r = server.send("POST", "/api/v2/alerts", KEY, """
        [{"labels":{"alertname":"%s","severity":"%s","cluster":"%s"},"startsAt":"%s"%s}]
        """.formatted(alertname, severity, cluster, Instant.now().minusSeconds(60), endsAt));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = server.send("GET", path, bearer(VIEWER), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The group keys of the incidents, newest first, with their state. */
  List<String> incidents() throws Exception {
    List<String> out = new ArrayList<>();
    get("/api/v1/incidents").get("incidents").forEach(i -> out.add(
        i.get("group_key").asText() + " " + i.get("state").asText()));
    return out;
  }

  List<String> clusters(JsonNode alerts) {
    List<String> out = new ArrayList<>();
    alerts.forEach(a -> out.add(a.get("labels").get("alertname").asText() + "/"
        + a.get("labels").get("cluster").asText()));
    return out;
  }

  void awaitIncidents(String... expected) {
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(incidents()).containsExactly(expected));
  }

  @Test
  void aCriticalAlertInhibitsAWarningOfItsClusterUntilItResolves() throws Exception {
    post("ClusterDown", "critical", "eu-1", false);
    awaitIncidents("alertname=ClusterDown,cluster=eu-1 triggered");
    // The us-1 warning is not inhibited; its incident tells us the eu-1 one was processed too.
    post("PodCrash", "warning", "eu-1", false);
    post("PodCrash", "warning", "us-1", false);
    awaitIncidents("alertname=PodCrash,cluster=us-1 triggered",
        "alertname=ClusterDown,cluster=eu-1 triggered");

    JsonNode all = get("/api/v2/alerts");
    JsonNode critical = find(all, "ClusterDown/eu-1");
    JsonNode inhibited = find(all, "PodCrash/eu-1");
    assertThat(inhibited.get("status")).isEqualTo(JSON.readTree("{\"inhibitedBy\":[\""
        + critical.get("fingerprint").asText() + "\"],\"silencedBy\":[],\"state\":\"suppressed\"}"));
    assertThat(find(all, "PodCrash/us-1").get("status").get("state").asText()).isEqualTo("active");
    assertThat(critical.get("status").get("inhibitedBy")).isEmpty();

    assertThat(clusters(get("/api/v2/alerts?inhibited=false")))
        .containsExactlyInAnyOrder("ClusterDown/eu-1", "PodCrash/us-1");
    assertThat(clusters(get("/api/v2/alerts?active=false"))).containsExactly("PodCrash/eu-1");
    assertThat(clusters(get("/api/v2/alerts?silenced=false"))).hasSize(3);
    assertThat(clusters(get("/api/v2/alerts/groups?inhibited=false").get(0).get("alerts")))
        .containsExactlyInAnyOrder("ClusterDown/eu-1", "PodCrash/us-1");
    JsonNode native1 = get("/api/v1/alerts?status=firing").get("alerts");
    for (JsonNode a : native1) {
      String name = a.get("labels").get("alertname").asText() + "/"
          + a.get("labels").get("cluster").asText();
      assertThat(a.get("inhibited_by").size()).as(name)
          .isEqualTo(name.equals("PodCrash/eu-1") ? 1 : 0);
    }

    post("ClusterDown", "critical", "eu-1", true);
    awaitIncidents("alertname=PodCrash,cluster=us-1 triggered",
        "alertname=ClusterDown,cluster=eu-1 resolved");
    assertThat(find(get("/api/v2/alerts"), "PodCrash/eu-1").get("status").get("state").asText())
        .isEqualTo("active");
    // Prometheus re-sends the still-firing warning: now it pages.
    post("PodCrash", "warning", "eu-1", false);
    awaitIncidents("alertname=PodCrash,cluster=eu-1 triggered",
        "alertname=PodCrash,cluster=us-1 triggered",
        "alertname=ClusterDown,cluster=eu-1 resolved");
  }

  @Test
  void badInhibitedFlagIsA400() throws Exception {
    HttpResponse<String> r = server.send("GET", "/api/v2/alerts?inhibited=maybe", bearer(VIEWER),
        null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).asText())
        .isEqualTo("inhibited in query must be of type boolean: \"maybe\"");
  }

  JsonNode find(JsonNode alerts, String alertnameAndCluster) {
    for (JsonNode a : alerts) {
      if ((a.get("labels").get("alertname").asText() + "/"
          + a.get("labels").get("cluster").asText()).equals(alertnameAndCluster)) {
        return a;
      }
    }
    throw new AssertionError(alertnameAndCluster + " not in " + alerts);
  }
}
