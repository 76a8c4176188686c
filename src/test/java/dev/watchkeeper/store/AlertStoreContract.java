package dev.watchkeeper.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.Alert;
import dev.watchkeeper.alert.AlertExpiry;
import dev.watchkeeper.alert.AlertHandler;
import dev.watchkeeper.alert.AlertStore;
import dev.watchkeeper.alert.AlertLabels;
import dev.watchkeeper.alert.AlertPlacement;
import dev.watchkeeper.alert.LabelRoutes;
import dev.watchkeeper.alert.AlertQuery;
import dev.watchkeeper.alert.AlertStatus;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.web.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events become alerts: one contract, run against every supported database. */
abstract class AlertStoreContract {
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

  Database db;
  JdbcAlertStore store;
  AlertHandler handler;
  long seq;

  abstract Storage storage();

  @BeforeEach
  void open() {
    db = Database.open(storage(), null);
    db.migrate();
    store = new JdbcAlertStore(db, Json.create());
    handler = new AlertHandler(store, null, new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    if (db != null) { // null when PostgreSQL tests are skipped
      db.close();
    }
  }

  StoredEvent event(String service, String type, String dedupKey, Severity sev,
      Map<String, String> labels, int minute) {
    seq++;
    return new StoredEvent(seq, service, "r" + seq, T0,
        new Event("e" + seq, "src", type, T0.plusSeconds(60L * minute), sev, dedupKey,
            "summary " + seq, labels, null));
  }

  @Test
  void repeatedEventsWithOneDedupKeyAreOneAlertCountingEveryEvent() {
    handler.handle(List.of(
        event("svc", "cpu.high", "cpu/web-1", Severity.WARNING, Map.of(), 0),
        event("svc", "cpu.high", "cpu/web-1", Severity.CRITICAL, Map.of(), 1),
        event("svc", "cpu.high", "cpu/web-2", Severity.WARNING, Map.of(), 2)));

    Alert a = store.find("svc", "cpu/web-1").orElseThrow();
    assertThat(a.eventCount()).isEqualTo(2);
    assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(a.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(a.firstSeen()).isEqualTo(T0);
    assertThat(a.lastSeen()).isEqualTo(T0.plusSeconds(60));
    assertThat(store.list(new AlertQuery("svc", null, null, null, 10))).hasSize(2);
  }

  @Test
  void withoutDedupKeyTheLabelsAreTheIdentityWhateverTheirOrder() {
    handler.handle(List.of(
        event("svc", "t", null, Severity.ERROR, Map.of("alertname", "Down", "job", "api"), 0),
        event("svc", "t", null, Severity.ERROR, Map.of("job", "api", "alertname", "Down"), 1),
        event("svc", "t", null, Severity.ERROR, Map.of("alertname", "Down", "job", "db"), 2)));

    List<Alert> alerts = store.list(new AlertQuery(null, null, null, null, 10));
    assertThat(alerts).hasSize(2);
    assertThat(alerts).extracting(Alert::eventCount).containsExactlyInAnyOrder(2L, 1L);
  }

  @Test
  void resolveEventResolvesAndALaterTriggerRefiresTheSameAlert() {
    handler.handle(List.of(event("svc", "disk.full", "disk", Severity.ERROR, Map.of(), 0),
        event("svc", "disk.full.resolved", "disk", null, Map.of(), 5)));
    Alert resolved = store.find("svc", "disk").orElseThrow();
    assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.resolvedAt()).isEqualTo(T0.plusSeconds(300));
    assertThat(resolved.severity()).isEqualTo(Severity.ERROR);
    assertThat(resolved.pages()).isFalse();

    handler.handle(List.of(event("svc", "disk.full", "disk", Severity.ERROR, Map.of(), 9)));
    Alert refired = store.find("svc", "disk").orElseThrow();
    assertThat(refired.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(refired.resolvedAt()).isNull();
    assertThat(refired.id()).isEqualTo(resolved.id());
  }

  @Test
  void aReSentAlertTakesTheNewFieldsAndStaysInItsStatusFilter() {
    handler.handle(List.of(event("svc", "t", "k", Severity.WARNING, Map.of("a", "1"), 0)));
    // Separate runs: each re-send is an update of an alert that exists with the same status.
    handler.handle(List.of(event("svc", "t", "k", Severity.CRITICAL, Map.of("a", "2"), 1)));
    handler.handle(List.of(event("svc", "t", "k", null, Map.of("a", "2"), 2)));

    Alert firing = store.find("svc", "k").orElseThrow();
    assertThat(firing.eventCount()).isEqualTo(3);
    assertThat(firing.severity()).isEqualTo(Severity.CRITICAL); // kept when a sender omits it
    assertThat(firing.summary()).isEqualTo("summary " + seq);
    assertThat(firing.labels()).containsEntry("a", "2");
    assertThat(firing.lastSeen()).isEqualTo(T0.plusSeconds(120));
    assertThat(store.list(new AlertQuery(null, AlertStatus.FIRING, null, null, 10)))
        .extracting(Alert::id).containsExactly(firing.id());

    handler.handle(List.of(event("svc", "t.resolve", "k", null, Map.of(), 3)));
    handler.handle(List.of(event("svc", "t.resolve", "k", null, Map.of(), 4)));

    Alert resolved = store.find("svc", "k").orElseThrow();
    assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.resolvedAt()).isEqualTo(T0.plusSeconds(240));
    assertThat(resolved.eventCount()).isEqualTo(5);
    assertThat(store.list(new AlertQuery(null, AlertStatus.FIRING, null, null, 10))).isEmpty();
    assertThat(store.list(new AlertQuery(null, AlertStatus.RESOLVED, null, null, 10)))
        .extracting(Alert::id).containsExactly(firing.id());
    assertThat(store.firing(labels -> true)).isEmpty();
  }

  /** A firing alert as the Alertmanager API stores it; {@code endsAt} null: none given. */
  StoredEvent amFiring(Map<String, String> labels, Instant received, Instant endsAt) {
    seq++;
    // The decoy: only the top-level endsAt counts, not an annotation of that name.
    String payload = "{\"annotations\":{\"endsAt\":\"2099-01-01T00:00:00Z\"}"
        + (endsAt == null ? "" : ",\"endsAt\":\"" + endsAt + "\"") + "}";
    return new StoredEvent(seq, "svc", "r" + seq, received, new Event("e" + seq, "prometheus",
        AlertExpiry.FIRING_TYPE, T0, Severity.ERROR, null, "summary " + seq, labels, payload));
  }

  /** Runs the expiry against this store, handing its events straight to the handler. */
  int expire(Instant now) throws InterruptedException {
    AlertExpiry expiry = new AlertExpiry(store, batch -> {
      List<StoredEvent> stored = new java.util.ArrayList<>();
      for (Event e : batch.events()) {
        seq++;
        stored.add(new StoredEvent(seq, batch.service(), batch.requestId(), now, e));
      }
      handler.handle(stored);
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
    return expiry.sendExpired();
  }

  @Test
  void anAlertmanagerAlertNotReportedAgainByItsEndsAtResolvesThen() throws Exception {
    Map<String, String> labels = Map.of("alertname", "Down", "job", "api");
    handler.handle(List.of(amFiring(labels, T0, T0.plusSeconds(240))));
    String fp = store.list(new AlertQuery(null, null, null, null, 10)).get(0).fingerprint();

    assertThat(store.expiring(T0.plusSeconds(239), 0, 10)).isEmpty();
    assertThat(expire(T0.plusSeconds(239))).isZero();
    assertThat(store.expiring(T0.plusSeconds(240), 0, 10))
        .extracting(AlertStore.Expiring::fingerprint, AlertStore.Expiring::endsAt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(fp, T0.plusSeconds(240)));

    assertThat(expire(T0.plusSeconds(250))).isEqualTo(1);
    Alert a = store.find("svc", fp).orElseThrow();
    assertThat(a.status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(a.resolvedAt()).isEqualTo(T0.plusSeconds(240)); // when it ended, not when seen
    assertThat(a.eventCount()).isEqualTo(1); // an expiry is not a report
    assertThat(expire(T0.plusSeconds(600))).isZero();

    // Reported again later: it fires again, with a new end time.
    handler.handle(List.of(amFiring(labels, T0.plusSeconds(700), T0.plusSeconds(940))));
    assertThat(store.find("svc", fp).orElseThrow().status()).isEqualTo(AlertStatus.FIRING);
    assertThat(store.expiring(T0.plusSeconds(939), 0, 10)).isEmpty();
  }

  @Test
  void aReportStoredBeforeTheExpiryKeepsTheAlertFiring() throws Exception {
    Map<String, String> labels = Map.of("alertname", "Slow");
    handler.handle(List.of(amFiring(labels, T0, T0.plusSeconds(60))));
    AlertStore.Expiring due = store.expiring(T0.plusSeconds(61), 0, 10).get(0);
    // The report that moves the end time on is ahead of the expiry in the log (one batch).
    StoredEvent report = amFiring(labels, T0.plusSeconds(59), T0.plusSeconds(300));
    seq++;
    StoredEvent expiry = new StoredEvent(seq, "svc", "x", T0.plusSeconds(61),
        AlertExpiry.event(due));
    handler.handle(List.of(report, expiry));

    Alert a = store.find("svc", due.fingerprint()).orElseThrow();
    assertThat(a.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(a.eventCount()).isEqualTo(2);
    assertThat(store.expiring(T0.plusSeconds(299), 0, 10)).isEmpty();
    assertThat(store.expiring(T0.plusSeconds(300), 0, 10)).hasSize(1);
  }

  @Test
  void withoutEndsAtItEndsFiveMinutesAfterItsLastReportAndOtherSourcesNeverExpire()
      throws Exception {
    handler.handle(List.of(amFiring(Map.of("alertname", "NoEnd"), T0.plusSeconds(30), null),
        event("svc", "cpu.high", "cpu/web-1", Severity.ERROR, Map.of(), 0)));

    assertThat(store.expiring(T0.plusSeconds(329), 0, 10)).isEmpty();
    assertThat(store.expiring(T0.plusSeconds(330), 0, 10))
        .extracting(AlertStore.Expiring::labels)
        .containsExactly(Map.of("alertname", "NoEnd"));
    assertThat(expire(T0.plus(java.time.Duration.ofDays(365)))).isEqualTo(1);
    assertThat(store.find("svc", "cpu/web-1").orElseThrow().status())
        .isEqualTo(AlertStatus.FIRING);
  }

  @Test
  void replayingTheSameEventsAfterACrashChangesNothing() {
    List<StoredEvent> batch = List.of(
        event("svc", "t", "k", Severity.ERROR, Map.of(), 0),
        event("svc", "t", "k", Severity.ERROR, Map.of(), 1));
    handler.handle(batch);
    handler.handle(batch);

    assertThat(store.find("svc", "k").orElseThrow().eventCount()).isEqualTo(2);
  }

  @Test
  void infoAlertsAreRecordedButNeverPageAndChangesAreNotAlerts() {
    handler.handle(List.of(event("svc", "deploy.note", "n", Severity.INFO, Map.of(), 0),
        event("svc", "change", "c", null, Map.of(), 0),
        event("svc", "pagerduty.acknowledge", "n", null, Map.of(), 1)));

    assertThat(store.find("svc", "n").orElseThrow().pages()).isFalse();
    assertThat(store.find("svc", "n").orElseThrow().eventCount()).isEqualTo(1);
    assertThat(store.find("svc", "c")).isEmpty();
  }

  @Test
  void sameIdentityInTwoServicesIsTwoAlertsAndFiltersApply() {
    handler.handle(List.of(event("a", "t", "k", Severity.ERROR, Map.of(), 0),
        event("b", "t", "k", Severity.WARNING, Map.of(), 0),
        event("b", "t.resolve", "k", null, Map.of(), 1)));

    assertThat(store.list(new AlertQuery(null, AlertStatus.FIRING, null, null, 10)))
        .extracting(Alert::service).containsExactly("a");
    assertThat(store.list(new AlertQuery(null, null, Severity.WARNING, null, 10)))
        .extracting(Alert::service).containsExactly("b");
  }

  @Test
  void firingReadsTheFiringAlertsOfEveryServiceWhoseLabelsPassTheFilter() {
    handler.handle(List.of(
        event("a", "t", null, Severity.CRITICAL, Map.of("severity", "critical", "cluster", "eu"), 0),
        event("b", "t", null, Severity.CRITICAL, Map.of("severity", "critical", "cluster", "us"), 0),
        event("b", "t", null, Severity.WARNING, Map.of("severity", "warning", "cluster", "eu"), 0),
        event("b", "t", "gone", Severity.CRITICAL, Map.of("severity", "critical"), 0),
        event("b", "t.resolve", "gone", null, Map.of(), 1),
        event("c", "t", "no-labels", Severity.ERROR, Map.of(), 0)));

    List<AlertLabels> critical = store.firing(l -> "critical".equals(l.get("severity")));

    assertThat(critical).extracting(AlertLabels::service).containsExactlyInAnyOrder("a", "b");
    AlertLabels eu = critical.stream().filter(x -> x.service().equals("a")).findFirst()
        .orElseThrow();
    assertThat(eu.labels()).isEqualTo(Map.of("severity", "critical", "cluster", "eu"));
    assertThat(eu.fingerprint()).isEqualTo(store.find("a", eu.fingerprint()).orElseThrow()
        .fingerprint());
    assertThat(store.firing(l -> true)).extracting(AlertLabels::service)
        .containsExactlyInAnyOrder("a", "b", "b", "c"); // not the resolved one
    assertThat(store.firing(l -> true)).filteredOn(x -> x.service().equals("c"))
        .extracting(AlertLabels::labels).containsExactly(Map.of());
  }

  @Test
  void labelRoutedAlertsBelongToTheRoutedServiceAndAResolveByDedupKeyFollowsThem() {
    AlertHandler routed = new AlertHandler(store, null, () -> new LabelRoutes(Map.of("gateway",
        List.of(new LabelRoutes.Route(Map.of("team", "db"), Map.of(), "db")))),
        new SimpleMeterRegistry());
    routed.handle(List.of(
        event("gateway", "pagerduty.trigger", "disk", Severity.CRITICAL, Map.of("team", "db"), 0),
        event("gateway", "pagerduty.trigger", "cpu", Severity.ERROR, Map.of("team", "api"), 0)));
    List<StoredEvent> resolves =
        List.of(event("gateway", "pagerduty.resolve", "disk", null, Map.of(), 1));
    routed.handle(resolves);
    routed.handle(resolves); // replayed after a crash: the alert that applied it claims it again

    assertThat(store.find("db", "disk").orElseThrow().status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(store.find("db", "disk").orElseThrow().eventCount()).isEqualTo(2);
    assertThat(store.find("gateway", "disk")).isEmpty();
    assertThat(store.find("gateway", "cpu").orElseThrow().status()).isEqualTo(AlertStatus.FIRING);
    assertThat(store.states("db", List.of("disk", "cpu")))
        .containsOnlyKeys("disk").extractingByKey("disk")
        .extracting(AlertPlacement.AlertState::lastSeq).isEqualTo(seq);
  }
}
