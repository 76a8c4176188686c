package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifications outbox through the running server. No channel is wired into the server yet,
 * so every queued notification becomes a dead letter: listed without its address, retriable.
 */
class NotificationApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String HOOK = "https://hooks.example.com/very-secret-path";

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(dir);
    String yaml = Files.readString(server.configFile);
    yaml = TestServer.underPayments(yaml, "escalation_policy: payments");
    Files.writeString(server.configFile, yaml + """
        users:
          - id: ann
            contact_methods:
              - {type: webhook, address: "%s"}
        escalation_policies:
          - id: payments
            levels:
              - {targets: [{user: ann}], delay: 15m}
        """.formatted(HOOK));
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  JsonNode dead() throws Exception {
    return JSON.readTree(server.get("/api/v1/notifications?state=dead", VIEWER).body())
        .get("notifications");
  }

  @Test
  void aDeadLetterIsListedWithoutItsAddressAndCanBeRetriedByAResponder() throws Exception {
    server.post("/api/v1/events", PAYMENTS_KEY, "{\"source\":\"db-1\",\"type\":\"db.down\","
        + "\"severity\":\"critical\",\"dedup_key\":\"db\",\"summary\":\"primary down\"}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dead()).hasSize(1));
    var response = server.get("/api/v1/notifications?state=dead", VIEWER);
    assertThat(response.body()).doesNotContain(HOOK).doesNotContain("very-secret");
    JsonNode n = dead().get(0);
    assertThat(n.get("user").asText()).isEqualTo("ann");
    assertThat(n.get("channel").asText()).isEqualTo("webhook");
    assertThat(n.get("contact_method").asInt()).isZero();
    assertThat(n.get("last_error").asText())
        .isEqualTo("webhook notifications need notifications.webhook.signing_secret");
    long id = n.get("id").asLong();
    long incident = n.get("incident_id").asLong();
    assertThat(JSON.readTree(server.get("/api/v1/notifications?incident=" + incident, VIEWER)
        .body()).get("notifications")).hasSize(1);
    assertThat(JSON.readTree(server.get("/api/v1/notifications?incident=" + (incident + 1),
        VIEWER).body()).get("notifications")).isEmpty();

    assertThat(server.post("/api/v1/notifications/" + id + "/retry", VIEWER, "").statusCode())
        .isEqualTo(403);
    var retried = server.post("/api/v1/notifications/" + id + "/retry", ADMIN, "");
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(retried.body()).get("state").asText()).isEqualTo("pending");
    assertThat(server.get("/api/v1/incidents/" + incident + "/timeline", VIEWER).body())
        .contains("notification " + id + " (webhook to ann) requeued by token:alice")
        .contains("notifying webhook to ann failed for good")
        .doesNotContain("very-secret");
    // The worker tries again, still without a signing secret: dead once more, a fresh count.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dead()).hasSize(1));
    assertThat(dead().get(0).get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void badQueriesAndUnknownIdsAreRefused() throws Exception {
    assertThat(server.get("/api/v1/notifications?state=lost", VIEWER).statusCode())
        .isEqualTo(400);
    assertThat(server.get("/api/v1/notifications?incident=x", VIEWER).statusCode())
        .isEqualTo(400);
    assertThat(server.get("/api/v1/notifications", null).statusCode()).isEqualTo(401);
    assertThat(server.post("/api/v1/notifications/999/retry", ADMIN, "").statusCode())
        .isEqualTo(404);
  }
}
