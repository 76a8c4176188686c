package dev.watchkeeper.web.compat;

import static dev.watchkeeper.web.compat.AlertmanagerTestServer.ADMIN;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.RESPONDER;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.VIEWER;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.basic;
import static dev.watchkeeper.web.compat.AlertmanagerTestServer.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Alertmanager API v2 silence endpoints over real HTTP, as amtool uses them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertmanagerSilenceApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  AlertmanagerTestServer server;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = new AlertmanagerTestServer(dir);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static String body(String id, String matchers, Instant start, Instant end, String createdBy,
      String comment) {
    return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"matchers\":" + matchers
        + ",\"startsAt\":\"" + start + "\",\"endsAt\":\"" + end + "\",\"createdBy\":\""
        + createdBy + "\",\"comment\":\"" + comment + "\"}";
  }

  static String matcher(String name, String value, boolean isRegex, boolean isEqual) {
    return "{\"name\":\"" + name + "\",\"value\":\"" + value + "\",\"isRegex\":" + isRegex
        + ",\"isEqual\":" + isEqual + "}";
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  String create(String auth, String matchers, Duration length) throws Exception {
    Instant start = now();
    HttpResponse<String> r = server.send("POST", "/api/v2/silences", auth,
        body(null, matchers, start, start.plus(length), "alice@example.com", "deploy"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("silenceID").asText();
  }

  JsonNode get(String id) throws Exception {
    HttpResponse<String> r = server.send("GET", "/api/v2/silence/" + id, bearer(VIEWER), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  List<String> listIds(String... filters) throws Exception {
    StringBuilder q = new StringBuilder();
    for (String f : filters) {
      q.append(q.length() == 0 ? "?" : "&").append("filter=")
          .append(URLEncoder.encode(f, StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = server.send("GET", "/api/v2/silences" + q, bearer(VIEWER), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    JSON.readTree(r.body()).forEach(n -> ids.add(n.get("id").asText()));
    return ids;
  }

  @Test
  void createsAndReturnsTheSilenceInAlertmanagerShape() throws Exception {
    Instant start = now();
    Instant end = start.plus(Duration.ofHours(2));
    HttpResponse<String> r = server.send("POST", "/api/v2/silences", bearer(ADMIN),
        body(null, "[" + matcher("alertname", "DiskFull", false, true) + ","
            + matcher("instance", "web-.*", true, false) + "]", start, end, "alice@example.com",
            "disk swap"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String id = JSON.readTree(r.body()).get("silenceID").asText();

    JsonNode s = get(id);

    assertThat(s.get("id").asText()).isEqualTo(id);
    assertThat(s.get("status").get("state").asText()).isEqualTo("active");
    assertThat(s.get("matchers").toString()).isEqualTo("[" + matcher("alertname", "DiskFull",
        false, true) + "," + matcher("instance", "web-.*", true, false) + "]");
    assertThat(Instant.parse(s.get("startsAt").asText())).isBetween(start, start.plusSeconds(5));
    assertThat(Instant.parse(s.get("endsAt").asText())).isEqualTo(end);
    assertThat(s.get("endsAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(s.get("updatedAt").asText()).isNotEmpty();
    assertThat(s.get("createdBy").asText()).isEqualTo("alice@example.com");
    assertThat(s.get("comment").asText()).isEqualTo("disk swap");
  }

  @Test
  void listsWithAFilterOnMatchers() throws Exception {
    String a = create(bearer(ADMIN), "[" + matcher("team", "listing-a", false, true) + "]",
        Duration.ofHours(1));
    String b = create(bearer(ADMIN), "[" + matcher("team", "listing-a", false, true) + ","
        + matcher("env", "prod", false, true) + "]", Duration.ofMinutes(30));

    assertThat(listIds("team=\"listing-a\"")).containsExactly(b, a);
    assertThat(listIds("{team=\"listing-a\",env=\"prod\"}")).containsExactly(b);
    assertThat(listIds("team=\"listing-a\"", "env=prod")).containsExactly(b);
    assertThat(listIds()).contains(a, b);
    HttpResponse<String> bad = server.send("GET", "/api/v2/silences?filter="
        + URLEncoder.encode("team~x", StandardCharsets.UTF_8), bearer(VIEWER), null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).asText()).startsWith("bad matcher format: team~x");
  }

  @Test
  void updateKeepsTheIdUnlessMatchersChange() throws Exception {
    Instant start = now();
    HttpResponse<String> r = server.send("POST", "/api/v2/silences", bearer(RESPONDER),
        body(null, "[" + matcher("job", "update-me", false, true) + "]", start,
            start.plus(Duration.ofHours(1)), "carol", "first"));
    String id = JSON.readTree(r.body()).get("silenceID").asText();
    String startsAt = get(id).get("startsAt").asText();

    HttpResponse<String> same = server.send("POST", "/api/v2/silences", bearer(RESPONDER),
        body(id, "[" + matcher("job", "update-me", false, true) + "]", Instant.parse(startsAt),
            start.plus(Duration.ofHours(3)), "carol", "longer"));
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    assertThat(JSON.readTree(same.body()).get("silenceID").asText()).isEqualTo(id);
    assertThat(get(id).get("comment").asText()).isEqualTo("longer");

    HttpResponse<String> changed = server.send("POST", "/api/v2/silences", bearer(RESPONDER),
        body(id, "[" + matcher("job", "update-me-too", false, true) + "]",
            Instant.parse(startsAt), start.plus(Duration.ofHours(3)), "carol", "other"));
    String newId = JSON.readTree(changed.body()).get("silenceID").asText();
    assertThat(newId).isNotEqualTo(id);
    assertThat(get(id).get("status").get("state").asText()).isEqualTo("expired");
    assertThat(get(newId).get("status").get("state").asText()).isEqualTo("active");

    HttpResponse<String> unknown = server.send("POST", "/api/v2/silences", bearer(RESPONDER),
        body("00000000-0000-4000-8000-000000000000", "[" + matcher("job", "x", false, true) + "]",
            start, start.plus(Duration.ofHours(1)), "carol", "x"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).asText()).isEqualTo("silence not found");
  }

  @Test
  void deleteExpiresAndIsIdempotent() throws Exception {
    String id = create(basic("carol", RESPONDER),
        "[" + matcher("job", "expire-me", false, true) + "]", Duration.ofHours(1));

    HttpResponse<String> r = server.send("DELETE", "/api/v2/silence/" + id, bearer(RESPONDER),
        null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(get(id).get("status").get("state").asText()).isEqualTo("expired");
    assertThat(server.send("DELETE", "/api/v2/silence/" + id, bearer(RESPONDER), null)
        .statusCode()).isEqualTo(200);
    assertThat(server.send("DELETE", "/api/v2/silence/unknown-id", bearer(RESPONDER), null)
        .statusCode()).isEqualTo(404);
  }

  @Test
  void unknownSilenceIs404() throws Exception {
    HttpResponse<String> r = server.send("GET", "/api/v2/silence/nope", bearer(VIEWER), null);

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).asText()).isEqualTo("silence not found");
  }

  @Test
  void invalidSilencesAre400WithEveryProblem() throws Exception {
    Instant start = now();
    HttpResponse<String> r = server.send("POST", "/api/v2/silences", bearer(ADMIN),
        body(null, "[" + matcher("job", "(", true, true) + "]", start, start.minusSeconds(60),
            "", "x"));

    assertThat(r.statusCode()).isEqualTo(400);
    String message = JSON.readTree(r.body()).asText();
    assertThat(message).startsWith("invalid silence: matchers[0].value: invalid regular"
        + " expression \"(\"");
    assertThat(message).contains("; createdBy: required; endsAt: start time must be before end"
        + " time");

    HttpResponse<String> tooLong = server.send("POST", "/api/v2/silences", bearer(ADMIN),
        body(null, "[" + matcher("job", "x", false, true) + "]", start,
            start.plus(Duration.ofDays(8)), "alice", "x"));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(tooLong.body()).asText()).contains("at most 7d is allowed");

    HttpResponse<String> notJson = server.send("POST", "/api/v2/silences", bearer(ADMIN), "{");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(notJson.body()).asText())
        .startsWith("parsing silence body from \"\" failed, because ");
    // Jackson's source description of a start marker is not passed on to the sender.
    HttpResponse<String> open = server.send("POST", "/api/v2/silences", bearer(ADMIN),
        "{\"matchers\":[");
    assertThat(JSON.readTree(open.body()).asText())
        .contains("(start marker at line 1, column 13)").doesNotContain("Source");

    HttpResponse<String> wrongTypes = server.send("POST", "/api/v2/silences", bearer(ADMIN),
        "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":\"no\"}],\"startsAt\":"
            + "\"yesterday\",\"endsAt\":\"" + start.plusSeconds(60) + "\",\"createdBy\":\"a\","
            + "\"comment\":\"c\"}");
    assertThat(JSON.readTree(wrongTypes.body()).asText()).isEqualTo("invalid silence:"
        + " matchers[0].isRegex: must be true or false; startsAt: not an RFC 3339 date-time"
        + " (like 2026-11-23T09:30:00.000Z): \"yesterday\"");
  }

  @Test
  void tokensAreRequiredAndRolesChecked() throws Exception {
    String silence = body(null, "[" + matcher("job", "auth", false, true) + "]", now(),
        now().plus(Duration.ofHours(1)), "bob", "x");

    HttpResponse<String> none = server.send("GET", "/api/v2/silences", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"watchkeeper\"");
    assertThat(server.send("GET", "/api/v2/silences", bearer("wrong-token"), null).statusCode())
        .isEqualTo(401);
    assertThat(server.send("GET", "/api/v2/silences", basic("bob", "wrong-token"), null)
        .statusCode()).isEqualTo(401);
    assertThat(server.send("GET", "/api/v2/silences", basic("anyone", VIEWER), null)
        .statusCode()).isEqualTo(200);

    HttpResponse<String> viewerPost = server.send("POST", "/api/v2/silences", bearer(VIEWER),
        silence);
    assertThat(viewerPost.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(viewerPost.body()).asText())
        .isEqualTo("token:bob has viewer on every team; this needs responder");
    assertThat(server.send("DELETE", "/api/v2/silence/x", basic("bob", VIEWER), null)
        .statusCode()).isEqualTo(403);
  }
}
