package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop of issue 5: an incident pages ann by email (a real SMTP server) and webhook (a
 * real HTTP receiver); she acknowledges with the link in the mail, without logging in; the
 * escalation to ben stops. The links are signed: a forged one is "not found", an expired one
 * "gone", and opening one (GET) changes nothing.
 */
class PageToAcknowledgeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/act/([A-Za-z0-9_.-]+)");

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(
      ServerSetupTest.SMTP.dynamicPort());

  @TempDir Path dir;
  TestServer server;
  HttpServer receiver;
  final List<String> hooks = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      hooks.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
    server = new TestServer(dir);
    String yaml = Files.readString(server.configFile);
    yaml = TestServer.underPayments(yaml, "escalation_policy: payments");
    Files.writeString(server.configFile, yaml + """
        users:
          - id: ann
            contact_methods:
              - {type: email, address: ann@example.com}
              - {type: webhook, address: "http://127.0.0.1:%d/hook"}
          - id: ben
            contact_methods:
              - {type: email, address: ben@example.com}
        escalation_policies:
          - id: payments
            levels:
              - {targets: [{user: ann}], delay: 3s}
              - {targets: [{user: ben}], delay: 15m}
        notifications:
          allow_private_networks: [127.0.0.0/8]
          webhook: {signing_secret: "a-signing-secret-of-some-length"}
          email: {host: 127.0.0.1, port: %d, starttls: false, from: wk@example.com}
        """.formatted(receiver.getAddress().getPort(), SMTP.getSmtp().getPort()));
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    server.close();
    receiver.stop(0);
  }

  @Test
  void annAcknowledgesFromTheMailAndBenIsNeverPaged() throws Exception {
    server.post("/api/v1/events", PAYMENTS_KEY, "{\"source\":\"db-1\",\"type\":\"db.down\","
        + "\"severity\":\"critical\",\"dedup_key\":\"db\",\"summary\":\"primary <down>\"}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(SMTP.getReceivedMessages()).hasSize(1);
      assertThat(hooks).hasSize(1);
    });
    MimeMessage mail = SMTP.getReceivedMessages()[0];
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ann@example.com");
    String body = GreenMailUtil.getBody(mail);
    String ack = token(body, "Acknowledge");
    assertThat(hooks.get(0)).contains("/act/"); // the webhook carries the links too
    long incident = JSON.readTree(server.get("/api/v1/incidents", VIEWER).body())
        .get("incidents").get(0).get("id").asLong();

    // Opening the link only asks: a mail scanner following it acknowledges nothing.
    var page = server.get("/act/" + ack, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Acknowledge incident #" + incident)
        .contains("primary &lt;down&gt;").contains("<form method=\"post\"")
        .doesNotContain("<script");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(state(incident)).isEqualTo("triggered");

    var acted = server.send(HttpRequest.newBuilder(java.net.URI.create(server.url("/act/" + ack)))
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(acted.statusCode()).isEqualTo(200);
    assertThat(acted.body()).contains("is now acknowledged");
    assertThat(state(incident)).isEqualTo("acknowledged");
    assertThat(server.get("/api/v1/incidents/" + incident + "/timeline", VIEWER).body())
        .contains("user:ann (one-click link)");
    assertThat(server.get("/api/v1/audit?action=incident.acknowledge", ADMIN).body())
        .contains("user:ann (one-click link)").contains("one-click link");

    // Level 2 was due 3 s after the page; ben is never paged (still one mail a second after).
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
        .until(() -> SMTP.getReceivedMessages().length == 1);
    JsonNode detail = JSON.readTree(server.get("/api/v1/incidents/" + incident, VIEWER).body());
    assertThat(detail.get("pages")).hasSize(1);
    assertThat(detail.get("pages").get(0).get("user").asText()).isEqualTo("ann");

    // Using it again acts no more, and says so on the timeline.
    var again = server.send(HttpRequest.newBuilder(java.net.URI.create(server.url("/act/" + ack)))
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("Nothing to do");
    assertThat(server.get("/api/v1/incidents/" + incident + "/timeline", VIEWER).body())
        .contains("one-click acknowledge link used by ann; nothing done");

    // The resolve link in the same mail resolves.
    String resolve = token(body, "Resolve");
    var resolved = server.send(HttpRequest.newBuilder(java.net.URI.create(
        server.url("/act/" + resolve))).POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(resolved.body()).contains("is now resolved");
    assertThat(state(incident)).isEqualTo("resolved");
  }

  @Test
  void forgedAndTamperedLinksAreNotFound() throws Exception {
    assertThat(server.get("/act/nonsense", null).statusCode()).isEqualTo(404);
    assertThat(server.get("/act/" + "a".repeat(2000), null).statusCode()).isEqualTo(404);
    server.post("/api/v1/events", PAYMENTS_KEY, "{\"source\":\"db-1\",\"type\":\"db.down\","
        + "\"severity\":\"critical\",\"dedup_key\":\"db\",\"summary\":\"primary down\"}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(SMTP.getReceivedMessages()).hasSize(1));
    String ack = token(GreenMailUtil.getBody(SMTP.getReceivedMessages()[0]), "Acknowledge");
    // Change the incident id in the signed part: the signature no longer matches.
    String payload = new String(java.util.Base64.getUrlDecoder().decode(ack.split("\\.")[0]),
        StandardCharsets.UTF_8);
    String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("999" + payload.substring(payload.indexOf(':'))).getBytes(StandardCharsets.UTF_8))
        + "." + ack.split("\\.")[1];
    var r = server.send(HttpRequest.newBuilder(java.net.URI.create(server.url("/act/" + forged)))
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("not found").doesNotContain("999");
  }

  String state(long incident) throws Exception {
    return JSON.readTree(server.get("/api/v1/incidents/" + incident, VIEWER).body())
        .get("state").asText();
  }

  /** The token of the link on the line that starts with {@code label} in the text part. */
  static String token(String body, String label) {
    String text = body.replace("=\r\n", "").replace("=3D", "=");
    for (String line : text.split("\r?\n")) {
      if (line.startsWith(label)) {
        Matcher m = LINK.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    throw new AssertionError("no " + label + " link in:\n" + body);
  }
}
