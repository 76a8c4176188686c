package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.check.udp.Datagram;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UDP heartbeats on loopback, unicast and multicast, signed, with replays and forgeries dropped. */
class UdpHeartbeatTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "udp-secret-0123456789";
  static final String GROUP = "239.255.42.99";

  @TempDir Path dir;
  TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static int freePort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }

  int start(String extra) throws Exception {
    int port = freePort();
    server = new TestServer(dir, """
        checks:
          udp: {port: %d, host: 127.0.0.1, secret: %s, window: 30s%s}
          list:
            - {slug: edge-1, service: batch, period: 1m}
        """.formatted(port, SECRET, extra));
    return port;
  }

  JsonNode check() throws Exception {
    JsonNode list = JSON.readTree(server.get("/api/v1/checks?service=batch", VIEWER).body())
        .get("checks");
    return list.get(0);
  }

  static void send(DatagramSocket s, String text, InetAddress to, int port) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    s.send(new DatagramPacket(b, b.length, to, port));
  }

  String metric(String reason) throws Exception {
    String m = server.get("/metrics", null).body();
    String prefix = "watchkeeper_checks_udp_dropped_total{reason=\"" + reason + "\"} ";
    return m.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("")
        .substring(prefix.length());
  }

  @Test
  void aSignedUnicastDatagramPingsTheCheckAndBadOnesAreCountedAndDropped() throws Exception {
    int port = start("");
    long now = Instant.now().getEpochSecond();
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (DatagramSocket s = new DatagramSocket()) {
      send(s, "batch/edge-1 ok " + now + " " + "0".repeat(64), lo, port);
      send(s, "garbage", lo, port);
      send(s, Datagram.sign(SECRET, "batch/edge-1", "ok", now - 3600, null), lo, port);
      await().atMost(Duration.ofSeconds(5)).until(() -> metric("stale").equals("1.0"));
      assertThat(metric("bad_signature")).isEqualTo("1.0");
      assertThat(metric("malformed")).isEqualTo("1.0");
      assertThat(check().get("status").asText()).isEqualTo("new");

      String good = Datagram.sign(SECRET, "batch/edge-1", "ok", now, "disk 41%");
      send(s, good, lo, port);
      await().atMost(Duration.ofSeconds(5))
          .until(() -> check().get("status").asText().equals("up"));
      send(s, good, lo, port);
      await().atMost(Duration.ofSeconds(5)).until(() -> metric("replayed").equals("1.0"));
    }
    JsonNode pings = JSON.readTree(server.get("/api/v1/checks/" + check().get("id").asText()
        + "/pings", VIEWER).body()).get("pings");
    assertThat(pings).hasSize(1);
    assertThat(pings.get(0).get("transport").asText()).isEqualTo("udp");
    assertThat(pings.get(0).get("body").asText()).isEqualTo("disk 41%");

    try (DatagramSocket s = new DatagramSocket()) {
      send(s, Datagram.sign(SECRET, check().get("id").asText(), "fail", now + 1, null), lo,
          port);
    }
    await().atMost(Duration.ofSeconds(5))
        .until(() -> check().get("status").asText().equals("down"));
    assertThat(server.get("/api/v1/checks", ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void aDatagramSentToTheMulticastGroupPingsTheCheck() throws Exception {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    int port = start(", multicast_group: \"" + GROUP + "\", interface: " + lo.getName());
    try (MulticastSocket s = new MulticastSocket()) {
      s.setNetworkInterface(lo);
      s.setLoopbackMode(false); // false = loopback enabled (the flag is "disable")
      String d = Datagram.sign(SECRET, "batch/edge-1", "ok", Instant.now().getEpochSecond(),
          null);
      byte[] b = d.getBytes(StandardCharsets.UTF_8);
      s.send(new DatagramPacket(b, b.length, new InetSocketAddress(GROUP, port)));
    }
    await().atMost(Duration.ofSeconds(5))
        .until(() -> check().get("status").asText().equals("up"));
  }

  @Test
  void datagramsBeyondTheChecksRateLimitAreDroppedAndCounted() throws Exception {
    int port = start(", rate_limit: {datagrams_per_second: 0.001, burst: 2}");
    long now = Instant.now().getEpochSecond();
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (DatagramSocket s = new DatagramSocket()) {
      for (int i = 0; i < 5; i++) {
        send(s, Datagram.sign(SECRET, "batch/edge-1", "log", now, "run " + i), lo, port);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> metric("rate_limited").equals("3.0"));
    }
    String id = check().get("id").asText();
    await().atMost(Duration.ofSeconds(5)).until(() -> JSON.readTree(server.get(
        "/api/v1/checks/" + id + "/pings", VIEWER).body()).get("pings").size() == 2);
    assertThat(JSON.readTree(server.get("/api/v1/checks/" + id + "/pings", VIEWER).body())
        .get("pings")).extracting(p -> p.get("body").asText()).containsExactly("run 1", "run 0");
  }
}
