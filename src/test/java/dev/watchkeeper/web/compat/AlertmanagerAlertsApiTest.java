package dev.watchkeeper.web.compat;

import static dev.watchkeeper.web.compat.AlertmanagerTestServer.ADMIN;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.RESPONDER;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.VIEWER;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.basic;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.mute.Matcher;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v2/alerts}, {@code /api/v2/alerts/groups}, {@code /api/v2/status} and
 * {@code /api/v2/receivers} over real HTTP, with Alertmanager 0.25's shapes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertmanagerAlertsApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "Bearer payments-key-123";

  AlertmanagerTestServer server;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = new AlertmanagerTestServer(dir);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  void post(String alerts) throws Exception {
    HttpResponse<String> r = server.send("POST", "/api/v2/alerts", KEY, alerts);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  JsonNode get(String path, String auth) throws Exception {
    HttpResponse<String> r = server.send("GET", path, auth, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    return JSON.readTree(r.body());
  }

  JsonNode alerts(String... query) throws Exception {
    return get("/api/v2/alerts" + query(query), bearer(VIEWER));
  }

  static String query(String... params) {
    StringBuilder q = new StringBuilder();
    for (String p : params) {
      int eq = p.indexOf('=');
      q.append(q.length() == 0 ? "?" : "&").append(p, 0, eq + 1)
          .append(URLEncoder.encode(p.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q.toString();
  }

  static List<String> names(JsonNode alerts) {
    List<String> out = new ArrayList<>();
    alerts.forEach(a -> out.add(a.get("labels").path("alertname").asText()));
    return out;
  }

  JsonNode awaitAlerts(int count, String... query) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      last[0] = alerts(query);
      return last[0].size() == count;
    });
    return last[0];
  }

  @Test
  void listsFiringAlertsWithAlertmanagersShapeFiltersThemAndDropsResolvedOnes() throws Exception {
    Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
    post("""
        [{"labels":{"alertname":"ListDiskFull","instance":"web-1","severity":"critical"},
          "annotations":{"summary":"Disk 95%% full","runbook":"https://runbooks/disk"},
          "startsAt":"%s","generatorURL":"http://prom:9090/graph?g0.expr=disk"},
         {"labels":{"alertname":"ListLatency","instance":"web-2"},"startsAt":"%s"}]
        """.formatted(start, start));
    // A native event with labels: no annotations and no generatorURL are stored for it.
    HttpResponse<String> nat = server.send("POST", "/api/v1/events", KEY,
        "{\"source\":\"web-3\",\"type\":\"cpu.high\",\"severity\":\"error\","
            + "\"labels\":{\"alertname\":\"ListCpu\"}}");
    assertThat(nat.statusCode()).as(nat.body()).isEqualTo(202);

    JsonNode all = awaitAlerts(3, "filter=alertname=~\"List.*\"");
    // Sorted by fingerprint, like Alertmanager.
    List<String> fps = new ArrayList<>();
    all.forEach(a -> fps.add(a.get("fingerprint").asText()));
    assertThat(fps).isSorted();

    JsonNode disk = one(all, "ListDiskFull");
    assertThat(disk.get("labels")).isEqualTo(JSON.readTree(
        "{\"alertname\":\"ListDiskFull\",\"instance\":\"web-1\",\"severity\":\"critical\"}"));
    assertThat(disk.get("annotations")).isEqualTo(JSON.readTree(
        "{\"runbook\":\"https://runbooks/disk\",\"summary\":\"Disk 95% full\"}"));
    assertThat(disk.get("generatorURL").asText()).isEqualTo("http://prom:9090/graph?g0.expr=disk");
    assertThat(disk.get("startsAt").asText()).isEqualTo(
        AlertmanagerAlertsRoutes.TIME.format(start));
    assertThat(disk.get("fingerprint").asText()).startsWith("fp:");
    assertThat(disk.get("receivers")).isEqualTo(JSON.readTree("[{\"name\":\"watchkeeper\"}]"));
    assertThat(disk.get("status")).isEqualTo(JSON.readTree(
        "{\"inhibitedBy\":[],\"silencedBy\":[],\"state\":\"active\"}"));
    Instant updated = Instant.parse(disk.get("updatedAt").asText());
    assertThat(updated).isBetween(start, Instant.now().plusSeconds(1));
    assertThat(Instant.parse(disk.get("endsAt").asText()))
        .isEqualTo(updated.plus(Duration.ofMinutes(5)));
    assertThat(disk.get("startsAt").asText()).matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    JsonNode cpu = one(all, "ListCpu");
    assertThat(cpu.get("annotations")).isEqualTo(JSON.readTree("{}"));
    assertThat(cpu.get("generatorURL").asText()).isEmpty();

    assertThat(names(alerts("filter=alertname=\"ListDiskFull\""))).containsExactly("ListDiskFull");
    assertThat(names(alerts("filter={alertname=~\"List.*\",instance=\"web-2\"}")))
        .containsExactly("ListLatency");
    assertThat(names(alerts("filter=alertname=~\"List.*\"", "filter=instance!=\"web-1\"")))
        .containsExactlyInAnyOrder("ListLatency", "ListCpu");
    // Alertmanager's rule: `instance=""` also accepts alerts without the label.
    assertThat(names(alerts("filter=alertname=~\"List.*\"", "filter=instance=\"\"")))
        .containsExactly("ListCpu");
    assertThat(alerts("filter=alertname=\"Nothing\"").size()).isZero();
    // receiver is accepted and ignored; unprocessed does not filter (as in Alertmanager 0.25).
    assertThat(alerts("filter=alertname=~\"List.*\"", "receiver=anything", "unprocessed=false")
        .size()).isEqualTo(3);

    // Resolved alerts disappear.
    post("""
        [{"labels":{"alertname":"ListLatency","instance":"web-2"},"startsAt":"%s","endsAt":"%s"}]
        """.formatted(start, Instant.now().minusSeconds(1)));
    assertThat(names(awaitAlerts(2, "filter=alertname=~\"List.*\"")))
        .containsExactlyInAnyOrder("ListDiskFull", "ListCpu");
  }

  @Test
  void anAlertNotReportedAgainByItsEndsAtResolvesWithItsIncident() throws Exception {
    Instant ends = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
    post("[{\"labels\":{\"alertname\":\"ExpiresSoon\",\"cluster\":\"exp\"},"
        + "\"annotations\":{\"summary\":\"expires soon\"},\"endsAt\":\"" + ends + "\"}]");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> names(alerts()).contains("ExpiresSoon") && incident("expires soon") != null);
    assertThat(incident("expires soon").get("state").asText()).isEqualTo("triggered");

    // Nothing re-sends it: within a poll (5 s) after its end time it is gone, as in Alertmanager.
    await().atMost(Duration.ofSeconds(20))
        .until(() -> !names(alerts()).contains("ExpiresSoon"));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> incident("expires soon").get("state").asText().equals("resolved"));
    JsonNode timeline = get("/api/v1/incidents/" + incident("expires soon").get("id").asLong()
        + "/timeline", bearer(VIEWER)).get("timeline");
    assertThat(timeline.findValuesAsText("kind")).contains("alert.resolved", "incident.resolved");
    for (JsonNode t : timeline) {
      if (t.get("kind").asText().equals("alert.resolved")) {
        assertThat(t.get("actor").asText()).isEqualTo("system");
        assertThat(t.get("message").asText()).endsWith("not reported again by its end time"
            + " (Alertmanager's endsAt)");
      }
    }
  }

  /** The incident of payments with this title, or null. */
  JsonNode incident(String title) throws Exception {
    for (JsonNode i : get("/api/v1/incidents?service=payments&limit=100", bearer(VIEWER))
        .get("incidents")) {
      if (i.get("title").asText().equals(title)) {
        return i;
      }
    }
    return null;
  }

  @Test
  void silencedAlertsAreSuppressedWithTheSilenceIds() throws Exception {
    post("""
        [{"labels":{"alertname":"SilMuted","instance":"db-1"}},
         {"labels":{"alertname":"SilLoud","instance":"db-2"}}]
        """);
    awaitAlerts(2, "filter=alertname=~\"Sil.*\"");
    Instant now = Instant.now();
    HttpResponse<String> created = server.send("POST", "/api/v2/silences", bearer(RESPONDER),
        "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SilMuted\",\"isRegex\":false}],"
            + "\"startsAt\":\"" + now + "\",\"endsAt\":\"" + now.plusSeconds(3600)
            + "\",\"createdBy\":\"carol\",\"comment\":\"maintenance\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String id = JSON.readTree(created.body()).get("silenceID").asText();

    JsonNode muted = one(alerts("filter=alertname=~\"Sil.*\""), "SilMuted");
    assertThat(muted.get("status")).isEqualTo(JSON.readTree(
        "{\"inhibitedBy\":[],\"silencedBy\":[\"" + id + "\"],\"state\":\"suppressed\"}"));
    assertThat(names(alerts("filter=alertname=~\"Sil.*\"", "silenced=false")))
        .containsExactly("SilLoud");
    assertThat(names(alerts("filter=alertname=~\"Sil.*\"", "active=false")))
        .containsExactly("SilMuted");
    assertThat(names(alerts("filter=alertname=~\"Sil.*\"", "active=false", "silenced=false")))
        .isEmpty();
    assertThat(names(alerts("filter=alertname=~\"Sil.*\"", "inhibited=false"))).hasSize(2);
  }

  @Test
  void groupsAlertsByService() throws Exception {
    post("[{\"labels\":{\"alertname\":\"GroupedOne\"}}]");
    awaitAlerts(1, "filter=alertname=\"GroupedOne\"");
    JsonNode groups = get("/api/v2/alerts/groups" + query("filter=alertname=\"GroupedOne\""),
        basic("bob", VIEWER));
    assertThat(groups.size()).isEqualTo(1);
    JsonNode g = groups.get(0);
    assertThat(g.get("labels")).isEqualTo(JSON.readTree("{\"service\":\"payments\"}"));
    assertThat(g.get("receiver")).isEqualTo(JSON.readTree("{\"name\":\"watchkeeper\"}"));
    assertThat(names(g.get("alerts"))).containsExactly("GroupedOne");
    assertThat(g.get("alerts").get(0).has("status")).isTrue();
  }

  @Test
  void statusHasTheFieldsAmtoolReads() throws Exception {
    JsonNode s = get("/api/v2/status", bearer(ADMIN));
    assertThat(s.get("cluster")).isEqualTo(JSON.readTree(
        "{\"name\":\"\",\"peers\":[],\"status\":\"disabled\"}"));
    assertThat(s.get("config").get("original").asText()).contains("receiver: watchkeeper");
    assertThat(Instant.parse(s.get("uptime").asText())).isBefore(Instant.now().plusSeconds(1));
    for (String f : List.of("version", "revision", "branch", "buildUser", "buildDate",
        "goVersion")) {
      assertThat(s.get("versionInfo").get(f).isTextual()).as(f).isTrue();
    }
    assertThat(s.get("versionInfo").get("version").asText()).isEqualTo("0.25.0+watchkeeper.dev");
    assertThat(get("/api/v2/receivers", bearer(VIEWER)))
        .isEqualTo(JSON.readTree("[{\"name\":\"watchkeeper\"}]"));
  }

  @Test
  void needsAViewerTokenAndAnswersErrorsAsJsonStrings() throws Exception {
    for (String path : List.of("/api/v2/alerts", "/api/v2/alerts/groups", "/api/v2/status",
        "/api/v2/receivers")) {
      HttpResponse<String> none = server.send("GET", path, null, null);
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(JSON.readTree(none.body()).isTextual()).isTrue();
      // An integration key is not an API token.
      assertThat(server.send("GET", path, KEY, null).statusCode()).as(path).isEqualTo(401);
    }
    HttpResponse<String> badBool = server.send("GET", "/api/v2/alerts?active=maybe",
        bearer(VIEWER), null);
    assertThat(badBool.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badBool.body()).asText()).contains("active");
    HttpResponse<String> badFilter = server.send("GET", "/api/v2/alerts/groups"
        + query("filter=alertname"), bearer(VIEWER), null);
    assertThat(badFilter.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badFilter.body()).asText()).startsWith("bad matcher format");
  }

  @Test
  void versionIsTheSpokenAlertmanagerVersionWithWatchkeepersAsBuildMetadata() {
    assertThat(AlertmanagerStatusRoutes.apiVersion("0.1.0-SNAPSHOT"))
        .isEqualTo("0.25.0+watchkeeper.0.1.0-SNAPSHOT");
    assertThat(AlertmanagerStatusRoutes.apiVersion("1.2 (beta)+x"))
        .isEqualTo("0.25.0+watchkeeper.1.2--beta--x");
    assertThat(AlertmanagerStatusRoutes.apiVersion(null)).isEqualTo("0.25.0");
    assertThat(AlertmanagerStatusRoutes.apiVersion("..")).isEqualTo("0.25.0");
  }

  @Test
  void filterFollowsAlertmanagersEmptyValueRule() {
    Map<String, String> labels = Map.of("a", "1");
    assertThat(AlertmanagerAlertsRoutes.matches(List.of(Matcher.equal("b", "")), labels)).isTrue();
    assertThat(AlertmanagerAlertsRoutes.matches(List.of(Matcher.equal("a", "")), labels)).isFalse();
    assertThat(AlertmanagerAlertsRoutes.matches(List.of(Matcher.of("a", "", false, false)),
        labels)).isTrue();
    assertThat(AlertmanagerAlertsRoutes.matches(List.of(Matcher.of("b", "", false, false)),
        labels)).isFalse();
    assertThat(AlertmanagerAlertsRoutes.matches(List.of(Matcher.of("a", "[0-9]", true, true)),
        labels)).isTrue();
    assertThat(AlertmanagerAlertsRoutes.matches(List.of(Matcher.of("a", "1", false, false)),
        labels)).isFalse();
  }

  static JsonNode one(JsonNode alerts, String alertname) {
    for (JsonNode a : alerts) {
      if (a.get("labels").path("alertname").asText().equals(alertname)) {
        return a;
      }
    }
    throw new AssertionError("no alert " + alertname + " in " + alerts);
  }
}
