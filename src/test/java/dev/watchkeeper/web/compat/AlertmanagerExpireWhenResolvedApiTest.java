package dev.watchkeeper.web.compat;

import static dev.watchkeeper.web.compat.AlertmanagerTestServer.RESPONDER;
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
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watchkeeper's extension to the Alertmanager silence API, over real HTTP: a silence created with
 * {@code "expireWhenResolved": true} expires once the alerts it mutes have resolved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertmanagerExpireWhenResolvedApiTest {
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

  HttpResponse<String> postSilence(String id, String alertname, Duration length, String extra)
      throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return server.send("POST", "/api/v2/silences", bearer(RESPONDER), "{"
        + (id == null ? "" : "\"id\":\"" + id + "\",")
        + "\"matchers\":[{\"name\":\"alertname\",\"value\":\"" + alertname + "\",\"isRegex\":false,"
        + "\"isEqual\":true}],\"startsAt\":\"" + start + "\",\"endsAt\":\"" + start.plus(length)
        + "\",\"createdBy\":\"carol\",\"comment\":\"deploy\"" + extra + "}");
  }

  String create(String alertname, String extra) throws Exception {
    HttpResponse<String> r = postSilence(null, alertname, Duration.ofHours(2), extra);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("silenceID").asText();
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = server.send("GET", path, bearer(VIEWER), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  void alert(String alertname, String instance, boolean resolved) throws Exception {
    String endsAt = resolved ? ",\"endsAt\":\"" + Instant.now().minusSeconds(1) + "\"" : "";
    HttpResponse<String> r = server.send("POST", "/api/v2/alerts", KEY, """
        [{"labels":{"alertname":"%s","instance":"%s","severity":"critical"},"startsAt":"%s"%s}]
        """.formatted(alertname, instance, Instant.now().minusSeconds(60), endsAt));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Sends an unsilenced alert and waits for its incident: everything sent before is processed. */
  void awaitProcessed(String marker) throws Exception {
    alert(marker, "x", false);
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/incidents").get("incidents")
        .findValues("group_key").stream().anyMatch(k -> k.asText().contains(marker)));
  }

  String state(String id) throws Exception {
    return get("/api/v2/silence/" + id).get("status").get("state").asText();
  }

  @Test
  void aSilenceExpiresOnceTheLastAlertItMutesHasResolved() throws Exception {
    String id = create("EwrDiskFull", ",\"expireWhenResolved\":true");
    assertThat(get("/api/v2/silence/" + id).get("expireWhenResolved").asBoolean()).isTrue();
    alert("EwrDiskFull", "web-1", false);
    alert("EwrDiskFull", "web-2", false);
    awaitProcessed("EwrMarker1");
    JsonNode muted = get("/api/v2/alerts?filter=alertname%3D%22EwrDiskFull%22");
    assertThat(muted).hasSize(2);
    muted.forEach(a -> assertThat(a.get("status").get("silencedBy").get(0).asText()).isEqualTo(id));

    alert("EwrDiskFull", "web-1", true);
    awaitProcessed("EwrMarker2");
    assertThat(state(id)).isEqualTo("active"); // web-2 still fires

    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    alert("EwrDiskFull", "web-2", true);
    await().atMost(Duration.ofSeconds(10)).until(() -> state(id).equals("expired"));
    JsonNode s = get("/api/v2/silence/" + id);
    assertThat(Instant.parse(s.get("endsAt").asText())).isBetween(before, Instant.now());
    assertThat(s.get("expireWhenResolved").asBoolean()).isTrue();
  }

  @Test
  void aSilenceWithoutTheFlagStaysWhenItsAlertResolves() throws Exception {
    String id = create("EwrPlain", "");
    assertThat(get("/api/v2/silence/" + id).get("expireWhenResolved").asBoolean()).isFalse();
    alert("EwrPlain", "web-1", false);
    alert("EwrPlain", "web-1", true);
    awaitProcessed("EwrMarker3");

    assertThat(state(id)).isEqualTo("active");
  }

  @Test
  void anUpdateWithoutTheFieldKeepsItAndAWrongTypeIsA400() throws Exception {
    String id = create("EwrUpdate", ",\"expireWhenResolved\":true");

    // amtool and Grafana re-post a silence they edit without fields they do not know.
    HttpResponse<String> extended = postSilence(id, "EwrUpdate", Duration.ofHours(3), "");
    assertThat(extended.statusCode()).as(extended.body()).isEqualTo(200);
    String same = JSON.readTree(extended.body()).get("silenceID").asText();
    assertThat(get("/api/v2/silence/" + same).get("expireWhenResolved").asBoolean()).isTrue();

    HttpResponse<String> cleared = postSilence(same, "EwrUpdate", Duration.ofHours(3),
        ",\"expireWhenResolved\":false");
    assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
    String after = JSON.readTree(cleared.body()).get("silenceID").asText();
    assertThat(get("/api/v2/silence/" + after).get("expireWhenResolved").asBoolean()).isFalse();

    HttpResponse<String> bad = postSilence(null, "EwrUpdate", Duration.ofHours(1),
        ",\"expireWhenResolved\":\"yes\"");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).asText())
        .isEqualTo("invalid silence: expireWhenResolved: must be true or false");
  }
}
