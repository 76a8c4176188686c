package dev.watchkeeper.notify.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GuardedHttpTest {

  private final Receiver receiver = newReceiver();
  private final GuardedHttp http = new GuardedHttp(new SsrfGuard(List.of("127.0.0.1/32")),
      Clock.systemUTC(), Duration.ofSeconds(2), Duration.ofMillis(500),
      (SSLSocketFactory) SSLSocketFactory.getDefault());
  private final byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

  private static Receiver newReceiver() {
    try {
      return new Receiver();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void postsBodyAndHeadersToAnAllowListedReceiver() {
    var out = http.post(receiver.url("/hook?x=1"), Map.of("Content-Type", "application/json",
        "X-Extra", "yes"), body);
    var r = assertInstanceOf(HttpOutcome.Response.class, out);
    assertEquals(200, r.status());
    var got = receiver.only();
    assertEquals("POST", got.method());
    assertEquals("/hook?x=1", got.path());
    assertEquals("yes", got.header("X-Extra"));
    assertEquals("127.0.0.1:" + receiver.port(), got.header("Host"));
    assertArrayEquals(body, got.body());
  }

  @Test
  void refusesWithoutConnectingWhenTheGuardSaysNo() {
    var strict = new GuardedHttp(SsrfGuard.strict(), Clock.systemUTC());
    var out = strict.post(receiver.url("/secret-path"), Map.of(), body);
    var refused = assertInstanceOf(HttpOutcome.Refused.class, out);
    assertFalse(refused.reason().contains("secret-path"));
    assertTrue(receiver.requests.isEmpty());
  }

  @Test
  void follows307RedirectRepeatingThePost() {
    receiver.answer(r -> r.path().equals("/old")
        ? new Receiver.Answer(307, Map.of("Location", "/new")) : Receiver.Answer.of(204));
    var r = assertInstanceOf(HttpOutcome.Response.class, http.post(receiver.url("/old"),
        Map.of(), body));
    assertEquals(204, r.status());
    assertEquals(2, receiver.requests.size());
    assertEquals("POST", receiver.requests.get(1).method());
    assertArrayEquals(body, receiver.requests.get(1).body());
  }

  @Test
  void checksEveryRedirectHop() {
    receiver.answer(r -> new Receiver.Answer(302,
        Map.of("Location", "http://169.254.169.254/latest/meta-data/")));
    var out = http.post(receiver.url("/x"), Map.of(), body);
    var refused = assertInstanceOf(HttpOutcome.Refused.class, out);
    assertTrue(refused.reason().contains("169.254.169.254"), refused.reason());
    assertEquals(1, receiver.requests.size());
  }

  @Test
  void followsAtMostThreeRedirects() {
    receiver.answer(r -> new Receiver.Answer(308, Map.of("Location", "/again")));
    var out = http.post(receiver.url("/x"), Map.of(), body);
    assertInstanceOf(HttpOutcome.Refused.class, out);
    assertEquals(4, receiver.requests.size());
  }

  @Test
  void connectionRefusedIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var out = http.post("http://127.0.0.1:" + port + "/x", Map.of(), body);
    assertInstanceOf(HttpOutcome.Unreachable.class, out);
  }

  @Test
  void silentServerTimesOut() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      var out = http.post("http://127.0.0.1:" + s.getLocalPort() + "/x", Map.of(), body);
      var u = assertInstanceOf(HttpOutcome.Unreachable.class, out);
      assertTrue(u.reason().startsWith("timed out"), u.reason());
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(5)
  void silentServerTimesOutDuringTlsHandshake() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      var out = http.post("https://127.0.0.1:" + s.getLocalPort() + "/x", Map.of(), body);
      assertInstanceOf(HttpOutcome.Unreachable.class, out);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(5)
  void slowDrippingServerTimesOut() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      Thread drip = new Thread(() -> {
        try (var c = s.accept()) {
          var out = c.getOutputStream();
          for (int i = 0; i < 100; i++) {
            out.write('H');
            out.flush();
            Thread.sleep(100);
          }
        } catch (Exception ignored) {
          // the client hung up: expected
        }
      });
      drip.start();
      var out = http.post("http://127.0.0.1:" + s.getLocalPort() + "/x", Map.of(), body);
      var u = assertInstanceOf(HttpOutcome.Unreachable.class, out);
      assertTrue(u.reason().startsWith("timed out"), u.reason());
      drip.join();
    }
  }

  @Test
  void httpsToAPlainHttpServerIsUnreachableNotDelivered() {
    var out = http.post("https://127.0.0.1:" + receiver.port() + "/x", Map.of(), body);
    assertInstanceOf(HttpOutcome.Unreachable.class, out);
    assertTrue(receiver.requests.isEmpty());
  }

  @Test
  void refusesHeaderInjection() {
    var out = http.post(receiver.url("/x"), Map.of("X-A", "1\r\nX-Injected: 2"), body);
    assertInstanceOf(HttpOutcome.Refused.class, out);
    assertTrue(receiver.requests.isEmpty());
  }

  @Test
  void retryAfterReadsSecondsAndHttpDates() {
    Clock clock = Clock.fixed(java.time.Instant.parse("2026-11-23T10:00:00Z"), java.time.ZoneOffset.UTC);
    assertEquals(Duration.ofSeconds(120), Deliveries.retryAfter("120", clock));
    assertEquals(Duration.ofSeconds(90),
        Deliveries.retryAfter("Mon, 23 Nov 2026 10:01:30 GMT", clock));
    assertNull(Deliveries.retryAfter("soon", clock));
  }
}
