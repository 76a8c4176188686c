package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A page reaches a mailbox: the server's outbox, delivery workers and SMTP settings together. */
class EmailNotificationApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(
      ServerSetupTest.SMTP.dynamicPort());

  @TempDir Path dir;
  TestServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aPageIsEmailedAndLoggedAsDelivered() throws Exception {
    server = new TestServer(dir);
    String yaml = Files.readString(server.configFile);
    yaml = TestServer.underPayments(yaml, "escalation_policy: payments");
    Files.writeString(server.configFile, yaml + """
        users:
          - id: ann
            contact_methods:
              - {type: email, address: ann@example.com}
        escalation_policies:
          - id: payments
            levels:
              - {targets: [{user: ann}], delay: 15m}
        notifications:
          email: {host: 127.0.0.1, port: %d, starttls: false, from: wk@example.com}
        """.formatted(SMTP.getSmtp().getPort()));
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);

    server.post("/api/v1/events", PAYMENTS_KEY, "{\"source\":\"db-1\",\"type\":\"db.down\","
        + "\"severity\":\"critical\",\"dedup_key\":\"db\",\"summary\":\"primary <down>\"}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(SMTP.getReceivedMessages()).hasSize(1));
    assertThat(SMTP.getReceivedMessages()[0].getSubject()).contains("primary <down>");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode n = JSON.readTree(server.get("/api/v1/notifications?state=delivered", VIEWER)
          .body()).get("notifications");
      assertThat(n).hasSize(1);
      assertThat(n.get(0).get("attempts").asInt()).isEqualTo(1);
    });
  }
}
