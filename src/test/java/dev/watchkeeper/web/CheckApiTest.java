package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeat checks through the running server: the API, every Healthchecks ping variant, slug
 * URLs with auto-registration, keywords, the body limit, the rate limit, badges and metrics.
 */
class CheckApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PING_KEY = "ops-ping-key-1";

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(dir, """
        checks:
          ping_body_limit: 100
          ping_rate_limit: {pings_per_second: 0.01, burst: 30}
          ping_keys:
            - {name: ops, service: batch, key: %s}
          list:
            - {slug: from-file, service: batch, period: 1h, id: 11111111-2222-4333-8444-555555555555}
        """.formatted(PING_KEY));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  JsonNode create(String body) throws Exception {
    HttpResponse<String> r = server.post("/api/v1/checks", ADMIN, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body());
  }

  JsonNode check(String id) throws Exception {
    return JSON.readTree(server.get("/api/v1/checks/" + id, VIEWER).body());
  }

  JsonNode pings(String id) throws Exception {
    return JSON.readTree(server.get("/api/v1/checks/" + id + "/pings", VIEWER).body())
        .get("pings");
  }

  HttpResponse<String> ping(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return server.send(b);
  }

  HttpResponse<String> get(String path) throws Exception {
    return ping("GET", path, null, Map.of());
  }

  @Test
  void aCheckCreatedByApiGoesUpOnItsFirstPingAndListsThePing() throws Exception {
    JsonNode c = create("{\"name\":\"Nightly backup\",\"service\":\"payments\",\"period\":3600,"
        + "\"grace\":\"5m\"}");
    assertThat(c.get("status").asText()).isEqualTo("new");
    assertThat(c.get("slug").asText()).isEqualTo("nightly-backup");
    // no public_url configured: the address it listens on, with the port it got (port: 0)
    assertThat(c.get("ping_url").asText()).isEqualTo(server.url("/ping/" + c.get("id").asText()));

    HttpResponse<String> r = ping("GET", "/ping/" + c.get("id").asText(), null,
        Map.of("User-Agent", "curl/8.5"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("OK");
    assertThat(r.headers().firstValue("Ping-Body-Limit")).hasValue("100");
    JsonNode after = check(c.get("id").asText());
    assertThat(after.get("status").asText()).isEqualTo("up");
    assertThat(after.get("next_change_at").asText()).isNotEmpty();
    JsonNode p = pings(c.get("id").asText()).get(0);
    assertThat(p.get("kind").asText()).isEqualTo("success");
    assertThat(p.get("method").asText()).isEqualTo("GET");
    assertThat(p.get("user_agent").asText()).isEqualTo("curl/8.5");
    assertThat(p.get("remote_addr").asText()).isEqualTo("127.0.0.1");
  }

  @Test
  void everyPingVariantIsAnsweredAndRecordedLikeHealthchecks() throws Exception {
    String id = create("{\"slug\":\"job\",\"service\":\"payments\",\"period\":60}")
        .get("id").asText();
    String rid = UUID.randomUUID().toString();

    assertThat(ping("HEAD", "/ping/" + id + "/start?rid=" + rid, null, Map.of()).statusCode())
        .isEqualTo(200);
    Thread.sleep(30);
    assertThat(ping("POST", "/ping/" + id + "/log", "step 1 done", Map.of()).body())
        .isEqualTo("OK");
    assertThat(ping("POST", "/ping/" + id + "/0?rid=" + rid, "all good", Map.of()).body())
        .isEqualTo("OK");
    assertThat(check(id).get("status").asText()).isEqualTo("up");
    assertThat(get("/ping/" + id + "/3").body()).isEqualTo("OK");
    assertThat(check(id).get("status").asText()).isEqualTo("down");
    assertThat(get("/ping/" + id).body()).isEqualTo("OK");
    assertThat(check(id).get("status").asText()).isEqualTo("up");
    assertThat(ping("POST", "/ping/" + id + "/fail", "disk full", Map.of()).body())
        .isEqualTo("OK");
    assertThat(check(id).get("status").asText()).isEqualTo("down");

    JsonNode p = pings(id);
    assertThat(p).extracting(n -> n.get("kind").asText())
        .containsExactly("fail", "success", "fail", "success", "log", "start");
    assertThat(p.get(2).get("exit_code").asInt()).isEqualTo(3);
    assertThat(p.get(0).get("body").asText()).isEqualTo("disk full");
    assertThat(p.get(4).get("body").asText()).isEqualTo("step 1 done");
    JsonNode finish = p.get(3);
    assertThat(finish.get("rid").asText()).isEqualTo(rid);
    assertThat(finish.get("duration_ms").asLong()).isGreaterThanOrEqualTo(30);
    assertThat(p.get(5).get("method").asText()).isEqualTo("HEAD");
  }

  @Test
  void badPingsGetHealthchecksAnswersAndChangeNothing() throws Exception {
    String id = create("{\"slug\":\"job\",\"service\":\"payments\"}").get("id").asText();

    assertThat(get("/ping/" + id + "/256").statusCode()).isEqualTo(400);
    assertThat(get("/ping/" + id + "/256").body()).isEqualTo("invalid exit code");
    HttpResponse<String> unknown = get("/ping/" + UUID.randomUUID());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("not found");
    assertThat(get("/ping/" + id + "/bogus").statusCode()).isEqualTo(404);
    assertThat(get("/ping/" + id + "?rid=not-a-uuid").statusCode()).isEqualTo(400);
    assertThat(get("/ping/wrong-key-123/job").body()).isEqualTo("not found");
    assertThat(check(id).get("status").asText()).isEqualTo("new");
    assertThat(pings(id)).isEmpty();
  }

  @Test
  void aLongBodyIsCutAtTheLimitAndMarkedTruncated() throws Exception {
    String id = create("{\"slug\":\"job\",\"service\":\"payments\"}").get("id").asText();

    HttpResponse<String> r = ping("POST", "/ping/" + id + "/log", "x".repeat(5000), Map.of());

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode p = pings(id).get(0);
    assertThat(p.get("body").asText()).hasSize(100);
    assertThat(p.get("body_truncated").asBoolean()).isTrue();
  }

  @Test
  void slugUrlsPingByNameAndCreateRegistersAnUnknownSlug() throws Exception {
    assertThat(get("/ping/" + PING_KEY + "/from-file").body()).isEqualTo("OK");
    assertThat(check("11111111-2222-4333-8444-555555555555").get("status").asText())
        .isEqualTo("up");

    assertThat(get("/ping/" + PING_KEY + "/new-host").statusCode()).isEqualTo(404);
    HttpResponse<String> created = get("/ping/" + PING_KEY + "/new-host/start?create=1");
    assertThat(created.body()).isEqualTo("OK");

    JsonNode list = JSON.readTree(server.get("/api/v1/checks?service=batch", VIEWER).body())
        .get("checks");
    JsonNode auto = null;
    for (JsonNode c : list) {
      if (c.get("slug").asText().equals("new-host")) {
        auto = c;
      }
    }
    assertThat(auto).isNotNull();
    assertThat(auto.get("origin").asText()).isEqualTo("auto");
    assertThat(auto.get("started").asBoolean()).isTrue();
    assertThat(get("/ping/" + PING_KEY + "/new-host/0").body()).isEqualTo("OK");
    assertThat(check(auto.get("id").asText()).get("status").asText()).isEqualTo("up");
  }

  @Test
  void keywordsDecideWhatABodyMeans() throws Exception {
    String id = create("{\"slug\":\"job\",\"service\":\"payments\",\"keywords\":"
        + "{\"success\":[\"backup complete\"],\"failure\":[\"ERROR\"]}}").get("id").asText();

    ping("POST", "/ping/" + id, "backup complete, 3 GB", Map.of());
    assertThat(check(id).get("status").asText()).isEqualTo("up");
    ping("POST", "/ping/" + id, "hello", Map.of());
    assertThat(check(id).get("status").asText()).isEqualTo("up");
    ping("POST", "/ping/" + id, "ERROR: tape missing", Map.of());
    assertThat(check(id).get("status").asText()).isEqualTo("down");
    assertThat(pings(id)).extracting(n -> n.get("kind").asText())
        .containsExactly("fail", "ignored", "success");
  }

  @Test
  void pingsBeyondTheRateLimitAre429AndNotStored() throws Exception {
    String id = create("{\"slug\":\"job\",\"service\":\"payments\"}").get("id").asText();
    for (int i = 0; i < 30; i++) {
      assertThat(get("/ping/" + id + "/log").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> r = get("/ping/" + id);

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).isEqualTo("rate limited");
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    assertThat(check(id).get("status").asText()).isEqualTo("new");
    assertThat(check(id).get("pings").asInt()).isEqualTo(30);
  }

  @Test
  void checksAreChangedPausedAndDeletedThroughTheApiWithRoles() throws Exception {
    String id = create("{\"slug\":\"job\",\"service\":\"payments\"}").get("id").asText();
    get("/ping/" + id);

    assertThat(server.post("/api/v1/checks", VIEWER, "{\"slug\":\"x\",\"service\":\"payments\"}")
        .statusCode()).isEqualTo(403);
    HttpResponse<String> changed = server.post("/api/v1/checks/" + id, ADMIN,
        "{\"cron\":\"0 3 * * *\",\"time_zone\":\"Europe/Berlin\",\"grace\":600}");
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(JSON.readTree(changed.body()).get("cron").asText()).isEqualTo("0 3 * * *");
    assertThat(JSON.readTree(changed.body()).get("grace").asInt()).isEqualTo(600);

    JsonNode paused = JSON.readTree(server.post("/api/v1/checks/" + id + "/pause", ADMIN, "")
        .body());
    assertThat(paused.get("status").asText()).isEqualTo("paused");
    get("/ping/" + id);
    assertThat(check(id).get("status").asText()).isEqualTo("up");

    HttpRequest.Builder del = HttpRequest.newBuilder(URI.create(server.url("/api/v1/checks/" + id)))
        .DELETE().header("Authorization", "Bearer " + ADMIN);
    assertThat(server.send(del).statusCode()).isEqualTo(200);
    assertThat(server.get("/api/v1/checks/" + id, VIEWER).statusCode()).isEqualTo(404);
    assertThat(get("/ping/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void badChecksAreRefusedWithEveryProblemNamed() throws Exception {
    HttpResponse<String> r = server.post("/api/v1/checks", ADMIN,
        "{\"slug\":\"Bad Slug\",\"service\":\"nope\",\"period\":0,\"colour\":\"red\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("errors")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(
            "colour: unknown field (known: name, slug, service, period, grace, cron, time_zone,"
                + " parent, keywords, severity, probe)",
            "service: unknown service \"nope\"",
            "slug: must match [a-z0-9][a-z0-9_-]{0,99}",
            "period: must be between 1s and 365d");
    assertThat(server.post("/api/v1/checks", ADMIN, "{\"slug\":\"c\",\"service\":\"payments\","
        + "\"cron\":\"61 * * * *\"}").statusCode()).isEqualTo(400);
    assertThat(server.post("/api/v1/checks", ADMIN, "{\"slug\":\"c\",\"service\":\"payments\","
        + "\"cron\":\"0 1 * * *\",\"time_zone\":\"Mars/Olympus\"}").body())
        .contains("time_zone: unknown time zone");
    assertThat(server.post("/api/v1/checks", ADMIN, "not json").statusCode()).isEqualTo(400);
    assertThat(server.post("/api/v1/checks", ADMIN, "{\"slug\":\"c\",\"service\":\"payments\","
        + "\"parent\":\"" + UUID.randomUUID() + "\"}").statusCode()).isEqualTo(409);
    create("{\"slug\":\"same\",\"service\":\"payments\"}");
    assertThat(server.post("/api/v1/checks", ADMIN, "{\"slug\":\"same\",\"service\":\"payments\"}")
        .statusCode()).isEqualTo(409);
    HttpResponse<String> fileCheck = server.post(
        "/api/v1/checks/11111111-2222-4333-8444-555555555555", ADMIN, "{\"period\":60}");
    assertThat(fileCheck.statusCode()).isEqualTo(409);
    assertThat(fileCheck.body()).contains("defined in the config file");
  }

  @Test
  void theBadgeShowsTheStatusWithTheNameEscaped() throws Exception {
    JsonNode c = create("{\"name\":\"<script>alert(1)</script>\",\"slug\":\"x\","
        + "\"service\":\"payments\"}");
    get("/ping/" + c.get("id").asText());

    HttpResponse<String> badge = get(URI.create(c.get("badge_url").asText()).getPath());

    assertThat(badge.statusCode()).isEqualTo(200);
    assertThat(badge.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
    assertThat(badge.body()).contains("&lt;script&gt;").doesNotContain("<script>")
        .contains(">up</text>");
    assertThat(get("/badge/0000.svg").statusCode()).isEqualTo(404);
  }

  @Test
  void metricsCountChecksByStatus() throws Exception {
    String id = create("{\"slug\":\"x\",\"service\":\"payments\"}").get("id").asText();
    get("/ping/" + id + "/fail");
    Thread.sleep(1100); // the counts are cached for a second

    String metrics = server.get("/metrics", null).body();

    assertThat(metrics).contains("watchkeeper_checks{status=\"down\"} 1.0")
        .contains("watchkeeper_checks{status=\"new\"} 1.0");
  }
}
