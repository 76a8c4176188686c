package dev.watchkeeper.web;

import static dev.watchkeeper.web.AccessFixture.ADMIN;
import static dev.watchkeeper.web.AccessFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silences belong to a team: a team's responder mutes only the services that team owns, through
 * the unchanged Alertmanager API, and other teams neither see nor change the silence.
 */
class TeamSilencesApiTest {
  @TempDir Path dir;
  AccessFixture f;
  String payResponder;
  String batchResponder;
  String batchViewer;

  @BeforeEach
  void start() throws Exception {
    f = new AccessFixture(dir);
    payResponder = f.token("pay-responder", "payments-team", "responder");
    batchResponder = f.token("batch-responder", "batch-team", "responder");
    batchViewer = f.token("batch-viewer", "batch-team", "viewer");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private HttpResponse<String> silence(String token, String extra) throws Exception {
    String body = """
        {"matchers":[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true}],
         "startsAt":"%s","endsAt":"%s","createdBy":"dave","comment":"disk swap tonight"%s}"""
        .formatted(Instant.now(), Instant.now().plus(Duration.ofHours(2)), extra);
    return f.send("POST", "/api/v2/silences", token, body, Map.of());
  }

  private void event(String key, String dedup) throws Exception {
    HttpResponse<String> r = f.send("POST", "/api/v1/events", key, """
        {"source":"host-1","type":"disk.full","severity":"critical","dedup_key":"%s",
         "summary":"disk full","labels":{"alertname":"DiskFull"}}""".formatted(dedup),
        Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  @Test
  void aTeamsSilenceMutesOnlyThatTeamsServices() throws Exception {
    HttpResponse<String> made = silence(payResponder, "");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
    String id = json(made).get("silenceID").asText();
    JsonNode stored = json(f.server.get("/api/v2/silence/" + id, ADMIN));
    assertThat(stored.get("team").asText()).isEqualTo("payments-team");

    // Both services get an alert the matchers accept; only payments' is muted.
    event(AccessFixture.PAYMENTS_KEY, "pay-disk");
    event(TestServer.SLOW_KEY, "batch-disk");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        json(f.server.get("/api/v1/incidents?service=batch", ADMIN)).get("incidents"))
        .hasSize(1));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        json(f.server.get("/api/v1/alerts", ADMIN)).get("alerts")).hasSize(2));
    assertThat(json(f.server.get("/api/v1/incidents?service=payments", ADMIN)).get("incidents"))
        .isEmpty();
  }

  @Test
  void anotherTeamNeitherSeesNorChangesIt() throws Exception {
    String id = json(silence(payResponder, "")).get("silenceID").asText();
    assertThat(json(f.server.get("/api/v2/silences", batchViewer))).isEmpty();
    assertThat(json(f.server.get("/api/v2/silences", ADMIN)).findValuesAsText("id"))
        .containsExactly(id);
    assertThat(f.server.get("/api/v2/silence/" + id, batchViewer).statusCode()).isEqualTo(404);
    HttpResponse<String> expire = f.send("DELETE", "/api/v2/silence/" + id, batchResponder,
        null, Map.of());
    assertThat(expire.statusCode()).isEqualTo(404);
    HttpResponse<String> update = silence(batchResponder, ",\"id\":\"" + id + "\"");
    assertThat(update.statusCode()).isEqualTo(404);
    assertThat(json(f.server.get("/api/v2/silence/" + id, ADMIN)).at("/status/state").asText())
        .isEqualTo("active");
    // Its own team expires it.
    assertThat(f.send("DELETE", "/api/v2/silence/" + id, payResponder, null, Map.of())
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aResponderCannotNameAnotherTeamOrAnUnknownOne() throws Exception {
    HttpResponse<String> other = silence(payResponder, ",\"team\":\"batch-team\"");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(json(other).asText()).isEqualTo("token:pay-responder has responder on"
        + " payments-team; this needs responder on team \"batch-team\"");
    HttpResponse<String> unknown = silence(ADMIN, ",\"team\":\"nobody\"");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).asText())
        .isEqualTo("invalid silence: team: no team \"nobody\" in the config");
  }

  @Test
  void aSilenceOfEveryTeamIsTheGlobalRespondersAndSeenByAll() throws Exception {
    HttpResponse<String> made = silence(ADMIN, "");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
    String id = json(made).get("silenceID").asText();
    assertThat(json(f.server.get("/api/v2/silence/" + id, batchViewer)).has("team")).isFalse();
    HttpResponse<String> expire = f.send("DELETE", "/api/v2/silence/" + id, batchResponder,
        null, Map.of());
    assertThat(expire.statusCode()).isEqualTo(403);
    assertThat(json(expire).asText()).isEqualTo("token:batch-responder has responder on"
        + " batch-team; this needs responder on every team");
    // A team's responder can still make a silence of its own team explicitly.
    HttpResponse<String> own = silence(batchResponder, ",\"team\":\"batch-team\"");
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
  }

  @Test
  void aResponderOfSeveralTeamsMustSayWhich() throws Exception {
    f.login("dave", "{\"payments-team\":\"responder\",\"batch-team\":\"responder\"}");
    String both = f.token("both", null, "viewer"); // a global viewer: no team is implied
    HttpResponse<String> viewer = silence(both, "");
    assertThat(viewer.statusCode()).isEqualTo(403);
    var browser = f.logIn("dave", AccessFixture.PASSWORD, Map.of());
    HttpResponse<String> r = f.send("POST", "/api/v2/silences", null, """
        {"matchers":[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true}],
         "endsAt":"%s","createdBy":"dave","comment":"swap"}"""
        .formatted(Instant.now().plus(Duration.ofHours(1))),
        browser.headers());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).asText()).isEqualTo("invalid silence: team: required, because user:dave"
        + " is responder on several teams (batch-team, payments-team); name the team the"
        + " silence is for");
  }
}
