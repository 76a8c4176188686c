package dev.watchkeeper.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchkeeper.crash.EscalationRig.Db;
import dev.watchkeeper.crash.EscalationRig.Page;
import dev.watchkeeper.crash.EscalationRig.Setup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Escalation survives SIGKILL: the REAL server process is killed three times in the middle of
 * escalating eight incidents through a policy of four levels of 2 s (users u1..u4), restarted on
 * the same database each time, and what users see ({@code pages} of {@code GET
 * /api/v1/incidents/{id}}) must show every level paged exactly once, in order, never early, and
 * on time: a level that came due while the server was up within {@link #LATE} of its due time, one
 * that came due while the server was down (or was being fired when it died) by {@link #LATE} after
 * the restarted server's listening line.
 *
 * <p>The kills: (1) just after level 2 of the first incident fired, (2) at the very moment the next
 * pending level comes due (the timer thread is firing it, or about to), then down 1 s more, (3) at
 * a random moment within ±400 ms of the next due level. Incidents 1-4 are triggered 300 ms apart on
 * the first server, 5-8 on the second, so the kills find them at different levels.
 *
 * <p>Runs on SQLite and on PostgreSQL ({@code -Dwatchkeeper.pg.skip=true} skips the latter, saying
 * so). Needs the packaged jar (failsafe passes it). Logs under {@code target/crash-it/}.
 */
class EscalationCrashIT {
  private static final int LEVELS = 4;
  private static final Duration DELAY = Duration.ofSeconds(2);
  private static final int INCIDENTS = 8;
  private static final Duration STAGGER = Duration.ofMillis(300);
  private static final Duration SERVER_START = Duration.ofSeconds(30);
  /** How late a level may fire: after its due time (server up), or after a restart. */
  private static final Duration LATE = Duration.ofMillis(1000);
  /** How late level 1 may be paged after its event was posted (first event on a cold JVM). */
  private static final Duration TRIGGER_LATE = Duration.ofSeconds(5);

  /**
   * One server process's life: started, printed its listening line, killed (MAX_VALUE: still up);
   * epoch milliseconds.
   */
  private record Life(long spawned, long up, long killed) {}

  private final List<ServerProcess> servers = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    for (ServerProcess s : servers) {
      s.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Db.class)
  @Timeout(120)
  void sigkillMidEscalationNeitherLosesNorDoublesALevel(Db db) throws Exception {
    Setup setup = EscalationRig.setUp(db, "escalation", LEVELS, DELAY);
    List<Life> lives = new ArrayList<>();
    List<String> kills = new ArrayList<>();

    ServerProcess server = start(setup, "server-1.log");
    long up = System.currentTimeMillis();
    Map<String, Long> sentAt = new LinkedHashMap<>();
    Map<String, Long> ids = new LinkedHashMap<>();
    trigger(server, 1, INCIDENTS / 2, sentAt, ids);
    long first = ids.get(title(1));
    String url1 = server.baseUrl();

    // Kill 1: just after level 2 of the first incident fired.
    await("level 2 of incident " + first).atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
        .until(() -> detail(url1, first).get("pages").size() >= 2);
    long killed = kill(server);
    lives.add(new Life(spawned(server), up, killed));
    kills.add("just after level 2 of incident " + first + " fired");

    // The other half of the incidents start on the restarted server, so that the kills find the
    // incidents at different levels and some levels come due while a server is up.
    server = start(setup, "server-2.log");
    up = System.currentTimeMillis();
    trigger(server, INCIDENTS / 2 + 1, INCIDENTS, sentAt, ids);
    // Kill 2: at the moment the next pending level comes due; then stay down 1 s longer.
    Due next = nextDue(server.baseUrl(), ids.values());
    sleepUntil(next.at);
    killed = kill(server);
    lives.add(new Life(spawned(server), up, killed));
    kills.add("at the due time of level " + next.level + " of incident " + next.incident
        + " (killed " + (killed - next.at) + " ms after it)");
    Thread.sleep(1000);

    server = start(setup, "server-3.log");
    up = System.currentTimeMillis();
    // Kill 3: at a random moment around the next due level.
    next = nextDue(server.baseUrl(), ids.values());
    long at = Math.max(System.currentTimeMillis(),
        next.at + ThreadLocalRandom.current().nextLong(-400, 401));
    sleepUntil(at);
    killed = kill(server);
    lives.add(new Life(spawned(server), up, killed));
    kills.add("around the due time of level " + next.level + " of incident " + next.incident
        + " (killed " + (killed - next.at) + " ms after it)");

    server = start(setup, "server-final.log");
    up = System.currentTimeMillis();
    lives.add(new Life(spawned(server), up, Long.MAX_VALUE));
    String last = server.baseUrl();
    await("every incident's escalation exhausted").atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          for (long id : ids.values()) {
            JsonNode e = detail(last, id).path("escalation");
            if (!e.path("exhausted").asBoolean()) {
              return false;
            }
          }
          return true;
        });

    // What users see, and when.
    List<String> problems = new ArrayList<>();
    List<Long> level1 = new ArrayList<>();
    List<Long> lateUp = new ArrayList<>();
    List<Long> sinceListening = new ArrayList<>();
    List<Long> sinceSpawn = new ArrayList<>();
    List<Long> nearKill = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (Map.Entry<String, Long> e : ids.entrySet()) {
      long id = e.getValue();
      JsonNode d = detail(last, id);
      List<Page> pages = EscalationRig.pages(id, d);
      for (String p : EscalationRig.problems(pages, LEVELS, DELAY)) {
        problems.add("incident " + id + ": " + p);
      }
      if (d.get("pending").size() > 0) {
        problems.add("incident " + id + ": timers still pending after exhaustion: "
            + d.get("pending"));
      }
      if (d.path("escalation").path("level").asInt() != LEVELS) {
        problems.add("incident " + id + ": escalation stands at level "
            + d.path("escalation").path("level") + ", expected " + LEVELS);
      }
      table.append("\n  incident ").append(id).append(':');
      for (int i = 0; i < pages.size(); i++) {
        Page p = pages.get(i);
        long fired = p.at().toEpochMilli();
        String how;
        if (i == 0) {
          // Level 1 is paged when the event is processed; the event went to a running server.
          long late = fired - sentAt.get(e.getKey());
          level1.add(late);
          how = "+" + late + "ms after the POST";
          if (late > TRIGGER_LATE.toMillis()) {
            problems.add("incident " + id + " level 1 paged " + late + " ms after its event");
          }
          table.append(" L1 ").append(how);
          continue;
        }
        long due = pages.get(i - 1).at().plus(DELAY).toEpochMilli();
        Life life = lifeAt(lives, due);
        if (life != null && due + LATE.toMillis() <= life.killed) {
          lateUp.add(fired - due);
          how = "+" + (fired - due) + "ms";
          if (fired > due + LATE.toMillis()) {
            problems.add("incident " + id + " level " + p.level() + " fired " + (fired - due)
                + " ms after it came due while the server was up");
          }
        } else if (life != null && fired < life.killed) {
          // Due just before a kill, and fired before it.
          nearKill.add(fired - due);
          how = "+" + (fired - due) + "ms (just before the kill)";
        } else {
          // Due while the server was down (or so close before a kill that it may have been
          // mid-transaction): it must fire as the next server starts.
          Life restart = lifeAfter(lives, due);
          sinceListening.add(fired - restart.up);
          sinceSpawn.add(fired - restart.spawned);
          how = "+" + (fired - due) + "ms (due while down; " + (fired - restart.spawned)
              + "ms after the restart's process start, " + (fired - restart.up)
              + "ms after its listening line)";
          if (fired > restart.up + LATE.toMillis()) {
            problems.add("incident " + id + " level " + p.level() + " came due while the server"
                + " was down and fired " + (fired - restart.up) + " ms after the restart was"
                + " listening");
          }
        }
        table.append("\n    L").append(p.level()).append(' ').append(how);
      }
    }
    StringBuilder lifeText = new StringBuilder();
    long t0 = lives.get(0).spawned;
    for (Life l : lives) {
      lifeText.append(" [").append(l.spawned - t0).append(" start, ").append(l.up - t0)
          .append(" listening, ")
          .append(l.killed == Long.MAX_VALUE ? "-" : (l.killed - t0) + " killed").append(']');
    }
    System.out.println("[escalation-crash] " + db.name().toLowerCase() + " SIGKILLx"
        + kills.size() + ": " + String.join("; ", kills)
        + "\n  server lives (ms since the first start):" + lifeText
        + "\n  level 1, from POST to page: " + EscalationRig.stats(level1)
        + "\n  levels due while a server was up, lateness: " + EscalationRig.stats(lateUp)
        + "\n  levels due just before a kill that fired before it, lateness: "
        + EscalationRig.stats(nearKill)
        + "\n  levels due while down (or in flight at a kill), fired after the restart's process"
        + " start: " + EscalationRig.stats(sinceSpawn)
        + "\n    ... and relative to its listening line: " + EscalationRig.stats(sinceListening)
        + "\n  logs=" + setup.dir() + table);

    assertThat(problems).as("missed, doubled, early or late levels").isEmpty();
    assertThat(sinceSpawn).as("levels that came due while the server was down (else the test"
        + " did not test that)").isNotEmpty();
    assertThat(lateUp.size() + nearKill.size()).as("levels that came due and fired while a"
        + " server was up (else the test did not test that)").isPositive();
  }

  // -----------------------------------------------------------------------------------------

  private record Due(long incident, int level, long at) {}

  /** The earliest pending escalate timer due at least 100 ms from now. */
  private static Due nextDue(String url, Iterable<Long> ids) throws Exception {
    long from = System.currentTimeMillis() + 100;
    Due best = null;
    for (long id : ids) {
      JsonNode d = detail(url, id);
      for (JsonNode t : d.get("pending")) {
        long at = Instant.parse(t.get("due_at").asText()).toEpochMilli();
        // Only timers that page a level (after the last level, the timer only ends the policy).
        if (t.get("kind").asText().equals("escalate") && at >= from
            && d.path("escalation").path("level").asInt() < LEVELS
            && (best == null || at < best.at)) {
          best = new Due(id, d.path("escalation").path("level").asInt() + 1, at);
        }
      }
    }
    assertThat(best).as("a level still to come (the kills are timed on one)").isNotNull();
    return best;
  }

  private static String title(int i) {
    return "escalation crash " + i;
  }

  /** Posts the events of incidents {@code from..to}, STAGGER apart, and waits for the incidents. */
  private static void trigger(ServerProcess server, int from, int to, Map<String, Long> sentAt,
      Map<String, Long> ids) throws Exception {
    for (int i = from; i <= to; i++) {
      sentAt.put(title(i), System.currentTimeMillis());
      assertThat(EscalationRig.post(server.baseUrl(), "e" + i, "k" + i, title(i)))
          .as("POST /api/v1/events for incident %d", i).isEqualTo(202);
      if (i < to) {
        Thread.sleep(STAGGER.toMillis());
      }
    }
    await("incidents 1.." + to + " open").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20)).until(() -> {
          for (JsonNode i : EscalationRig.incidents(server.baseUrl())) {
            ids.put(i.get("title").asText(), i.get("id").asLong());
          }
          return ids.size() >= to;
        });
    assertThat(ids).as("one incident per alert").hasSize(to);
  }

  /** When the process was started, epoch ms. */
  private static long spawned(ServerProcess s) {
    return s.spawnedAt();
  }

  private static JsonNode detail(String url, long id) throws Exception {
    return EscalationRig.get(url, "/api/v1/incidents/" + id);
  }

  private static Life lifeAt(List<Life> lives, long t) {
    for (Life l : lives) {
      if (l.up <= t && t < l.killed) {
        return l;
      }
    }
    return null;
  }

  private static Life lifeAfter(List<Life> lives, long t) {
    for (Life l : lives) {
      if (l.up > t) {
        return l;
      }
    }
    throw new AssertionError("no server started after " + t);
  }

  private static void sleepUntil(long epochMillis) throws InterruptedException {
    long ms;
    while ((ms = epochMillis - System.currentTimeMillis()) > 0) {
      Thread.sleep(ms);
    }
  }

  private static long kill(ServerProcess s) {
    long at = System.currentTimeMillis();
    s.kill();
    return at;
  }

  private ServerProcess start(Setup setup, String logName) {
    ServerProcess s = ServerProcess.start(setup.jar(), setup.config(),
        setup.dir().resolve(logName), SERVER_START);
    servers.add(s);
    return s;
  }
}
