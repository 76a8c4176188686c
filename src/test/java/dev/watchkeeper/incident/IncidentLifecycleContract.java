package dev.watchkeeper.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.AlertHandler;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAlertStore;
import dev.watchkeeper.store.JdbcIncidentStore;
import dev.watchkeeper.web.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.watchkeeper.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incident lifecycle on durable timers: acknowledgement timeout, snooze end, auto-resolve after a
 * timeout, resolution left to responders, and flap damping. A settable clock is moved and due
 * timers are fired the way the timer thread does; run against every supported database.
 */
abstract class IncidentLifecycleContract {
  static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");

  Database db;
  JdbcIncidentStore incidents;
  IncidentEngine engine;
  AlertHandler handler;
  Instant now = T0;
  long seq;

  abstract Storage storage();

  @BeforeEach
  void open() {
    db = Database.open(storage(), null);
    db.migrate();
    incidents = new JdbcIncidentStore(db, Json.create());
    Clock clock = SettableClock.following(() -> now);
    engine = new IncidentEngine(incidents, clock, service -> Grouping.DEFAULT,
        () -> (service, labels) -> List.of(), () -> labels -> List.of(),
        service -> switch (service) {
          case "timed" -> new Lifecycle(Duration.ofMinutes(30), Duration.ofHours(4), true, 0,
              Duration.ofMinutes(30));
          case "manual" -> new Lifecycle(Duration.ZERO, Duration.ZERO, false, 0,
              Duration.ofMinutes(30));
          case "flappy" -> new Lifecycle(Duration.ZERO, Duration.ZERO, true, 2,
              Duration.ofMinutes(30));
          default -> Lifecycle.DEFAULT;
        }, Paging.NONE);
    handler = new AlertHandler(new JdbcAlertStore(db, Json.create()), engine,
        new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    if (db != null) { // null when PostgreSQL tests are skipped
      db.close();
    }
  }

  void fire(String service, String key) {
    handler.handle(List.of(event(service, "alert.firing", key)));
  }

  void resolve(String service, String key) {
    handler.handle(List.of(event(service, "alert.resolved", key)));
  }

  StoredEvent event(String service, String type, String key) {
    seq++;
    return new StoredEvent(seq, service, "r" + seq, now, new Event("e" + seq, "src", type, now,
        Severity.ERROR, key, "summary of " + key, Map.of(), null));
  }

  /** Moves the clock and fires what came due, as the timer thread would. */
  int advance(Duration d) {
    now = now.plus(d);
    int fired = 0;
    int n;
    while ((n = engine.fireDueTimers(100)) > 0) {
      fired += n;
    }
    return fired;
  }

  List<Incident> all() {
    return incidents.list(new IncidentQuery(null, null, null, null, null, null, null, 100));
  }

  Incident only() {
    List<Incident> list = all();
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  List<String> kinds(long id) {
    return incidents.timeline(id).stream().map(TimelineEntry::kind).toList();
  }

  @Test
  void anAcknowledgementTimesOutBackToTriggered() {
    fire("timed", "a");
    long id = only().id();
    engine.acknowledge(id, "alice");
    assertThat(incidents.timers(id)).extracting(IncidentTimer::kind)
        .containsExactly(IncidentTimer.Kind.ACK_TIMEOUT, IncidentTimer.Kind.AUTO_RESOLVE);

    assertThat(advance(Duration.ofMinutes(29))).isZero();
    assertThat(only().state()).isEqualTo(IncidentState.ACKNOWLEDGED);

    assertThat(advance(Duration.ofMinutes(1))).isEqualTo(1);
    Incident i = only();
    assertThat(i.state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(i.acknowledgedBy()).isNull();
    TimelineEntry last = incidents.timeline(id).get(incidents.timeline(id).size() - 1);
    assertThat(last.actor()).isEqualTo("system");
    assertThat(last.message())
        .isEqualTo("acknowledgement by alice timed out after 30 min; back to triggered");
    // It can be acknowledged again, and the timeout starts over.
    assertThat(engine.acknowledge(id, "bob")).isInstanceOf(Outcome.Done.class);
    assertThat(advance(Duration.ofMinutes(20))).isZero();
    assertThat(only().acknowledgedBy()).isEqualTo("bob");
  }

  @Test
  void resolvingCancelsEveryTimer() {
    fire("timed", "a");
    long id = only().id();
    engine.acknowledge(id, "alice");
    engine.resolve(id, "alice");
    assertThat(incidents.timers(id)).isEmpty();
    assertThat(advance(Duration.ofHours(5))).isZero();
    assertThat(only().resolvedBy()).isEqualTo("alice");
  }

  @Test
  void aSnoozeReplacesTheAckTimeoutAndEndsBackInTriggered() {
    fire("timed", "a");
    long id = only().id();
    engine.acknowledge(id, "alice");
    engine.snooze(id, "alice", now.plus(Duration.ofHours(1)));
    assertThat(incidents.timers(id)).extracting(IncidentTimer::kind)
        .containsExactly(IncidentTimer.Kind.SNOOZE_END, IncidentTimer.Kind.AUTO_RESOLVE);

    assertThat(advance(Duration.ofMinutes(45))).isZero(); // past the 30 min ack timeout
    assertThat(only().state()).isEqualTo(IncidentState.ACKNOWLEDGED);
    advance(Duration.ofMinutes(15));
    Incident i = only();
    assertThat(i.state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(i.snoozedUntil()).isNull();
    assertThat(kinds(id)).endsWith("incident.snooze_ended");
  }

  @Test
  void anIncidentStillOpenAfterTheAutoResolveTimeoutIsResolvedBySystem() {
    fire("timed", "a");
    long id = only().id();
    advance(Duration.ofHours(3).plusMinutes(59));
    assertThat(only().state()).isEqualTo(IncidentState.TRIGGERED);
    advance(Duration.ofMinutes(1));
    Incident i = only();
    assertThat(i.state()).isEqualTo(IncidentState.RESOLVED);
    assertThat(i.resolvedBy()).isEqualTo("system");
    assertThat(incidents.timeline(id).get(incidents.timeline(id).size() - 1).message())
        .isEqualTo("auto-resolved: still open 4 h after it triggered (auto_resolve_after 4 h)");
    // The alert is still firing: the next event for it opens a new incident, not this one.
    fire("timed", "a");
    assertThat(all()).hasSize(2);
  }

  @Test
  void timersThatCameDueWhileNothingRanFireOnceLater() {
    fire("timed", "a");
    long id = only().id();
    engine.acknowledge(id, "alice");
    now = now.plus(Duration.ofHours(6)); // both the ack timeout and auto-resolve are overdue
    assertThat(engine.fireDueTimers(100)).isEqualTo(2);
    assertThat(engine.fireDueTimers(100)).isZero();
    assertThat(only().state()).isEqualTo(IncidentState.RESOLVED);
    assertThat(kinds(id)).containsOnlyOnce("incident.ack_timeout");
  }

  @Test
  void aTimerWhoseIncidentAnotherTransactionHoldsWaitsForTheNextRoundWithoutBlocking()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        db.dialect() == dev.watchkeeper.store.Dialect.POSTGRES,
        "row locks: PostgreSQL only (SQLite transactions are serialised)");
    fire("timed", "a");
    long id = only().id();
    engine.acknowledge(id, "alice");
    now = now.plus(Duration.ofMinutes(30));
    try (java.sql.Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (java.sql.PreparedStatement ps = c.prepareStatement(
          "SELECT id FROM incidents WHERE id = ? FOR UPDATE")) {
        ps.setLong(1, id);
        ps.executeQuery().close(); // a responder's transaction holds the incident
      }
      assertThat(engine.fireDueTimers(100)).isZero(); // returns at once instead of waiting
      c.rollback();
    }
    assertThat(engine.fireDueTimers(100)).isEqualTo(1);
    assertThat(only().state()).isEqualTo(IncidentState.TRIGGERED);
  }

  @Test
  void withResolveWhenAlertsResolveOffAResponderResolves() {
    fire("manual", "a");
    resolve("manual", "a");
    Incident i = only();
    assertThat(i.state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(kinds(i.id())).containsExactly("incident.triggered", "alert.resolved");
  }

  @Test
  void aFlappingAlertKeepsItsIncidentOpenInsteadOfOpeningNewOnes() {
    // Two flips are tolerated: each resolution resolves the incident, each firing opens one.
    for (int k = 0; k < 2; k++) {
      fire("flappy", "a");
      advance(Duration.ofMinutes(1));
      resolve("flappy", "a");
      advance(Duration.ofMinutes(1));
    }
    assertThat(all()).hasSize(2).allMatch(i -> i.state() == IncidentState.RESOLVED);
    // The third resolution within 30 min is flapping: the incident stays open ...
    fire("flappy", "a");
    long third = all().get(0).id();
    advance(Duration.ofMinutes(1));
    resolve("flappy", "a");
    assertThat(incidents.find(third).orElseThrow().state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(kinds(third)).endsWith("alert.flapping");
    // ... so further flips land in it instead of opening more incidents.
    for (int k = 0; k < 3; k++) {
      advance(Duration.ofMinutes(2));
      fire("flappy", "a");
      advance(Duration.ofMinutes(2));
      resolve("flappy", "a");
    }
    assertThat(all()).hasSize(3);
    assertThat(incidents.find(third).orElseThrow().state()).isEqualTo(IncidentState.TRIGGERED);
    // Once the alert stays resolved for the window, the incident resolves.
    advance(Duration.ofMinutes(29));
    assertThat(incidents.find(third).orElseThrow().state()).isEqualTo(IncidentState.TRIGGERED);
    advance(Duration.ofMinutes(1));
    Incident settled = incidents.find(third).orElseThrow();
    assertThat(settled.state()).isEqualTo(IncidentState.RESOLVED);
    assertThat(settled.resolvedBy()).isEqualTo("system");
    assertThat(kinds(third)).endsWith("incident.resolved");
  }

  @Test
  void aFlapSettleTimerDoesNotResolveWhileTheAlertFires() {
    for (int k = 0; k < 3; k++) {
      fire("flappy", "a");
      resolve("flappy", "a");
    }
    long id = all().get(0).id();
    fire("flappy", "a");
    advance(Duration.ofMinutes(31));
    assertThat(incidents.find(id).orElseThrow().state()).isEqualTo(IncidentState.TRIGGERED);
    // Resolving after the window (a new window, one resolution) resolves it as usual.
    resolve("flappy", "a");
    assertThat(incidents.find(id).orElseThrow().state()).isEqualTo(IncidentState.RESOLVED);
  }
}
