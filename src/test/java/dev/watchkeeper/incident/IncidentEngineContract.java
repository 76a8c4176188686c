package dev.watchkeeper.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.AlertHandler;
import dev.watchkeeper.alert.AlertLabels;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.mute.InhibitRule;
import dev.watchkeeper.mute.Inhibitions;
import dev.watchkeeper.mute.MatcherParser;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAlertStore;
import dev.watchkeeper.store.JdbcIncidentStore;
import dev.watchkeeper.web.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.watchkeeper.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts drive incidents: grouping window, info never pages, auto-resolve, replay safety; run
 * against every supported database.
 */
abstract class IncidentEngineContract {
  static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");

  Database db;
  JdbcIncidentStore incidents;
  IncidentEngine engine;
  AlertHandler handler;
  Instant now = T0;
  boolean silenceActive;
  JdbcAlertStore alerts;
  Inhibitions inhibitions;
  List<InhibitRule> inhibitRules = List.of(new InhibitRule(
      MatcherParser.parse("severity=critical"), MatcherParser.parse("severity=warning"),
      List.of("cluster")));
  int firingReads;
  long seq;

  abstract Storage storage();

  @BeforeEach
  void open() {
    db = Database.open(storage(), null);
    db.migrate();
    incidents = new JdbcIncidentStore(db, Json.create());
    alerts = new JdbcAlertStore(db, Json.create());
    // The real inhibition code over the real alert store: critical inhibits warning, same cluster.
    inhibitions = new Inhibitions(() -> inhibitRules, keep -> {
      firingReads++;
      return alerts.firing(keep);
    });
    Clock clock = SettableClock.following(() -> now);
    engine = new IncidentEngine(incidents, clock,
        service -> switch (service) {
          case "by-job" -> new Grouping(List.of("job"), Duration.ofMinutes(5), Duration.ZERO);
          case "reopen" -> new Grouping(List.of(), Duration.ofMinutes(5), Duration.ofMinutes(10));
          case "each" -> new Grouping(List.of(), Duration.ZERO, Duration.ZERO);
          default -> Grouping.DEFAULT;
        },
        () -> labels -> silenceActive && "db".equals(labels.get("job")) ? List.of("s1") : List.of(),
        () -> inhibitions.snapshot());
    handler = new AlertHandler(alerts, engine, new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    if (db != null) { // null when PostgreSQL tests are skipped
      db.close();
    }
  }

  StoredEvent event(String service, String type, String key, Severity sev, String job) {
    seq++;
    return new StoredEvent(seq, service, "r" + seq, now, new Event("e" + seq, "src", type, now,
        sev, key, "summary of " + key, job == null ? Map.of() : Map.of("job", job), null));
  }

  StoredEvent alert(String service, String type, Severity sev, Map<String, String> labels) {
    seq++;
    return new StoredEvent(seq, service, "r" + seq, now, new Event("e" + seq, "src", type, now,
        sev, null, "summary " + labels, labels, null));
  }

  String notedStatus(String service, Map<String, String> labels) {
    String fp = alerts.list(new dev.watchkeeper.alert.AlertQuery(service, null, null, null, 100))
        .stream().filter(a -> a.labels().equals(labels)).findFirst().orElseThrow().fingerprint();
    return incidents.inTransaction(tx -> tx.alert(service, fp)).orElseThrow().notedStatus();
  }

  List<Incident> all() {
    return incidents.list(new IncidentQuery(null, null, null, null, null, null, null, 100));
  }

  @Test
  void alertsWithinTheWindowJoinOneIncidentAndLaterOnesOpenANewOne() {
    handler.handle(List.of(event("svc", "t", "a", Severity.ERROR, null)));
    now = now.plus(Duration.ofMinutes(4));
    handler.handle(List.of(event("svc", "t", "b", Severity.CRITICAL, null)));
    now = now.plus(Duration.ofMinutes(2));
    handler.handle(List.of(event("svc", "t", "c", Severity.WARNING, null)));

    List<Incident> list = all();
    assertThat(list).hasSize(2);
    Incident first = list.get(1);
    assertThat(first.alertCount()).isEqualTo(2);
    assertThat(first.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(first.state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(list.get(0).alertCount()).isEqualTo(1);
    assertThat(incidents.timeline(first.id())).extracting(TimelineEntry::kind)
        .containsExactly("incident.triggered", "alert.grouped");
  }

  @Test
  void aZeroWindowGivesEveryAlertItsOwnIncidentEvenWithinOneBatch() {
    handler.handle(List.of(event("each", "t", "a", Severity.ERROR, null),
        event("each", "t", "b", Severity.ERROR, null)));

    assertThat(all()).hasSize(2).extracting(Incident::alertCount).containsExactly(1, 1);
  }

  @Test
  void groupingLabelsSeparateIncidents() {
    handler.handle(List.of(event("by-job", "t", "a", Severity.ERROR, "api"),
        event("by-job", "t", "b", Severity.ERROR, "db"),
        event("by-job", "t", "c", Severity.ERROR, "api")));

    assertThat(all()).extracting(Incident::groupKey).containsExactly("job=db", "job=api");
    assertThat(all()).extracting(Incident::alertCount).containsExactly(1, 2);
  }

  @Test
  void silencedAlertsAreRecordedButOpenAnIncidentOnlyOnceTheSilenceHasEnded() {
    silenceActive = true;
    handler.handle(List.of(event("svc", "t", "a", Severity.CRITICAL, "db")));
    assertThat(all()).isEmpty();

    silenceActive = false;
    handler.handle(List.of(event("svc", "t", "a", Severity.CRITICAL, "db")));
    assertThat(all()).hasSize(1);
  }

  @Test
  void informationalAlertsNeverOpenAnIncident() {
    handler.handle(List.of(event("svc", "deploy", "d", Severity.INFO, null)));

    assertThat(all()).isEmpty();
  }

  @Test
  void incidentResolvesWhenAllItsAlertsResolveAndARefireOpensANewOne() {
    handler.handle(List.of(event("svc", "t", "a", Severity.ERROR, null),
        event("svc", "t", "b", Severity.ERROR, null)));
    handler.handle(List.of(event("svc", "t.resolve", "a", null, null)));
    assertThat(all().get(0).state()).isEqualTo(IncidentState.TRIGGERED);

    handler.handle(List.of(event("svc", "t.resolve", "b", null, null)));
    Incident resolved = all().get(0);
    assertThat(resolved.state()).isEqualTo(IncidentState.RESOLVED);
    assertThat(resolved.resolvedBy()).isEqualTo("system");

    handler.handle(List.of(event("svc", "t", "a", Severity.ERROR, null)));
    assertThat(all()).hasSize(2);
    assertThat(all().get(0).state()).isEqualTo(IncidentState.TRIGGERED);
  }

  @Test
  void reSentFiringAlertsOfAnOpenIncidentChangeNothingUntilAResponderResolvesIt() {
    handler.handle(List.of(event("svc", "t", "a", Severity.ERROR, null),
        event("svc", "t", "b", Severity.ERROR, null)));
    Incident open = all().get(0);
    int lines = incidents.timeline(open.id()).size();

    // Prometheus re-sends firing alerts every evaluation: nothing to write for them.
    now = now.plus(Duration.ofMinutes(1));
    handler.handle(List.of(event("svc", "t", "a", Severity.ERROR, null),
        event("svc", "t", "b", Severity.ERROR, null)));
    assertThat(all()).containsExactly(open);
    assertThat(incidents.timeline(open.id())).hasSize(lines);

    // Once a responder resolved it, the next re-send is a new firing and pages again.
    assertThat(engine.resolve(open.id(), "token:alice")).isInstanceOf(Outcome.Done.class);
    now = now.plus(Duration.ofMinutes(1));
    handler.handle(List.of(event("svc", "t", "a", Severity.ERROR, null)));
    assertThat(all()).filteredOn(i -> i.state() == IncidentState.TRIGGERED).hasSize(1);
  }

  @Test
  void replayingEventsAfterACrashAddsNoIncidentOrTimelineLine() {
    List<StoredEvent> batch = List.of(event("svc", "t", "a", Severity.ERROR, null),
        event("svc", "t.resolve", "a", null, null));
    handler.handle(batch);
    long id = all().get(0).id();
    int lines = incidents.timeline(id).size();

    handler.handle(batch);

    assertThat(all()).hasSize(1);
    assertThat(incidents.timeline(id)).hasSize(lines);
  }

  @Test
  void invalidTransitionsAreConflictsWithAReason() {
    handler.handle(List.of(event("svc", "t", "a", Severity.ERROR, null)));
    long id = all().get(0).id();

    assertThat(engine.snooze(id, "token:alice", now.plusSeconds(60)))
        .isInstanceOf(Outcome.Conflict.class);
    assertThat(engine.acknowledge(id, "token:alice")).isInstanceOf(Outcome.Done.class);
    Outcome again = engine.acknowledge(id, "token:bob");
    assertThat(again).isInstanceOf(Outcome.Conflict.class);
    assertThat(((Outcome.Conflict) again).reason()).contains("already acknowledged by"
        + " token:alice");
    assertThat(engine.snooze(id, "token:alice", now.minusSeconds(1)))
        .isInstanceOf(Outcome.Conflict.class);
    assertThat(engine.resolve(id, "token:alice")).isInstanceOf(Outcome.Done.class);
    assertThat(engine.resolve(id, "token:alice")).isInstanceOf(Outcome.Conflict.class);
    assertThat(engine.acknowledge(999, "token:alice")).isInstanceOf(Outcome.NotFound.class);
  }

  @Test
  void pagerDutyAcknowledgeEventAcknowledgesTheAlertsIncident() {
    handler.handle(List.of(event("svc", "pagerduty.trigger", "pd-1", Severity.ERROR, null)));
    handler.handle(List.of(event("svc", "pagerduty.acknowledge", "pd-1", null, null)));

    Incident i = all().get(0);
    assertThat(i.state()).isEqualTo(IncidentState.ACKNOWLEDGED);
    assertThat(i.acknowledgedBy()).isEqualTo("source:svc");
  }

  @Test
  void mergingMovesTheAlertsAndResolvesTheMergedIncident() {
    handler.handle(List.of(event("svc", "t", "a", Severity.WARNING, null)));
    now = now.plus(Duration.ofMinutes(10));
    handler.handle(List.of(event("svc", "t", "b", Severity.CRITICAL, null)));
    List<Incident> two = all();
    long newer = two.get(0).id();
    long older = two.get(1).id();
    assertThat(two.get(1).urgency()).isEqualTo("low");

    Outcome merged = engine.merge(newer, older, "token:alice");

    assertThat(merged).isInstanceOf(Outcome.Done.class);
    Incident target = ((Outcome.Done) merged).incident();
    assertThat(target.alertCount()).isEqualTo(2);
    assertThat(target.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(target.urgency()).isEqualTo("high");
    Incident source = incidents.find(newer).orElseThrow();
    assertThat(source.state()).isEqualTo(IncidentState.RESOLVED);
    assertThat(source.mergedInto()).isEqualTo(older);
    assertThat(incidents.timeline(older)).extracting(TimelineEntry::message)
        .contains("incident " + newer + " merged into this one with its alerts");
    assertThat(engine.merge(newer, older, "token:alice")).isInstanceOf(Outcome.Conflict.class);

    // both alerts resolving now resolves the merged-into incident
    handler.handle(List.of(event("svc", "t.resolve", "a", null, null),
        event("svc", "t.resolve", "b", null, null)));
    assertThat(incidents.find(older).orElseThrow().state()).isEqualTo(IncidentState.RESOLVED);
  }

  @Test
  void alertFiringAgainWithinTheReopenWindowReopensItsIncident() {
    handler.handle(List.of(event("reopen", "t", "a", Severity.ERROR, null)));
    handler.handle(List.of(event("reopen", "t.resolve", "a", null, null)));
    long id = all().get(0).id();
    assertThat(all().get(0).state()).isEqualTo(IncidentState.RESOLVED);

    now = now.plus(Duration.ofMinutes(3));
    handler.handle(List.of(event("reopen", "t", "a", Severity.ERROR, null)));
    assertThat(all()).hasSize(1);
    assertThat(all().get(0).state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(incidents.timeline(id)).extracting(TimelineEntry::kind)
        .contains("incident.reopened");

    handler.handle(List.of(event("reopen", "t.resolve", "a", null, null)));
    now = now.plus(Duration.ofMinutes(20));
    handler.handle(List.of(event("reopen", "t", "a", Severity.ERROR, null)));
    assertThat(all()).hasSize(2);
  }

  @Test
  void anInhibitedAlertOpensNoIncidentUntilItFiresAgainAfterItsSourceResolved() {
    Map<String, String> critical = Map.of("severity", "critical", "cluster", "eu-1");
    Map<String, String> warning = Map.of("severity", "warning", "cluster", "eu-1");
    Map<String, String> otherCluster = Map.of("severity", "warning", "cluster", "us-1");
    handler.handle(List.of(alert("db", "t", Severity.CRITICAL, critical)));
    assertThat(all()).extracting(Incident::service).containsExactly("db");

    // Another service, same cluster: inhibited; another cluster: pages.
    handler.handle(List.of(alert("api", "t", Severity.WARNING, warning),
        alert("api", "t", Severity.WARNING, otherCluster)));
    assertThat(all()).hasSize(2);
    assertThat(notedStatus("api", warning)).isEqualTo("inhibited");
    assertThat(notedStatus("api", otherCluster)).isEqualTo("firing");

    handler.handle(List.of(alert("db", "t.resolve", null, critical)));
    assertThat(all()).hasSize(2); // resolving the source re-checks nothing
    assertThat(notedStatus("api", warning)).isEqualTo("inhibited");
    now = now.plus(Duration.ofMinutes(10)); // past the grouping window: its own incident
    handler.handle(List.of(alert("api", "t", Severity.WARNING, warning)));

    assertThat(all()).hasSize(3);
    assertThat(all().get(0).service()).isEqualTo("api");
    assertThat(all().get(0).title()).contains("warning");
    assertThat(notedStatus("api", warning)).isEqualTo("firing");
  }

  @Test
  void firingAlertsAreReadOncePerBatchAndNotAtAllWithoutPossibleTargets() {
    handler.handle(List.of(alert("db", "t", Severity.CRITICAL, Map.of("severity", "critical"))));
    assertThat(firingReads).isZero(); // a critical alert is no target of the rule

    handler.handle(List.of(alert("a", "t", Severity.WARNING, Map.of("severity", "warning")),
        alert("b", "t", Severity.WARNING, Map.of("severity", "warning"))));
    assertThat(firingReads).isEqualTo(1);
    assertThat(all()).hasSize(1); // both inhibited (no cluster on any of them: equal)
  }

  @Test
  void anInhibitedAlertThatAlreadyHasAnOpenIncidentKeepsIt() {
    Map<String, String> warning = Map.of("severity", "warning", "cluster", "eu-1");
    handler.handle(List.of(alert("api", "t", Severity.WARNING, warning)));
    handler.handle(List.of(alert("db", "t", Severity.CRITICAL,
        Map.of("severity", "critical", "cluster", "eu-1"))));
    handler.handle(List.of(alert("api", "t", Severity.WARNING, warning)));

    assertThat(all()).extracting(Incident::state)
        .containsExactly(IncidentState.TRIGGERED, IncidentState.TRIGGERED);
  }

  @Test
  void resolvedAlertsAreHandedOnAfterTheirIncidentIsReconciledAndAgainOnReplay() {
    List<List<AlertLabels>> handedOn = new ArrayList<>();
    List<IncidentState> stateThen = new ArrayList<>();
    AlertHandler withHook = new AlertHandler(alerts, engine, new SimpleMeterRegistry(), r -> {
      handedOn.add(r);
      stateThen.add(all().get(0).state()); // the incident transaction has committed
    });
    withHook.handle(List.of(event("svc", "t", "a", Severity.ERROR, "api")));
    assertThat(handedOn).isEmpty();

    List<StoredEvent> resolve = List.of(event("svc", "t.resolve", "a", null, null));
    withHook.handle(resolve);
    withHook.handle(resolve);

    AlertLabels a = new AlertLabels("svc", "a", Map.of("job", "api"));
    assertThat(handedOn).containsExactly(List.of(a), List.of(a));
    assertThat(stateThen).containsExactly(IncidentState.RESOLVED, IncidentState.RESOLVED);
  }

  @Test
  void incidentsOfSeveralAlertsAreReadAtOnceLeavingOutAlertsWithoutOne() {
    handler.handle(List.of(event("svc", "t", "a", Severity.ERROR, null),
        event("svc", "t", "i", Severity.INFO, null),
        event("other", "t", "a", Severity.ERROR, null)));
    long id = incidents.incidentOf("svc", "a").orElseThrow();

    assertThat(incidents.incidentsOf("svc", List.of("a", "i", "unknown")))
        .isEqualTo(Map.of("a", id));
    assertThat(incidents.incidentsOf("other", List.of("a")).get("a")).isNotEqualTo(id);
    assertThat(incidents.incidentsOf("svc", List.of())).isEmpty();
  }
}
