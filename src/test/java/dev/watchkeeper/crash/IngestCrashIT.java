package dev.watchkeeper.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.testing.PgDatabase;
import dev.watchkeeper.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash safety of ingest against the REAL server process: "202 Accepted" must mean "durably
 * stored", whatever happens to the process afterwards.
 *
 * <p>Client threads send events with unique ids (single events and arrays of up to 20) without
 * pause; the server is SIGKILLed mid-stream while requests are in flight, restarted on the same
 * database, and this is repeated three times. Then every id that was answered 202 must be stored,
 * and no id stored twice. Requests that failed or got no answer are "unknown": they may or may not
 * be stored. A second test does the same with SIGTERM, which must exit 0 after finishing in-flight
 * commits.
 *
 * <p>Runs for SQLite and for PostgreSQL ({@link TestPostgres}; skipped, saying so, only with
 * {@code -Dwatchkeeper.pg.skip=true}). Needs the packaged jar: failsafe passes its path as the
 * system property {@code watchkeeper.jar}. Server logs and data are kept under {@code
 * target/crash-it/}.
 */
class IngestCrashIT {
  private static final int CLIENT_THREADS = 8;
  private static final int KILL_CYCLES = 3;
  private static final Duration SERVER_START = Duration.ofSeconds(30);
  private static final Duration LOAD_PHASE = Duration.ofSeconds(20);
  private static final Duration CLIENT_STOP = Duration.ofSeconds(20);
  private static final Duration GRACEFUL_EXIT = Duration.ofSeconds(30);

  enum Db { SQLITE, POSTGRES }

  private final List<ServerProcess> servers = new ArrayList<>();
  private final List<IngestLoad.Phase> phases = new ArrayList<>();
  private IngestLoad load;

  @AfterEach
  void cleanUp() {
    // Never leave a server or a client thread behind, whatever happened in the test.
    for (ServerProcess s : servers) {
      s.close();
    }
    for (IngestLoad.Phase p : phases) {
      try {
        p.stop(Duration.ofSeconds(5));
      } catch (AssertionError ignored) {
        // already reported by the test, or irrelevant after a failure
      }
    }
    if (load != null) {
      load.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Db.class)
  @Timeout(90)
  void sigkillMidStreamLosesNoAcknowledgedEvent(Db db) throws Exception {
    Setup setup = setUp(db, "sigkill");
    load = new IngestLoad();
    List<Integer> inFlightAtKill = new ArrayList<>();
    List<Long> startMillis = new ArrayList<>();
    List<Long> ackedPerCycle = new ArrayList<>();

    for (int cycle = 1; cycle <= KILL_CYCLES; cycle++) {
      ServerProcess server = start(setup, "server-" + cycle + ".log");
      startMillis.add(server.startup().toMillis());
      IngestLoad.Phase phase = startPhase(server, db, "c" + cycle);
      int target = 300 + ThreadLocalRandom.current().nextInt(400);
      awaitAcked(server, phase, target);
      // Kill while requests are in flight: wait (briefly) for at least one to be on the wire.
      await("a request in flight").atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1)).until(() -> load.inFlight() > 0);
      inFlightAtKill.add(load.inFlight());
      server.kill();
      phase.stop(CLIENT_STOP);
      ackedPerCycle.add(phase.acked());
    }

    ServerProcess server = start(setup, "server-final.log");
    startMillis.add(server.startup().toMillis());
    List<String> stored = load.readAllIds(server.baseUrl());
    int exit = server.terminate(GRACEFUL_EXIT);

    Result r = Result.of(load, stored);
    System.out.println("[ingest-crash] " + db.name().toLowerCase() + " SIGKILLx" + KILL_CYCLES
        + ": acknowledged=" + r.acknowledged + " stored=" + r.storedDistinct + " lost="
        + r.lost.size() + " duplicates=" + r.duplicates.size() + " in-flight-unknown="
        + load.unknown.size() + " (stored: " + r.unknownStored + ") refused="
        + load.refused.size() + " (stored: " + r.refusedStored + ")"
        + " non-202=" + load.rejectedCounts()
        + " acked-per-cycle=" + ackedPerCycle + " in-flight-at-kill=" + inFlightAtKill
        + " start-ms=" + startMillis + " logs=" + setup.dir);

    r.assertNoLossNoDuplicatesNoPhantoms(load);
    assertThat(inFlightAtKill.stream().mapToInt(Integer::intValue).sum())
        .as("requests in flight at the kills (else the test did not test a kill mid-stream)")
        .isPositive();
    assertThat(load.anomalies).as("unexpected answers while the server was up").isEmpty();
    assertThat(exit).as("exit code of the final server after SIGTERM").isZero();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Db.class)
  @Timeout(90)
  void sigtermMidStreamExitsZeroAndKeepsEveryAcknowledgedEvent(Db db) throws Exception {
    Setup setup = setUp(db, "sigterm");
    load = new IngestLoad();

    ServerProcess server = start(setup, "server-1.log");
    IngestLoad.Phase phase = startPhase(server, db, "g1");
    awaitAcked(server, phase, 300 + ThreadLocalRandom.current().nextInt(400));
    await("a request in flight").atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1)).until(() -> load.inFlight() > 0);
    int inFlightAtTerm = load.inFlight();
    long ackedBeforeTerm = phase.acked();
    long t0 = System.nanoTime();
    // Clients keep sending while the server shuts down; they are stopped only once it has exited.
    int exit = server.terminate(GRACEFUL_EXIT);
    long shutdownMillis = (System.nanoTime() - t0) / 1_000_000;
    phase.stop(CLIENT_STOP);
    String shutdownLog = server.tail(5);

    ServerProcess restarted = start(setup, "server-2.log");
    List<String> stored = load.readAllIds(restarted.baseUrl());
    int exit2 = restarted.terminate(GRACEFUL_EXIT);

    Result r = Result.of(load, stored);
    System.out.println("[ingest-crash] " + db.name().toLowerCase() + " SIGTERM: exit=" + exit
        + " shutdown-ms=" + shutdownMillis + " acknowledged=" + r.acknowledged
        + " (after SIGTERM: " + (phase.acked() - ackedBeforeTerm) + ") stored="
        + r.storedDistinct + " lost=" + r.lost.size() + " duplicates=" + r.duplicates.size()
        + " in-flight-unknown=" + load.unknown.size() + " (stored: " + r.unknownStored + ")"
        + " refused=" + load.refused.size() + " (stored: " + r.refusedStored + ")"
        + " non-202=" + load.rejectedCounts() + " in-flight-at-term=" + inFlightAtTerm
        + " logs=" + setup.dir);

    assertThat(exit).as("exit code after SIGTERM while clients were sending; end of log:%s",
        shutdownLog).isZero();
    r.assertNoLossNoDuplicatesNoPhantoms(load);
    // While shutting down, "503 the server is shutting down" is a fair answer; nothing else is.
    assertThat(load.rejected.keySet()).as("HTTP statuses other than 202 (anomalies: %s)",
        load.anomalies).isSubsetOf(Set.of(503));
    assertThat(exit2).as("exit code of the restarted server after SIGTERM").isZero();
  }

  // -----------------------------------------------------------------------------------------

  private record Setup(Path jar, Path dir, Path config) {}

  private Setup setUp(Db db, String kind) throws IOException {
    // First, so that -Dwatchkeeper.pg.skip=true skips (and says so) before anything is started;
    // without it a missing PostgreSQL fails the test.
    PgDatabase pg = db == Db.POSTGRES ? TestPostgres.freshDatabase() : null;
    Path jar = jar();
    Path dir = Files.createDirectories(jar.getParent().resolve("crash-it")
        .resolve(db.name().toLowerCase() + "-" + kind + "-" + System.currentTimeMillis()));
    ObjectMapper json = new ObjectMapper();
    String storage;
    if (pg == null) {
      storage = "{url: \"\", data_dir: " + json.writeValueAsString(dir.resolve("data").toString())
          + "}";
    } else {
      // The embedded server is handed out as localhost; stay on 127.0.0.1.
      String url = pg.jdbcUrl().replaceFirst("^jdbc:postgresql://localhost:",
          "jdbc:postgresql://127.0.0.1:");
      storage = "{url: " + json.writeValueAsString(url)
          + ", username: " + json.writeValueAsString(pg.username())
          + ", password: " + json.writeValueAsString(pg.password())
          + ", data_dir: " + json.writeValueAsString(dir.resolve("data").toString()) + "}";
    }
    Path config = Files.writeString(dir.resolve("watchkeeper.yml"), """
        server: {host: 127.0.0.1, port: 0}
        storage: %s
        ingest: {rate_limit: {events_per_second: 1000000, burst: 1000000}}
        api_tokens: [{name: t, role: admin, token: %s}]
        services: [{id: crash, integration_keys: [{name: k, key: %s}]}]
        """.formatted(storage, IngestLoad.ADMIN_TOKEN, IngestLoad.INTEGRATION_KEY));
    return new Setup(jar, dir, config);
  }

  private static Path jar() {
    String prop = System.getProperty("watchkeeper.jar");
    Path jar = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("target",
        "watchkeeper.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the server jar " + jar.toAbsolutePath() + " does not exist"
          + " (system property watchkeeper.jar=" + prop + "): run `mvn package -DskipTests`"
          + " first, or run this test through `mvn verify`");
    }
    return jar.toAbsolutePath();
  }

  private ServerProcess start(Setup setup, String logName) {
    ServerProcess s = ServerProcess.start(setup.jar, setup.config, setup.dir.resolve(logName),
        SERVER_START);
    servers.add(s);
    return s;
  }

  private IngestLoad.Phase startPhase(ServerProcess server, Db db, String idPrefix) {
    IngestLoad.Phase p = load.start(server.baseUrl(), db.name().toLowerCase() + "-" + idPrefix,
        CLIENT_THREADS);
    phases.add(p);
    return p;
  }

  /** Waits until the phase has {@code target} acknowledged events; fails if the server died. */
  private static void awaitAcked(ServerProcess server, IngestLoad.Phase phase, int target) {
    await("at least " + target + " acknowledged events")
        .atMost(LOAD_PHASE)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> phase.acked() >= target || !server.isAlive());
    assertThat(server.isAlive()).as("server alive under load; end of its log:%s",
        server.tail(20)).isTrue();
  }

  /** What the read-back found, compared with what the clients were told. */
  private record Result(int acknowledged, int storedDistinct, List<String> lost,
      Map<String, Integer> duplicates, List<String> phantoms, int unknownStored,
      int refusedStored) {

    static Result of(IngestLoad load, List<String> stored) {
      Map<String, Integer> counts = new HashMap<>();
      for (String id : stored) {
        counts.merge(id, 1, Integer::sum);
      }
      Map<String, Integer> dups = counts.entrySet().stream().filter(e -> e.getValue() > 1)
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      Set<String> storedSet = counts.keySet();
      List<String> lost = load.acknowledged.stream().filter(id -> !storedSet.contains(id))
          .sorted().toList();
      List<String> phantoms = storedSet.stream().filter(id -> !load.attempted.contains(id))
          .sorted().toList();
      Set<String> unknownStored = new HashSet<>(load.unknown);
      unknownStored.retainAll(storedSet);
      Set<String> refusedStored = new HashSet<>(load.refused);
      refusedStored.retainAll(storedSet);
      return new Result(load.acknowledged.size(), storedSet.size(), lost, dups, phantoms,
          unknownStored.size(), refusedStored.size());
    }

    void assertNoLossNoDuplicatesNoPhantoms(IngestLoad load) {
      assertThat(acknowledged).as("acknowledged events (the test must have sent some)")
          .isPositive();
      assertThat(lost.size()).as("LOST: events answered 202 but not stored after restart, of %d"
          + " acknowledged; first: %s", acknowledged, first(lost)).isZero();
      assertThat(duplicates.size()).as("event ids stored more than once; first: %s",
          first(List.copyOf(duplicates.entrySet()))).isZero();
      assertThat(phantoms.size()).as("stored ids that were never sent; first: %s",
          first(phantoms)).isZero();
      assertThat(storedDistinct).as("stored events vs. ids sent").isLessThanOrEqualTo(
          load.attempted.size());
    }

    private static <T> List<T> first(List<T> all) {
      return all.subList(0, Math.min(20, all.size()));
    }
  }
}
