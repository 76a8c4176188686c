package dev.watchkeeper.notify.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Messages;
import dev.watchkeeper.notify.net.GuardedHttp;
import dev.watchkeeper.notify.net.Receiver;
import dev.watchkeeper.notify.net.SsrfGuard;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookChannelTest {

  private static final String SECRET = "whsec-test-1";
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:05Z"), ZoneOffset.UTC);
  private final GuardedHttp http = new GuardedHttp(new SsrfGuard(List.of("127.0.0.1/32")), clock,
      Duration.ofSeconds(2), Duration.ofMillis(500), (SSLSocketFactory) SSLSocketFactory.getDefault());
  private final WebhookChannel channel = new WebhookChannel(http, SECRET, Map.of("X-Team", "db"));
  private final Receiver receiver;

  WebhookChannelTest() throws Exception {
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  /** What a receiver does: recompute the HMAC over "<timestamp>.<body>" and compare. */
  private static boolean verifies(Receiver.Request r) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((r.header("X-Watchkeeper-Timestamp") + ".").getBytes(StandardCharsets.UTF_8));
    String expected = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(r.body()));
    return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        r.header("X-Watchkeeper-Signature").getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void postsSignedJsonThatTheReceiverVerifies() throws Exception {
    var d = channel.send(Messages.dbDown(receiver.url("/hooks/abc")));
    assertInstanceOf(Delivery.Delivered.class, d);
    var got = receiver.only();
    assertTrue(verifies(got));
    assertEquals("1795428005", got.header("X-Watchkeeper-Timestamp"));
    assertEquals("inc-42-alice-triggered-1", got.header("Idempotency-Key"));
    assertEquals("db", got.header("X-Team"));
    assertEquals("application/json", got.header("Content-Type"));
    JsonNode json = new ObjectMapper().readTree(got.body());
    assertEquals("triggered", json.get("kind").asText());
    assertEquals(42, json.at("/incident/id").asLong());
    assertEquals("DB <primary> down & \"replica\" lagging *now*", json.at("/incident/title").asText());
    assertEquals("https://wk.example.com/a/42?sig=abc", json.at("/links/acknowledge").asText());
    assertEquals("3", json.at("/fields/alerts").asText());
    assertFalse(got.bodyText().contains("/hooks/abc"), "the address is not echoed in the body");
  }

  @Test
  void tamperedBodyFailsVerification() throws Exception {
    channel.send(Messages.dbDown(receiver.url("/h")));
    var r = receiver.only();
    byte[] tampered = r.bodyText().replace("critical", "info").getBytes(StandardCharsets.UTF_8);
    assertFalse(verifies(new Receiver.Request(r.method(), r.path(), r.headers(), tampered)));
  }

  @Test
  void serverErrorsAndTooManyRequestsAreRetried() {
    receiver.answer(r -> Receiver.Answer.of(503));
    var d = assertInstanceOf(Delivery.RetryLater.class, channel.send(Messages.dbDown(receiver.url("/h"))));
    assertEquals(null, d.after());
    receiver.answer(r -> new Receiver.Answer(429, Map.of("Retry-After", "30")));
    var limited = assertInstanceOf(Delivery.RetryLater.class,
        channel.send(Messages.dbDown(receiver.url("/h"))));
    assertEquals(Duration.ofSeconds(30), limited.after());
    receiver.answer(r -> new Receiver.Answer(429, Map.of("Retry-After", "Mon, 23 Nov 2026 10:01:05 GMT")));
    var dated = assertInstanceOf(Delivery.RetryLater.class,
        channel.send(Messages.dbDown(receiver.url("/h"))));
    assertEquals(Duration.ofSeconds(60), dated.after());
  }

  @Test
  void clientErrorsFailForGood() {
    receiver.answer(r -> Receiver.Answer.of(404));
    var d = assertInstanceOf(Delivery.Failed.class,
        channel.send(Messages.dbDown(receiver.url("/hooks/s3cr3t"))));
    assertEquals("webhook: receiver answered HTTP 404", d.reason());
  }

  @Test
  void refusedConnectionAndTimeoutAreRetried() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertInstanceOf(Delivery.RetryLater.class,
        channel.send(Messages.dbDown("http://127.0.0.1:" + port + "/h")));
    try (ServerSocket silent = new ServerSocket(0)) {
      assertInstanceOf(Delivery.RetryLater.class,
          channel.send(Messages.dbDown("http://127.0.0.1:" + silent.getLocalPort() + "/h")));
    }
  }

  @Test
  void privateAddressFailsWithoutLeakingTheUrl() {
    var d = assertInstanceOf(Delivery.Failed.class,
        channel.send(Messages.dbDown("http://169.254.169.254/latest/s3cr3t?token=s3cr3t")));
    assertFalse(d.reason().contains("s3cr3t"), d.reason());
    assertTrue(d.reason().startsWith("webhook: refused http://169.254.169.254"), d.reason());
    assertInstanceOf(Delivery.Failed.class, channel.send(Messages.dbDown("not a url")));
  }

  @Test
  void extraHeadersCannotReplaceTheSignature() {
    var e = assertThrows(IllegalArgumentException.class, () -> new WebhookChannel(http, SECRET,
        Map.of("X-Watchkeeper-Signature", "forged")));
    assertEquals("notifications.webhook.headers.X-Watchkeeper-Signature: set by Watchkeeper,"
        + " cannot be overridden", e.getMessage());
  }
}
