package dev.watchkeeper.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crash safety of pings against the REAL server process: every ping answered "OK" must be in the
 * check's pings after a SIGKILL and a restart. Client threads POST log pings with unique bodies
 * without pause; the server is killed while pings are in flight.
 */
class PingCrashIT {
  static final String CHECK = "0a0b0c0d-1111-4222-8333-444455556666";
  static final String ADMIN = "ping-crash-admin-token";
  static final int THREADS = 4;
  static final int MAX_PER_THREAD = 1500;

  private final List<ServerProcess> servers = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  @AfterEach
  void cleanUp() {
    stop.set(true);
    servers.forEach(ServerProcess::close);
  }

  @Test
  @Timeout(90)
  void everyPingAnsweredOkIsStoredAfterSigkill() throws Exception {
    Path jar = Path.of(System.getProperty("watchkeeper.jar", "target/watchkeeper.jar"));
    Path dir = Files.createDirectories(Path.of("target/crash-it/pings-" + System.nanoTime()));
    Path config = Files.writeString(dir.resolve("watchkeeper.yml"), """
        server: {host: 127.0.0.1, port: 0}
        storage: {data_dir: "%s"}
        api_tokens:
          - {name: admin, role: admin, token: %s}
        services:
          - id: jobs
            integration_keys: [{name: k, key: jobs-key-123456}]
        checks:
          keep_pings: 10000
          ping_rate_limit: {pings_per_second: 100000, burst: 100000}
          list:
            - {slug: etl, service: jobs, period: 1h, id: %s}
        """.formatted(dir.resolve("data"), ADMIN, CHECK));
    ServerProcess server = ServerProcess.start(jar, config, dir.resolve("server-1.log"),
        Duration.ofSeconds(30));
    servers.add(server);

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger inFlight = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread c = new Thread(() -> {
        for (int i = 0; i < MAX_PER_THREAD && !stop.get(); i++) {
          String body = "run-" + thread + "-" + i;
          inFlight.incrementAndGet();
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/ping/" + CHECK + "/log"))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().equals("OK")) {
              acked.add(body);
            }
          } catch (Exception e) {
            // no answer: unknown, may or may not be stored
          } finally {
            inFlight.decrementAndGet();
          }
        }
      });
      c.start();
      clients.add(c);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 500);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
        .until(() -> inFlight.get() > 0);
    server.kill();
    stop.set(true);
    for (Thread c : clients) {
      c.join(10_000);
    }

    ServerProcess again = ServerProcess.start(jar, config, dir.resolve("server-2.log"),
        Duration.ofSeconds(30));
    servers.add(again);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(again.baseUrl()
            + "/api/v1/checks/" + CHECK + "/pings?limit=10000"))
        .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
    Set<String> stored = new HashSet<>();
    for (JsonNode p : new ObjectMapper().readTree(r.body()).get("pings")) {
      stored.add(p.get("body").asText());
    }
    System.out.println("[ping-crash] acknowledged=" + acked.size() + " stored=" + stored.size());
    Set<String> lost = new HashSet<>(acked);
    lost.removeAll(stored);
    assertThat(lost).as("pings answered OK but missing after the restart").isEmpty();
    assertThat(again.terminate(Duration.ofSeconds(30))).isZero();
  }
}
