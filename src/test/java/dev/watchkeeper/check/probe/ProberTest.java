package dev.watchkeeper.check.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.watchkeeper.check.PingKind;
import dev.watchkeeper.notify.net.SsrfGuard;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probes against real local servers: HTTP status, body, latency, redirects, TLS expiry, TCP, DNS. */
class ProberTest {
  static final Prober LOOPBACK_ALLOWED = Prober.withDefaultTrust(
      new SsrfGuard(List.of("127.0.0.0/8")), Clock.systemUTC());

  HttpServer http;
  AtomicInteger status = new AtomicInteger(200);
  volatile String body = "{\"status\":\"ok\"}";
  volatile long delayMs;

  @BeforeEach
  void start() throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/health", ex -> {
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status.get(), b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    http.createContext("/hop", ex -> {
      int n = Integer.parseInt(ex.getRequestURI().getQuery());
      ex.getResponseHeaders().add("Location", n == 0 ? "/health" : "/hop?" + (n - 1));
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  static Probe probe(Probe.Type type, String target, List<Integer> expected, String contains,
      Duration maxLatency, int warnDays) {
    return new Probe(type, target, Duration.ofSeconds(30), Duration.ofSeconds(2), 0, 1, 1, "GET",
        Map.of("Accept", "application/json"), expected, contains, maxLatency, warnDays);
  }

  static Probe http(String url) {
    return probe(Probe.Type.HTTP, url, List.of(), null, null, 14);
  }

  @Test
  void anHttpProbeChecksStatusBodyAndLatency() {
    assertThat(LOOPBACK_ALLOWED.run(http(url("/health"))).ok()).isTrue();
    assertThat(LOOPBACK_ALLOWED.run(probe(Probe.Type.HTTP, url("/health"), List.of(200),
        "\"ok\"", Duration.ofSeconds(1), 14)).ok()).isTrue();

    status.set(503);
    Prober.Result down = LOOPBACK_ALLOWED.run(http(url("/health")));
    assertThat(down.ok()).isFalse();
    assertThat(down.message()).isEqualTo("HTTP 503");

    status.set(200);
    body = "{\"status\":\"degraded\"}";
    assertThat(LOOPBACK_ALLOWED.run(probe(Probe.Type.HTTP, url("/health"), List.of(), "\"ok\"",
        null, 14)).message()).isEqualTo("HTTP 200, body does not contain \"\"ok\"\"");

    delayMs = 300;
    Prober.Result slow = LOOPBACK_ALLOWED.run(probe(Probe.Type.HTTP, url("/health"), List.of(),
        null, Duration.ofMillis(100), 14));
    assertThat(slow.ok()).isFalse();
    assertThat(slow.message()).contains("slower than max_latency 100 ms");
  }

  @Test
  void aJsonConditionReadsAPointerIntoTheBody() {
    body = "{\"status\":\"ok\",\"checks\":{\"db\":{\"up\":true},\"cache\":{\"up\":false}}}";
    java.util.function.BiFunction<String, String, Probe> json = (path, equals) -> new Probe(
        Probe.Type.HTTP, url("/health"), Duration.ofSeconds(30), Duration.ofSeconds(2), 0, 1, 1,
        "GET", Map.of(), List.of(), null, null, 14, path, equals);
    assertThat(LOOPBACK_ALLOWED.run(json.apply("/status", "ok")).ok()).isTrue();
    assertThat(LOOPBACK_ALLOWED.run(json.apply("/checks/db/up", null)).ok()).isTrue();
    Prober.Result cache = LOOPBACK_ALLOWED.run(json.apply("/checks/cache/up", null));
    assertThat(cache.ok()).isFalse();
    assertThat(cache.message()).contains("/checks/cache/up is false");
    Prober.Result degraded = LOOPBACK_ALLOWED.run(json.apply("/status", "degraded"));
    assertThat(degraded.message()).contains("/status is \"ok\", expected \"degraded\"");
    assertThat(LOOPBACK_ALLOWED.run(json.apply("/missing", null)).message())
        .contains("no /missing in the JSON body");
    body = "<html>oops</html>";
    assertThat(LOOPBACK_ALLOWED.run(json.apply("/status", "ok")).message())
        .contains("body is not JSON");
  }

  @Test
  void redirectsAreFollowedUpToThree() {
    assertThat(LOOPBACK_ALLOWED.run(http(url("/hop?2"))).ok()).isTrue();
    Prober.Result tooMany = LOOPBACK_ALLOWED.run(http(url("/hop?3")));
    assertThat(tooMany.ok()).isFalse();
    assertThat(tooMany.message()).isEqualTo("more than 3 redirects");
  }

  @Test
  void internalTargetsNeedTheProbeAllowList() {
    Prober strict = Prober.withDefaultTrust(SsrfGuard.strict(), Clock.systemUTC());

    Prober.Result r = strict.run(http(url("/health")));

    assertThat(r.ok()).isFalse();
    assertThat(r.message()).contains("refused").contains("probe_allow_private_networks");
    assertThat(status.get()).isEqualTo(200);
  }

  @Test
  void tcpConnectsAndFailsOnAClosedPort() throws Exception {
    assertThat(LOOPBACK_ALLOWED.run(probe(Probe.Type.TCP, "127.0.0.1:"
        + http.getAddress().getPort(), List.of(), null, null, 14)).ok()).isTrue();
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(LOOPBACK_ALLOWED.run(probe(Probe.Type.TCP, "127.0.0.1:" + closed, List.of(), null,
        null, 14)).ok()).isFalse();
  }

  @Test
  void dnsResolvesAKnownNameAndFailsAnUnknownOne() {
    assertThat(LOOPBACK_ALLOWED.run(probe(Probe.Type.DNS, "localhost", List.of(), null, null,
        14)).ok()).isTrue();
    assertThat(LOOPBACK_ALLOWED.run(probe(Probe.Type.DNS, "no-such-host.invalid", List.of(),
        null, null, 14)).message()).isEqualTo("no-such-host.invalid does not resolve");
  }

  @Test
  void aCertificateExpiringWithinWarnDaysFailsTheTlsAndHttpsProbes(@TempDir Path dir)
      throws Exception {
    // A self-signed certificate valid for 5 days, made by the JDK's keytool.
    Path ks = dir.resolve("ks.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "probe", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "5",
        "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true).start();
    try (InputStream out = p.getInputStream()) {
      out.readAllBytes();
    }
    assertThat(p.waitFor()).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(store, "changeit".toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(store);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(server));
    https.createContext("/", ex -> {
      ex.sendResponseHeaders(200, 2);
      ex.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
      ex.close();
    });
    https.start();
    try {
      Prober prober = new Prober(new SsrfGuard(List.of("127.0.0.0/8")), client,
          Clock.systemUTC());
      String target = "localhost:" + https.getAddress().getPort();

      Prober.Result soon = prober.run(probe(Probe.Type.TLS, target, List.of(), null, null, 14));
      assertThat(soon.ok()).isFalse();
      assertThat(soon.message()).startsWith("certificate expires").contains("warn_days 14");
      assertThat(prober.run(probe(Probe.Type.TLS, target, List.of(), null, null, 3)).ok())
          .isTrue();
      Prober.Result viaHttps = prober.run(probe(Probe.Type.HTTP, "https://" + target + "/",
          List.of(), "ok", null, 14));
      assertThat(viaHttps.ok()).isFalse();
      assertThat(viaHttps.message()).startsWith("HTTP 200; certificate expires");
      // Untrusted (the JVM's trust store does not know it): refused.
      assertThat(Prober.withDefaultTrust(new SsrfGuard(List.of("127.0.0.0/8")),
          Clock.systemUTC()).run(probe(Probe.Type.TLS, target, List.of(), null, null, 3)).ok())
          .isFalse();
    } finally {
      https.stop(0);
    }
  }

  @Test
  void thresholdsNeedFailuresAndSuccessesInARow() {
    ProbeState s = new ProbeState(3, 2, false);
    assertThat(List.of(s.next(false), s.next(false), s.next(true), s.next(false), s.next(false),
        s.next(false), s.next(false), s.next(true), s.next(true), s.next(true)))
        .containsExactly(PingKind.LOG, PingKind.LOG, PingKind.SUCCESS, PingKind.LOG,
            PingKind.LOG, PingKind.FAIL, PingKind.FAIL, PingKind.LOG, PingKind.SUCCESS,
            PingKind.SUCCESS);
  }
}
