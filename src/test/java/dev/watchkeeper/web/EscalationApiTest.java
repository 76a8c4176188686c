package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Escalation through the running server: level 1 paged at once, escalate now, the detail. */
class EscalationApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(dir);
    String yaml = Files.readString(server.configFile);
    yaml = TestServer.underPayments(yaml, "escalation_policy: payments");
    Files.writeString(server.configFile, yaml + """
        users:
          - {id: ann}
          - {id: ben}
          - {id: cto}
        teams:
          - {id: first, members: [ann, ben]}
        escalation_policies:
          - id: payments
            levels:
              - {targets: [{team: first}], delay: 15m}
              - {targets: [{user: cto}], delay: 30m}
        """);
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  JsonNode detail(long id) throws Exception {
    return JSON.readTree(server.get("/api/v1/incidents/" + id, VIEWER).body());
  }

  @Test
  void readinessNamesWhatWouldLetAPageGoNowhere() throws Exception {
    JsonNode r = JSON.readTree(server.get("/api/v1/readiness", VIEWER).body());
    assertThat(r.get("ready").asBoolean()).isFalse();
    assertThat(r.get("findings").findValuesAsText("subject")).contains("users[ann]",
        "users[ben]", "users[cto]", "services[batch]").doesNotContain("services[payments]");
    assertThat(r.get("findings").findValuesAsText("code"))
        .contains("user_without_contact_methods", "service_without_policy");
    assertThat(server.get("/api/v1/readiness", null).statusCode()).isEqualTo(401);
  }

  @Test
  void aTriggeredIncidentPagesLevelOneAndEscalateNowPagesLevelTwo() throws Exception {
    server.post("/api/v1/events", PAYMENTS_KEY, "{\"source\":\"db-1\",\"type\":\"db.down\","
        + "\"severity\":\"critical\",\"dedup_key\":\"db\",\"summary\":\"primary down\"}");
    long[] id = new long[1];
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode list = JSON.readTree(server.get("/api/v1/incidents", VIEWER).body())
          .get("incidents");
      assertThat(list).hasSize(1);
      id[0] = list.get(0).get("id").asLong();
    });
    JsonNode d = detail(id[0]);
    assertThat(d.get("escalation").get("policy").asText()).isEqualTo("payments");
    assertThat(d.get("escalation").get("level").asInt()).isEqualTo(1);
    assertThat(d.get("pages").findValuesAsText("user")).containsExactly("ann", "ben");
    assertThat(d.get("pending").findValuesAsText("kind")).containsExactly("escalate");

    String escalate = "/api/v1/incidents/" + id[0] + "/escalate";
    assertThat(server.post(escalate, VIEWER, "").statusCode()).isEqualTo(403);
    HttpResponse<String> r = server.post(escalate, ADMIN, "");
    assertThat(r.statusCode()).isEqualTo(200);
    d = detail(id[0]);
    assertThat(d.get("escalation").get("level").asInt()).isEqualTo(2);
    assertThat(d.get("pages").findValuesAsText("user")).containsExactly("ann", "ben", "cto");
    assertThat(d.get("pages").get(2).get("reason").asText()).isEqualTo("escalated by token:alice");

    server.post("/api/v1/incidents/" + id[0] + "/resolve", ADMIN, "");
    r = server.post(escalate, ADMIN, "");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(r.body()).get("message").asText())
        .isEqualTo("incident " + id[0] + " is resolved; it cannot be escalated");
    assertThat(detail(id[0]).get("pending")).isEmpty();
  }
}
