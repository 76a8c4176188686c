package dev.watchkeeper.web.compat;

import static dev.watchkeeper.web.compat.PagerDutyTestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.compat.PagerDutyTestServer.SLOW_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PagerDuty Events API v2 endpoints over real HTTP against a real SQLite file. */
class PagerDutyApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TRIGGER = """
      {"routing_key":"%s","event_action":"trigger","dedup_key":"srv01/mysql",
       "payload":{"summary":"DISK at 99%% on prod-datapipe03","timestamp":"2015-07-17T08:42:58.315+0000",
         "severity":"critical","source":"prod-datapipe03.example.com","component":"mysql",
         "group":"prod-datapipe","class":"disk","custom_details":{"free space":"1%%","load avg":0.75}},
       "client":"Sample Monitoring Service","client_url":"https://monitoring.example.com",
       "links":[{"href":"https://example.com/","text":"Link text"}],
       "images":[{"src":"https://example.com/chart.png","alt":"chart"}]}""".formatted(PAYMENTS_KEY);

  @TempDir Path dir;
  PagerDutyTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PagerDutyTestServer(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  JsonNode storedEvents() throws Exception {
    HttpResponse<String> r = server.events();
    assertThat(r.statusCode()).isEqualTo(200);
    return json(r).get("events");
  }

  static List<String> errors(HttpResponse<String> r) throws Exception {
    List<String> out = new ArrayList<>();
    json(r).get("errors").forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Asserts PagerDuty's 400 answer: exactly status, message and errors. */
  static void assertInvalid(HttpResponse<String> r, String... errorsContaining) throws Exception {
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = json(r);
    assertThat(body.get("status").asText()).isEqualTo("invalid event");
    assertThat(body.get("message").asText()).isEqualTo("Event object is invalid");
    assertThat(body.size()).isEqualTo(3);
    List<String> errors = errors(r);
    for (String e : errorsContaining) {
      assertThat(errors).anySatisfy(x -> assertThat(x).contains(e));
    }
  }

  @Test
  void triggerIsStoredWithEveryMappedFieldAndAnsweredLikePagerDuty() throws Exception {
    HttpResponse<String> r = server.post("/v2/enqueue", TRIGGER);

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r)).isEqualTo(JSON.readTree(
        "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"srv01/mysql\"}"));

    JsonNode events = storedEvents();
    assertThat(events).hasSize(1);
    JsonNode e = events.get(0);
    assertThat(e.get("service").asText()).isEqualTo("payments");
    assertThat(e.get("source").asText()).isEqualTo("prod-datapipe03.example.com");
    assertThat(e.get("type").asText()).isEqualTo("pagerduty.trigger");
    assertThat(e.get("severity").asText()).isEqualTo("critical");
    assertThat(e.get("dedup_key").asText()).isEqualTo("srv01/mysql");
    assertThat(e.get("summary").asText()).isEqualTo("DISK at 99% on prod-datapipe03");
    assertThat(e.get("time").asText()).isEqualTo("2015-07-17T08:42:58.315Z");
    assertThat(e.get("labels")).isEqualTo(JSON.readTree("{\"component\":\"mysql\","
        + "\"group\":\"prod-datapipe\",\"class\":\"disk\",\"client\":\"Sample Monitoring Service\"}"));
    JsonNode payload = e.get("payload");
    JsonNode expected = JSON.readTree(TRIGGER);
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).remove("routing_key");
    assertThat(payload).isEqualTo(expected);
  }

  @Test
  void triggerWithoutDedupKeyGetsAGeneratedOneReturnedAndStored() throws Exception {
    HttpResponse<String> r = server.post("/v2/enqueue", """
        {"routing_key":"%s","event_action":"trigger",
         "payload":{"summary":"s","source":"host-1","severity":"info"}}""".formatted(PAYMENTS_KEY));

    assertThat(r.statusCode()).isEqualTo(202);
    String dedupKey = json(r).get("dedup_key").asText();
    assertThat(dedupKey).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    JsonNode e = storedEvents().get(0);
    assertThat(e.get("dedup_key").asText()).isEqualTo(dedupKey);
    assertThat(e.get("time").asText()).isNotBlank();
    assertThat(e.get("labels")).isEmpty();
  }

  @Test
  void acknowledgeAndResolveByDedupKeyAreStoredWithTheirTypes() throws Exception {
    assertThat(server.post("/v2/enqueue", TRIGGER).statusCode()).isEqualTo(202);
    HttpResponse<String> ack = server.post("/v2/enqueue", """
        {"routing_key":"%s","dedup_key":"srv01/mysql","event_action":"acknowledge"}"""
        .formatted(PAYMENTS_KEY));
    HttpResponse<String> resolve = server.post("/v2/enqueue", """
        {"routing_key":"%s","dedup_key":"srv01/mysql","event_action":"resolve"}"""
        .formatted(PAYMENTS_KEY));

    assertThat(ack.statusCode()).isEqualTo(202);
    assertThat(json(ack).get("dedup_key").asText()).isEqualTo("srv01/mysql");
    assertThat(json(resolve)).isEqualTo(JSON.readTree(
        "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"srv01/mysql\"}"));
    JsonNode events = storedEvents(); // newest first
    assertThat(events).hasSize(3);
    assertThat(events.get(0).get("type").asText()).isEqualTo("pagerduty.resolve");
    assertThat(events.get(1).get("type").asText()).isEqualTo("pagerduty.acknowledge");
    for (JsonNode e : List.of(events.get(0), events.get(1))) {
      assertThat(e.get("dedup_key").asText()).isEqualTo("srv01/mysql");
      assertThat(e.get("source").asText()).isEqualTo("pagerduty");
      assertThat(e.get("service").asText()).isEqualTo("payments");
    }
  }

  @Test
  void missingSummaryIsRefusedNamingTheField() throws Exception {
    assertInvalid(server.post("/v2/enqueue", """
        {"routing_key":"%s","event_action":"trigger",
         "payload":{"source":"h","severity":"info"}}""".formatted(PAYMENTS_KEY)),
        "'payload.summary' is missing or blank");
    assertThat(storedEvents()).isEmpty();
  }

  @Test
  void badSeverityIsRefusedNamingTheFieldAndTheAllowedValues() throws Exception {
    HttpResponse<String> r = server.post("/v2/enqueue", """
        {"routing_key":"%s","event_action":"trigger",
         "payload":{"summary":"s","source":"h","severity":"sev1"}}""".formatted(PAYMENTS_KEY));
    assertInvalid(r, "'payload.severity' is invalid", "critical, error, warning, info", "sev1");
  }

  @Test
  void badEventActionIsRefused() throws Exception {
    assertInvalid(server.post("/v2/enqueue", """
        {"routing_key":"%s","event_action":"explode","dedup_key":"k"}""".formatted(PAYMENTS_KEY)),
        "'event_action' is invalid (must be one of trigger, acknowledge, resolve");
    assertInvalid(server.post("/v2/enqueue", """
        {"routing_key":"%s","dedup_key":"k"}""".formatted(PAYMENTS_KEY)),
        "'event_action' is missing or blank");
  }

  @Test
  void dedupKeyLongerThan255CharactersIsRefused() throws Exception {
    assertInvalid(server.post("/v2/enqueue", """
        {"routing_key":"%s","event_action":"resolve","dedup_key":"%s"}"""
        .formatted(PAYMENTS_KEY, "k".repeat(256))),
        "Length of 'dedup_key' is incorrect (must be at most 255 characters, got 256)");
  }

  @Test
  void resolveWithoutDedupKeyIsRefused() throws Exception {
    assertInvalid(server.post("/v2/enqueue", """
        {"routing_key":"%s","event_action":"resolve"}""".formatted(PAYMENTS_KEY)),
        "'dedup_key' is missing or blank");
  }

  @Test
  void invalidJsonIsRefusedInPagerDutyShapeNamingLineAndColumn() throws Exception {
    HttpResponse<String> r = server.post("/v2/enqueue",
        "{\"routing_key\":\"" + PAYMENTS_KEY + "\",\n  \"event_action\": tru}");

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = json(r);
    assertThat(body.get("status").asText()).isEqualTo("Unrecognized object");
    assertThat(body.get("message").asText()).isEqualTo("Event object format is unrecognized");
    assertThat(errors(r)).singleElement().asString()
        .startsWith("JSON parse error").contains("line 2, column");
  }

  @Test
  void emptyBodyAndNonObjectBodiesAreRefusedAsUnrecognized() throws Exception {
    for (String body : List.of("", "[]", "\"x\"", "42", "null")) {
      HttpResponse<String> r = server.post("/v2/enqueue", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(json(r).get("status").asText()).isEqualTo("Unrecognized object");
    }
  }

  @Test
  void wrongTypesAreRefusedNamingEachField() throws Exception {
    HttpResponse<String> r = server.post("/v2/enqueue", """
        {"routing_key":"%s","event_action":"trigger","dedup_key":7,
         "payload":{"summary":["a"],"source":{"h":1},"severity":true,"timestamp":"yesterday",
           "component":3},
         "client":false,"links":"https://x","images":[{"alt":"no src"}]}""".formatted(PAYMENTS_KEY));

    assertInvalid(r,
        "'dedup_key' must be a string, got a number",
        "'payload.summary' must be a string, got an array",
        "'payload.source' must be a string, got an object",
        "'payload.severity' must be a string, got a boolean",
        "'payload.timestamp' is invalid",
        "'payload.component' must be a string, got a number",
        "'client' must be a string, got a boolean",
        "'links' must be an array of objects, got a string",
        "'images[0].src' is missing or blank");
    assertThat(errors(r)).hasSize(9);
  }

  @Test
  void payloadThatIsNotAnObjectIsRefused() throws Exception {
    assertInvalid(server.post("/v2/enqueue", """
        {"routing_key":"%s","event_action":"trigger","payload":"disk full"}"""
        .formatted(PAYMENTS_KEY)), "'payload' must be an object, got a string");
  }

  @Test
  void unknownRoutingKeyIsRefusedLikePagerDutyAndNothingIsStored() throws Exception {
    HttpResponse<String> r = server.post("/v2/enqueue", TRIGGER.replace(PAYMENTS_KEY, "nope"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r)).isEqualTo(JSON.readTree("{\"status\":\"invalid event\","
        + "\"message\":\"Event object is invalid\",\"errors\":[\"Invalid routing key\"]}"));
    assertThat(storedEvents()).isEmpty();
  }

  @Test
  void missingRoutingKeyIsNamedAmongTheOtherErrors() throws Exception {
    assertInvalid(server.post("/v2/enqueue", "{\"event_action\":\"trigger\"}"),
        "'routing_key' cannot be blank", "'payload' is missing or blank");
  }

  @Test
  void overTheRateLimitSharedWithNativeIngestIs429WithRetryAfterAndPagerDutysBody(
      @TempDir Path other) throws Exception {
    try (PagerDutyTestServer limited = new PagerDutyTestServer(other, 1, 2, 512 * 1024)) {
      String resolve = "{\"routing_key\":\"" + SLOW_KEY
          + "\",\"event_action\":\"resolve\",\"dedup_key\":\"k\"}";
      // one bucket per integration key, whatever the format
      assertThat(limited.postNative(SLOW_KEY, "{\"source\":\"s\",\"type\":\"t\"}")
          .statusCode()).isEqualTo(202);
      assertThat(limited.post("/v2/enqueue", resolve).statusCode()).isEqualTo(202);
      HttpResponse<String> r = limited.post("/v2/enqueue", resolve);

      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(
          v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
      JsonNode body = json(r);
      assertThat(body.get("status").asText()).isEqualTo("throttle exceeded");
      assertThat(body.get("message").asText())
          .isEqualTo("Requests for this service are arriving too quickly.  Please retry later.");
      // other keys have their own bucket
      assertThat(limited.post("/v2/enqueue", resolve.replace(SLOW_KEY, PAYMENTS_KEY))
          .statusCode()).isEqualTo(202);
    }
  }

  @Test
  void bodyOverTheLimitIs413(@TempDir Path other) throws Exception {
    try (PagerDutyTestServer small = new PagerDutyTestServer(other, 1_000_000, 1_000_000, 2048)) {
      HttpResponse<String> r = small.post("/v2/enqueue", TRIGGER.replace("Link text",
          "x".repeat(3000)));

      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(json(r).get("status").asText()).isEqualTo("invalid event");
      assertThat(errors(r)).singleElement().asString().contains("2048 bytes");
    }
  }

  @Test
  void changeEventIsStoredWithTypeChangeAndAnsweredLikePagerDuty() throws Exception {
    String change = """
        {"routing_key":"%s","payload":{"summary":"Build Success: increase timeout",
          "timestamp":"2020-07-17T08:42:58.315+0000","source":"acme-build-pipeline",
          "custom_details":{"build_number":"2"}},
         "links":[{"href":"https://acme.dev/build/2","text":"View"}]}""".formatted(PAYMENTS_KEY);
    HttpResponse<String> r = server.post("/v2/change/enqueue", change);

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r)).isEqualTo(JSON.readTree(
        "{\"status\":\"success\",\"message\":\"Change event processed\"}"));
    JsonNode e = storedEvents().get(0);
    assertThat(e.get("type").asText()).isEqualTo("change");
    assertThat(e.get("source").asText()).isEqualTo("acme-build-pipeline");
    assertThat(e.get("summary").asText()).isEqualTo("Build Success: increase timeout");
    assertThat(e.get("time").asText()).isEqualTo("2020-07-17T08:42:58.315Z");
    assertThat(e.get("service").asText()).isEqualTo("payments");
    assertThat(e.get("payload").get("links").get(0).get("href").asText())
        .isEqualTo("https://acme.dev/build/2");
    assertThat(e.get("payload").has("routing_key")).isFalse();
  }

  @Test
  void changeEventWithoutSourceDefaultsToPagerDutyAndWithoutSummaryIsRefused() throws Exception {
    assertThat(server.post("/v2/change/enqueue", "{\"routing_key\":\"" + PAYMENTS_KEY
        + "\",\"payload\":{\"summary\":\"deployed\"}}").statusCode()).isEqualTo(202);
    assertThat(storedEvents().get(0).get("source").asText()).isEqualTo("pagerduty");

    assertInvalid(server.post("/v2/change/enqueue", "{\"routing_key\":\"" + PAYMENTS_KEY
        + "\",\"payload\":{\"summary\":\"" + "s".repeat(1025) + "\"}}"),
        "Length of 'payload.summary' is incorrect (must be at most 1024 characters, got 1025)");
    assertInvalid(server.post("/v2/change/enqueue", "{\"routing_key\":\"" + PAYMENTS_KEY
        + "\",\"payload\":{}}"), "'payload.summary' is missing or blank");
  }

  @Test
  void theRoutingKeyNeverAppearsInStoredEvents() throws Exception {
    server.post("/v2/enqueue", TRIGGER);
    server.post("/v2/enqueue", "{\"routing_key\":\"" + PAYMENTS_KEY
        + "\",\"event_action\":\"resolve\",\"dedup_key\":\"srv01/mysql\"}");
    server.post("/v2/change/enqueue", "{\"routing_key\":\"" + PAYMENTS_KEY
        + "\",\"payload\":{\"summary\":\"deployed\"}}");

    HttpResponse<String> all = server.events();
    assertThat(json(all).get("events")).hasSize(3);
    assertThat(all.body()).doesNotContain(PAYMENTS_KEY).doesNotContain("routing_key");
  }

  @Test
  void noInputGetsA5xx() throws Exception {
    List<String> bodies = List.of("{", "{}", "{\"routing_key\":null}", "{\"routing_key\":[1]}",
        "{\"routing_key\":\"" + PAYMENTS_KEY + "\",\"event_action\":{}}",
        "{\"routing_key\":\"" + PAYMENTS_KEY + "\",\"event_action\":\"trigger\",\"payload\":{"
            + "\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\",\"timestamp\":\""
            + "9".repeat(100) + "\",\"custom_details\":[1e400,-0,null]}}",
        "{\"routing_key\":\"" + PAYMENTS_KEY + "\",\"event_action\":\"trigger\",\"payload\":{"
            + "\"summary\":\"s\",\"source\":\"h\",\"severity\":\"info\"},\"links\":[1,null,{}]}",
        "[".repeat(5000) + "]".repeat(5000),
        "\uFEFF{}", "{\"a\":\"\\ud800\"}");
    for (String b : bodies) {
      for (String path : List.of("/v2/enqueue", "/v2/change/enqueue")) {
        HttpResponse<String> r = server.post(path, b);
        assertThat(r.statusCode()).as(path + " " + b.substring(0, Math.min(60, b.length())))
            .isBetween(200, 499);
        assertThat(json(r).has("status")).isTrue();
      }
    }
  }
}
