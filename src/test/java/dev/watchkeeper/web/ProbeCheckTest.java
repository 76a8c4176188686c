package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A probe of the config file run by the server: up while the target answers, down after two failures. */
class ProbeCheckTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestServer server;
  com.sun.net.httpserver.HttpServer target;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    target.stop(0);
  }

  @Test
  void aFailingTargetTakesTheProbeCheckDownAfterTheThresholdAndBackUp() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    target = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/", ex -> {
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    target.start();
    server = new TestServer(dir, """
        checks:
          probe_allow_private_networks: [127.0.0.0/8]
          list:
            - slug: web
              service: payments
              probe: {http: "http://127.0.0.1:%d/", interval: 1s, timeout: 1s,
                      failure_threshold: 2, success_threshold: 1}
        """.formatted(target.getAddress().getPort()));

    await().atMost(Duration.ofSeconds(10)).until(() -> status().equals("up"));
    status.set(500);
    await().atMost(Duration.ofSeconds(10)).until(() -> status().equals("down"));
    JsonNode check = JSON.readTree(server.get("/api/v1/checks?service=payments", VIEWER).body())
        .get("checks").get(0);
    JsonNode pings = JSON.readTree(server.get("/api/v1/checks/" + check.get("id").asText()
        + "/pings", VIEWER).body()).get("pings");
    assertThat(pings.get(0).get("kind").asText()).isEqualTo("fail");
    assertThat(pings.get(1).get("kind").asText()).isEqualTo("log");
    assertThat(pings.get(0).get("body").asText()).startsWith("http failed: HTTP 500");
    status.set(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> status().equals("up"));
  }

  String status() throws Exception {
    return JSON.readTree(server.get("/api/v1/checks?service=payments", VIEWER).body())
        .get("checks").get(0).get("status").asText();
  }
}
