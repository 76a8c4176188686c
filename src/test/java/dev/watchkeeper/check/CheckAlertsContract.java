package dev.watchkeeper.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.Alert;
import dev.watchkeeper.alert.AlertHandler;
import dev.watchkeeper.alert.AlertQuery;
import dev.watchkeeper.alert.AlertStatus;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.incident.Grouping;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentEngine;
import dev.watchkeeper.incident.IncidentQuery;
import dev.watchkeeper.incident.IncidentState;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAlertStore;
import dev.watchkeeper.store.JdbcCheckStore;
import dev.watchkeeper.store.JdbcEventStore;
import dev.watchkeeper.store.JdbcIncidentStore;
import dev.watchkeeper.testing.SettableClock;
import dev.watchkeeper.web.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A silent check goes late, then down, and its alert opens an incident through the event log;
 * pings resume and it resolves. The clock is moved by hand and the due work run, on every
 * supported database.
 */
abstract class CheckAlertsContract {
  static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");

  Database db;
  SettableClock clock = new SettableClock(T0);
  JdbcCheckStore store;
  JdbcEventStore events;
  JdbcAlertStore alerts;
  JdbcIncidentStore incidents;
  AlertHandler handler;
  Checks checks;
  CheckDeadlines deadlines;
  FlipSender sender;

  abstract Storage storage();

  @BeforeEach
  void open() {
    db = Database.open(storage(), null);
    db.migrate();
    store = new JdbcCheckStore(db, Json.create());
    events = new JdbcEventStore(db, Json.create());
    alerts = new JdbcAlertStore(db, Json.create());
    incidents = new JdbcIncidentStore(db, Json.create());
    IncidentEngine engine = new IncidentEngine(incidents, clock, service -> Grouping.DEFAULT,
        () -> labels -> List.of());
    handler = new AlertHandler(alerts, engine, new SimpleMeterRegistry());
    sender = new FlipSender(store,
        b -> CompletableFuture.completedFuture(events.append(List.of(b))), clock);
    checks = new Checks(store, clock, () -> {});
    deadlines = new CheckDeadlines(checks, clock);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  /** Runs what the background threads would: deadlines, flips to events, events to alerts. */
  void settle() throws Exception {
    deadlines.runDue();
    while (sender.sendPending() > 0) {
      // all of them
    }
    long pos = events.processedPosition();
    List<StoredEvent> batch;
    while (!(batch = events.after(pos, 1000)).isEmpty()) {
      handler.handle(batch);
      pos = batch.get(batch.size() - 1).seq();
      events.markProcessed(pos);
    }
  }

  Check create(String slug, Duration period, Duration grace, String parent) {
    CheckSpec spec = new CheckSpec("svc", slug, slug, CheckSpec.Kind.HEARTBEAT,
        new Schedule.Every(period), grace, parent, null, null, null);
    return ((Checks.Outcome.Done) checks.create(spec, Check.Origin.API)).check();
  }

  void ping(Check c, PingKind kind) {
    checks.record(List.of(new Ping(c.id(), clock.instant(), kind, null, "http", "GET",
        "127.0.0.1", "test", null, null, false, null)));
  }

  List<Incident> incidents() {
    return incidents.list(new IncidentQuery(null, null, null, null, null, null, null, 100));
  }

  Alert alert(Check c) {
    return alerts.list(new AlertQuery("svc", null, null, null, 1000)).stream()
        .filter(a -> a.fingerprint().equals("check:" + c.id())).findFirst().orElseThrow();
  }

  @Test
  void aSilentCheckIsLateThenDownAndOpensAnIncidentThatResolvesWhenPingsResume()
      throws Exception {
    Check c = create("backup", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    ping(c, PingKind.SUCCESS);

    clock.advance(Duration.ofMinutes(10));
    settle();
    assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.LATE);
    assertThat(incidents()).isEmpty();

    clock.advance(Duration.ofMinutes(5));
    settle();
    assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.DOWN);
    assertThat(incidents()).hasSize(1);
    Incident i = incidents().get(0);
    assertThat(i.state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(i.service()).isEqualTo("svc");
    assertThat(i.title()).contains("check backup is down: no ping within the period");
    assertThat(alert(c).status()).isEqualTo(AlertStatus.FIRING);

    clock.advance(Duration.ofMinutes(1));
    ping(c, PingKind.SUCCESS);
    settle();
    assertThat(alert(c).status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(incidents().get(0).state()).isEqualTo(IncidentState.RESOLVED);
    assertThat(store.flips(c.id(), 10)).extracting(f -> f.to().wire())
        .containsExactly("up", "down", "late", "up");
  }

  @Test
  void manyChecksGoingDownTogetherGroupIntoOneIncidentOfTheirService() throws Exception {
    List<Check> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Check c = create("host-" + i, Duration.ofMinutes(1), Duration.ofMinutes(1), null);
      ping(c, PingKind.SUCCESS);
      all.add(c);
    }

    clock.advance(Duration.ofMinutes(3));
    settle();

    assertThat(store.countByStatus().get(CheckStatus.DOWN)).isEqualTo(300);
    assertThat(incidents()).hasSize(1);
    assertThat(incidents().get(0).alertCount()).isEqualTo(300);
  }

  @Test
  void aChildGoingDownWhileItsParentIsDownIsRecordedAsSuppressedAndPagesNobody()
      throws Exception {
    Check parent = create("switch", Duration.ofMinutes(1), Duration.ZERO, null);
    Check child = create("host", Duration.ofMinutes(5), Duration.ZERO, parent.id());
    ping(parent, PingKind.SUCCESS);
    ping(child, PingKind.SUCCESS);
    ping(parent, PingKind.FAIL);
    settle();
    assertThat(incidents()).hasSize(1);

    clock.advance(Duration.ofMinutes(5));
    settle();

    assertThat(store.find(child.id()).orElseThrow().status()).isEqualTo(CheckStatus.DOWN);
    assertThat(store.flips(child.id(), 1).get(0).suppressedBy()).isEqualTo(parent.id());
    Alert a = alert(child);
    assertThat(a.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(a.severity()).isEqualTo(Severity.INFO);
    assertThat(a.labels()).containsEntry("suppressed_by", parent.id());
    assertThat(incidents()).hasSize(1).allSatisfy(i -> assertThat(i.alertCount()).isEqualTo(1));
  }

  @Test
  void aRunThatStartsAndNeverFinishesIsDownAfterTheGrace() throws Exception {
    Check c = create("etl", Duration.ofHours(24), Duration.ofMinutes(30), null);
    ping(c, PingKind.SUCCESS);
    ping(c, PingKind.START);

    clock.advance(Duration.ofMinutes(30));
    settle();

    assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.DOWN);
    assertThat(incidents().get(0).title()).contains("started, no finish within the grace time");
  }

  @Test
  void aFlipSentTwiceIsStoredOnce() throws Exception {
    Check c = create("dup", Duration.ofMinutes(1), Duration.ZERO, null);
    ping(c, PingKind.FAIL);
    List<Flip> unsent = store.unsentFlips(10);
    sender.sendPending();
    // A crash before markSent: the same flips are sent again.
    events.append(List.of(new dev.watchkeeper.event.IngestBatch("again", "svc", "checks", null,
        clock.instant(), List.of(FlipSender.event(unsent.get(unsent.size() - 1))))));
    settle();

    assertThat(events.find(new dev.watchkeeper.event.EventQuery("svc", null, "check.down", null,
        null, null, null, 100)).stream().filter(e -> e.event().type().equals("check.down")).count()).isEqualTo(1);
  }

  void ping(Check c, PingKind kind, String body) {
    checks.record(List.of(new Ping(c.id(), clock.instant(), kind, null, "http", "POST",
        "127.0.0.1", "test", null, body, false, null)));
  }

  @Test
  void aPingIsSeenAtOnceAndSurvivesARestartBeforeItWasFolded() {
    Check c = create("nightly", Duration.ofHours(1), Duration.ofMinutes(5), null);
    ping(c, PingKind.START, "starting");
    clock.advance(Duration.ofSeconds(30));
    ping(c, PingKind.SUCCESS, "done");
    ping(c, PingKind.LOG, "a note");

    Check now = checks.store().find(c.id()).orElseThrow();
    assertThat(now.status()).isEqualTo(CheckStatus.UP);
    assertThat(now.pings()).isEqualTo(3);
    assertThat(now.lastDurationMs()).isEqualTo(30_000);
    assertThat(checks.store().pings(c.id(), 10)).extracting(Ping::body)
        .containsExactly("a note", "done", "starting");

    // A crash: this process's memory is gone; a new one starts on the same database.
    Checks restarted = new Checks(store, clock, () -> {});
    assertThat(restarted.recover()).isEqualTo(3);
    Check after = restarted.store().find(c.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(CheckStatus.UP);
    assertThat(after.pings()).isEqualTo(3);
    assertThat(after.lastPingAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(after.dueAt()).isEqualTo(T0.plusSeconds(30).plus(Duration.ofHours(1)));
    assertThat(store.find(c.id()).orElseThrow().pings()).as("folded into the row").isEqualTo(3);
    assertThat(store.pingLog()).isEmpty();
    assertThat(restarted.store().pings(c.id(), 10)).extracting(Ping::body)
        .containsExactly("a note", "done", "starting");

    // The old process folding late (or a second recovery) counts nothing twice.
    checks.fold();
    assertThat(new Checks(store, clock, () -> {}).recover()).isZero();
    assertThat(store.find(c.id()).orElseThrow().pings()).isEqualTo(3);
    assertThat(store.pings(c.id(), 10)).hasSize(3);
  }

  @Test
  void aFoldWritesTheStatesAndKeepsOnlyTheNewestPings() {
    Checks keepFive = new Checks(store, clock, () -> {}, () -> 5);
    Check c = create("chatty", Duration.ofMinutes(1), Duration.ofMinutes(1), null);
    for (int i = 0; i < 30; i++) {
      keepFive.record(List.of(new Ping(c.id(), clock.instant(), PingKind.SUCCESS, null, "http",
          "POST", "127.0.0.1", "test", null, "run " + i, false, null)));
    }
    assertThat(keepFive.unfoldedChecks()).isEqualTo(1);

    assertThat(keepFive.fold()).isEqualTo(30);

    assertThat(keepFive.unfoldedChecks()).isZero();
    assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.UP);
    assertThat(store.find(c.id()).orElseThrow().pings()).isEqualTo(30);
    assertThat(store.pingLog()).isEmpty();
    assertThat(store.pings(c.id(), 100)).extracting(Ping::body)
        .containsExactly("run 29", "run 28", "run 27", "run 26", "run 25");
  }

  @Test
  void aCheckPingedSinceItsStoredDeadlineIsNotLateAndOneSilentSinceIsDown() throws Exception {
    Check pinged = create("pinged", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    Check silent = create("silent", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    ping(pinged, PingKind.SUCCESS);
    ping(silent, PingKind.SUCCESS);
    checks.fold();
    clock.advance(Duration.ofMinutes(9));
    ping(pinged, PingKind.SUCCESS); // in memory only: the row still says due at 10 min

    clock.advance(Duration.ofMinutes(6));
    settle();

    assertThat(checks.store().find(pinged.id()).orElseThrow().status())
        .isEqualTo(CheckStatus.UP);
    assertThat(checks.store().find(silent.id()).orElseThrow().status())
        .isEqualTo(CheckStatus.DOWN);
    assertThat(store.flips(pinged.id(), 10)).extracting(f -> f.to().wire())
        .containsExactly("up");

    clock.advance(Duration.ofMinutes(5)); // 11 minutes after its last ping
    settle();
    assertThat(checks.store().find(pinged.id()).orElseThrow().status())
        .isEqualTo(CheckStatus.LATE);
  }

  /**
   * A fold moves a row's deadline later without moving the poller's wake-up (its index entry):
   * the poller, woken at the old deadline, finds nothing due, sleeps until the new deadline, and
   * the check goes late then.
   */
  @Test
  void aDeadlineFoldedLaterWakesThePollerOnceAtTheOldOneAndTheCheckIsLateAtTheNewOne()
      throws Exception {
    Check c = create("moved", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    ping(c, PingKind.SUCCESS);
    checks.fold();
    Instant first = T0.plus(Duration.ofMinutes(10));
    assertThat(checks.store().nextDue()).contains(first);
    clock.advance(Duration.ofMinutes(4));
    ping(c, PingKind.SUCCESS);
    checks.fold();
    Instant second = T0.plus(Duration.ofMinutes(14));
    assertThat(store.find(c.id()).orElseThrow().dueAt()).as("the row's deadline")
        .isEqualTo(second);

    clock.advance(Duration.ofMinutes(6).plusSeconds(1)); // past the old deadline only
    assertThat(deadlines.runDue()).as("nothing due yet").isZero();
    assertThat(checks.store().nextDue()).as("the poller sleeps until the new deadline")
        .contains(second);
    assertThat(checks.store().find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.UP);

    clock.advance(Duration.ofMinutes(4));
    assertThat(deadlines.runDue()).isEqualTo(1);
    assertThat(checks.store().find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.LATE);
    assertThat(checks.store().nextDue()).as("then the grace")
        .contains(second.plus(Duration.ofMinutes(5)));
  }

  /** The flip sender is woken by pings that change a state, not by every ping commit. */
  @Test
  void onlyAPingThatChangesAStateWakesTheFlipSender() {
    Check c = create("wakes", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    AtomicInteger woken = new AtomicInteger();
    Checks counted = new Checks(store, clock, woken::incrementAndGet);
    Ping success = new Ping(c.id(), clock.instant(), PingKind.SUCCESS, null, "http", "GET",
        "127.0.0.1", "test", null, null, false, null);
    counted.record(List.of(success)); // new -> up
    assertThat(woken).hasValue(1);
    counted.record(List.of(success, success));
    assertThat(woken).as("up stays up").hasValue(1);
    counted.record(List.of(new Ping(c.id(), clock.instant(), PingKind.FAIL, null, "http", "GET",
        "127.0.0.1", "test", null, null, false, null)));
    assertThat(woken).as("up -> down").hasValue(2);
  }

  @Test
  void aDeletedCheckLeavesNoLoggedPingsBehind() {
    Check c = create("gone", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    ping(c, PingKind.SUCCESS);
    assertThat(checks.delete(c.id())).isInstanceOf(Checks.Outcome.Done.class);

    checks.fold();

    assertThat(store.pingLog()).isEmpty();
    assertThat(store.pings(c.id(), 10)).isEmpty();
    assertThat(checks.store().find(c.id())).isEmpty();
  }

  /**
   * On SQLite the rows a fold wrote are kept in memory for the ping writer; a change of spec, a
   * delete or the deadline poller's own fold must not leave a stale copy behind.
   */
  @Test
  void aPingAfterAFoldIsJudgedByTheChecksCurrentSpec() {
    Check c = create("keyworded", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    ping(c, PingKind.SUCCESS, "all good");
    checks.fold();
    assertThat(((LiveCheckStore) checks.store()).cleanChecks()).as("kept only when sole writer")
        .isEqualTo(store.soleWriter() ? 1 : 0);

    CheckSpec strict = new CheckSpec("svc", "keyworded", "keyworded", CheckSpec.Kind.HEARTBEAT,
        new Schedule.Every(Duration.ofMinutes(10)), Duration.ofMinutes(5), null, null,
        List.of("ERROR"), null);
    assertThat(checks.update(c.id(), strict)).isInstanceOf(Checks.Outcome.Done.class);
    clock.advance(Duration.ofMinutes(1));
    ping(c, PingKind.SUCCESS, "ERROR: disk full");

    Check now = checks.store().find(c.id()).orElseThrow();
    assertThat(now.status()).isEqualTo(CheckStatus.DOWN);
    assertThat(now.pings()).isEqualTo(2);
    checks.fold();
    assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.DOWN);
  }

  @Test
  void aPingForACheckDeletedAfterAFoldIsNotFound() {
    Check c = create("deleted", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    ping(c, PingKind.SUCCESS);
    checks.fold();
    assertThat(checks.delete(c.id())).isInstanceOf(Checks.Outcome.Done.class);

    assertThat(checks.record(List.of(new Ping(c.id(), clock.instant(), PingKind.SUCCESS, null,
        "http", "GET", "127.0.0.1", "test", null, null, false, null)))).containsExactly(false);
    assertThat(checks.store().find(c.id())).isEmpty();
    assertThat(checks.known(c.id())).isFalse();
    assertThat(store.pingLog()).isEmpty();
  }

  @Test
  void aStateTheDeadlinePollerFoldsIsTheOneReadAfterwards() throws Exception {
    Check c = create("polled", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    ping(c, PingKind.SUCCESS);
    checks.fold();
    clock.advance(Duration.ofMinutes(9));
    ping(c, PingKind.SUCCESS); // in memory only
    clock.advance(Duration.ofMinutes(2)); // past the row's deadline: the poller folds the newer
    assertThat(deadlines.runDue()).isZero();
    assertThat(checks.unfoldedChecks()).isZero();

    Check now = checks.store().find(c.id()).orElseThrow();
    assertThat(now.lastPingAt()).isEqualTo(T0.plus(Duration.ofMinutes(9)));
    assertThat(now.pings()).isEqualTo(2);
    ping(c, PingKind.SUCCESS);
    assertThat(checks.store().find(c.id()).orElseThrow().pings()).isEqualTo(3);
  }

  /**
   * A pause committed while a fold runs (after it took its snapshot of the pinged states, before
   * it wrote them) stays: the fold does not write the older state over it.
   */
  @Test
  void aPauseDuringAFoldIsNotUndoneByIt() {
    Check c = create("paused", Duration.ofMinutes(10), Duration.ofMinutes(5), null);
    AtomicReference<Runnable> beforeFoldChunk = new AtomicReference<>();
    CheckStore hooked = (CheckStore) Proxy.newProxyInstance(CheckStore.class.getClassLoader(),
        new Class<?>[] {CheckStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("inBackgroundTransaction")) {
            Runnable r = beforeFoldChunk.getAndSet(null);
            if (r != null) {
              r.run();
            }
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Checks live = new Checks(hooked, clock, () -> {});
    live.record(List.of(new Ping(c.id(), clock.instant(), PingKind.SUCCESS, null, "http", "GET",
        "127.0.0.1", "test", null, null, false, null)));
    assertThat(live.store().find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.UP);
    beforeFoldChunk.set(() -> live.pause(c.id()));

    assertThat(live.fold()).isEqualTo(1);

    assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.PAUSED);
    assertThat(live.store().find(c.id()).orElseThrow().status()).isEqualTo(CheckStatus.PAUSED);
    assertThat(store.pings(c.id(), 10)).hasSize(1);
  }
}
