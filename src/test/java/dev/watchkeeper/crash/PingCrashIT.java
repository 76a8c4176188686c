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
import dev.watchkeeper.crash.EscalationRig.Db;
import dev.watchkeeper.testing.PgDatabase;
import dev.watchkeeper.testing.TestPostgres;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash safety of pings against the REAL server process: every ping answered "OK" must be in the
 * check's pings after a SIGKILL and a restart, and counted in the check's state. Client threads
 * POST log pings with unique bodies without pause; the server is killed while pings are in
 * flight (most of them only in the ping log, not yet folded into the check). SQLite and
 * PostgreSQL.
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

  @ParameterizedTest(name = "{0}")
  @EnumSource(Db.class)
  @Timeout(120)
  void everyPingAnsweredOkIsStoredAfterSigkill(Db db) throws Exception {
    PgDatabase pg = db == Db.POSTGRES ? TestPostgres.freshDatabase() : null;
    Path jar = Path.of(System.getProperty("watchkeeper.jar", "target/watchkeeper.jar"));
    Path dir = Files.createDirectories(Path.of("target/crash-it/pings-"
        + db.name().toLowerCase(Locale.ROOT) + "-" + System.nanoTime()));
    ObjectMapper json = new ObjectMapper();
    String storage = "{data_dir: " + json.writeValueAsString(dir.resolve("data").toString());
    if (pg != null) {
      // The embedded server is handed out as localhost; stay on 127.0.0.1.
      storage += ", url: " + json.writeValueAsString(pg.jdbcUrl().replaceFirst(
              "^jdbc:postgresql://localhost:", "jdbc:postgresql://127.0.0.1:"))
          + ", username: " + json.writeValueAsString(pg.username())
          + ", password: " + json.writeValueAsString(pg.password());
    }
    storage += "}";
    Path config = Files.writeString(dir.resolve("watchkeeper.yml"), """
        server: {host: 127.0.0.1, port: 0}
        storage: %s
        api_tokens:
          - {name: admin, role: admin, token: %s}
        services:
          - id: jobs
            integration_keys: [{name: k, key: jobs-key-123456}]
        checks:
          keep_pings: 10000
          fold_interval: 1m
          ping_rate_limit: {pings_per_second: 100000, burst: 100000}
          list:
            - {slug: etl, service: jobs, period: 1h, id: %s}
        """.formatted(storage, ADMIN, CHECK));
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
    System.out.println("[ping-crash " + db + "] acknowledged=" + acked.size() + " stored="
        + stored.size());
    Set<String> lost = new HashSet<>(acked);
    lost.removeAll(stored);
    assertThat(lost).as("pings answered OK but missing after the restart").isEmpty();
    HttpResponse<String> check = http.send(HttpRequest.newBuilder(URI.create(again.baseUrl()
            + "/api/v1/checks/" + CHECK)).header("Authorization", "Bearer " + ADMIN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(new ObjectMapper().readTree(check.body()).get("pings").asLong())
        .as("the check's ping count includes every stored ping, each once")
        .isEqualTo(stored.size());
    assertThat(again.terminate(Duration.ofSeconds(30))).isZero();
  }
}
