package dev.watchkeeper.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.watchkeeper.crash.EscalationRig.Db;
import dev.watchkeeper.crash.EscalationRig.Setup;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Notifications survive SIGKILL: the REAL server pages one user by webhook for each of
 * {@link #INCIDENTS} incidents; a receiver in this JVM answers the first {@link #HELD_AFTER}
 * and holds the rest until the kill, so most messages are still queued (or being sent) when the
 * server is killed. After a restart on the same database
 * every message arrives; a message that was being sent at the kill may arrive twice, with the
 * same {@code Idempotency-Key} (at-least-once), once its delivery lease has ended. Duplicates are
 * counted and reported; the API then shows every notification delivered and none dead.
 *
 * <p>Runs on SQLite and on PostgreSQL. Logs under {@code target/crash-it/}.
 */
class NotificationCrashIT {
  private static final int INCIDENTS = 150;
  private static final Duration SERVER_START = Duration.ofSeconds(30);
  /** The receiver's answer time: slow enough that the kill finds most messages unsent. */
  private static final long ANSWER_MS = 25;

  /** Messages answered before the receiver holds the rest until the kill. */
  private static final int HELD_AFTER = 20;

  private final List<ServerProcess> servers = new ArrayList<>();
  private HttpServer receiver;

  @AfterEach
  void cleanUp() {
    servers.forEach(ServerProcess::close);
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Db.class)
  @Timeout(180)
  void sigkillWithNotificationsPendingLosesNone(Db db) throws Exception {
    Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger arrivals = new AtomicInteger();
    // After the first HELD_AFTER messages the receiver holds every answer until the kill, so
    // the kill finds messages unsent however fast this machine delivers.
    java.util.concurrent.CountDownLatch killed = new java.util.concurrent.CountDownLatch(1);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    receiver.createContext("/hook", ex -> {
      ex.getRequestBody().readAllBytes();
      try {
        Thread.sleep(ANSWER_MS);
        if (arrivals.incrementAndGet() > HELD_AFTER) {
          killed.await(60, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
      received.computeIfAbsent(key == null ? "<none>" : key, k -> new AtomicInteger())
          .incrementAndGet();
      requests.incrementAndGet();
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();

    Setup setup = EscalationRig.setUp(db, "notifications", 1, Duration.ofHours(1));
    String yaml = Files.readString(setup.config())
        .replace("  - {id: u1}\n", "  - id: u1\n    contact_methods: [{type: webhook, address:"
            + " \"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\"}]\n")
        + """
        notifications:
          allow_private_networks: [127.0.0.0/8]
          webhook: {signing_secret: "a-signing-secret-of-some-length"}
          storm_control: {threshold: 0}
          delivery_lease: 5s
        """;
    Files.writeString(setup.config(), yaml);

    ServerProcess server = start(setup, "server-1.log");
    for (int i = 1; i <= INCIDENTS; i++) {
      assertThat(EscalationRig.post(server.baseUrl(), "e" + i, "a" + i, "incident " + i))
          .as("event %d accepted", i).isEqualTo(202);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> requests.get() >= HELD_AFTER);
    server.kill();
    int beforeKill = requests.get();
    killed.countDown();
    assertThat(beforeKill).as("the kill must find messages unsent").isLessThan(INCIDENTS);

    server = start(setup, "server-2.log");
    String url = server.baseUrl();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> received.size() >= INCIDENTS);
    // Anything still arriving would be a duplicate: wait for a quiet second and count it too.
    int[] last = {requests.get()};
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30)).until(() -> {
      int now = requests.get();
      boolean quiet = now == last[0];
      last[0] = now;
      return quiet;
    });
    int duplicates = requests.get() - received.size();
    System.out.printf("NotificationCrashIT[%s]: %d messages before the kill, %d distinct"
            + " idempotency keys delivered, %d duplicates (same key twice)%n", db,
        beforeKill, received.size(), duplicates);

    assertThat(received).hasSize(INCIDENTS).doesNotContainKey("<none>");
    // Only a message in flight at the kill may come twice: at most the workers' claimed batches.
    assertThat(duplicates).isLessThanOrEqualTo(40);
    JsonNode delivered = EscalationRig.get(url, "/api/v1/notifications?state=delivered&limit=500")
        .get("notifications");
    assertThat(delivered).hasSize(INCIDENTS);
    assertThat(EscalationRig.get(url, "/api/v1/notifications?state=dead").get("notifications"))
        .isEmpty();
    assertThat(EscalationRig.get(url, "/api/v1/notifications?state=pending")
        .get("notifications")).isEmpty();
  }

  private ServerProcess start(Setup setup, String logName) {
    ServerProcess s = ServerProcess.start(setup.jar(), setup.config(),
        setup.dir().resolve(logName), SERVER_START);
    servers.add(s);
    return s;
  }
}
