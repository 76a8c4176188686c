package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page reaches a webhook receiver through the running server, signed; the SSRF guard refuses
 * the same receiver when its address is not allowed.
 */
class WebhookNotificationApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "a-signing-secret-of-some-length";

  @TempDir Path dir;
  TestServer server;
  HttpServer receiver;
  final List<String[]> received = new CopyOnWriteArrayList<>(); // timestamp, signature, body

  @BeforeEach
  void receiver() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook/secret-path", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new String[] {ex.getRequestHeaders().getFirst("X-Watchkeeper-Timestamp"),
          ex.getRequestHeaders().getFirst("X-Watchkeeper-Signature"), body});
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
  }

  @AfterEach
  void stop() {
    server.close();
    receiver.stop(0);
  }

  void start(String allow) throws Exception {
    server = new TestServer(dir);
    String yaml = Files.readString(server.configFile);
    yaml = TestServer.underPayments(yaml, "escalation_policy: payments");
    Files.writeString(server.configFile, yaml + """
        users:
          - id: ann
            contact_methods:
              - {type: webhook, address: "http://127.0.0.1:%d/hook/secret-path"}
        escalation_policies:
          - id: payments
            levels:
              - {targets: [{user: ann}], delay: 15m}
        notifications:
          allow_private_networks: [%s]
          webhook: {signing_secret: "%s"}
        """.formatted(receiver.getAddress().getPort(), allow, SECRET));
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);
    server.post("/api/v1/events", PAYMENTS_KEY, "{\"source\":\"db-1\",\"type\":\"db.down\","
        + "\"severity\":\"critical\",\"dedup_key\":\"db\",\"summary\":\"primary down\"}");
  }

  @Test
  void aPageIsPostedSignedToTheWebhook() throws Exception {
    start("127.0.0.1/32");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received).hasSize(1));
    String[] r = received.get(0);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "sha256=" + HexFormat.of().formatHex(
        mac.doFinal((r[0] + "." + r[2]).getBytes(StandardCharsets.UTF_8)));
    assertThat(r[1]).isEqualTo(expected);
    assertThat(r[2]).contains("primary down");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(JSON.readTree(
        server.get("/api/v1/notifications?state=delivered", VIEWER).body())
        .get("notifications")).hasSize(1));
  }

  @Test
  void aLoopbackReceiverIsRefusedUnlessAllowedAndTheSecretPathNeverShows() throws Exception {
    start("10.9.9.9/32");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode dead = JSON.readTree(server.get("/api/v1/notifications?state=dead", VIEWER)
          .body()).get("notifications");
      assertThat(dead).hasSize(1);
    });
    assertThat(received).isEmpty();
    String all = server.get("/api/v1/notifications?state=dead", VIEWER).body();
    assertThat(all).doesNotContain("secret-path");
  }
}
