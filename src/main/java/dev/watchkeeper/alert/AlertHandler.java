package dev.watchkeeper.alert;

import dev.watchkeeper.event.EventHandler;
import dev.watchkeeper.event.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.watchkeeper.incident.IncidentEngine;
import dev.watchkeeper.incident.IncidentTx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.function.Consumer;

/** Turns the event log into alerts: dedup by identity, trigger and resolve. */
public final class AlertHandler implements EventHandler {
  private final AlertStore store;
  private final IncidentEngine incidents;
  private final Consumer<List<AlertLabels>> resolved;
  private final Counter applied;

  /** @param incidents the incident engine, or null to keep alerts only (tests) */
  public AlertHandler(AlertStore store, IncidentEngine incidents, MeterRegistry meters) {
    this(store, incidents, meters, alerts -> {});
  }

  /**
   * @param resolved told, after each run's incidents are reconciled, which of the run's alerts
   *     are resolved now (expire-when-resolved silences); again if a batch is replayed
   */
  public AlertHandler(AlertStore store, IncidentEngine incidents, MeterRegistry meters,
      Consumer<List<AlertLabels>> resolved) {
    this.store = store;
    this.incidents = incidents;
    this.resolved = resolved;
    this.applied = Counter.builder("watchkeeper.alerts.events.applied")
        .description("Events applied to alerts (trigger or resolve)").register(meters);
  }

  /**
   * Applies events in log order. The batch is cut into runs in which each alert appears once, and
   * each run's alert changes are reconciled into incidents before the next run, so an alert that
   * fires and resolves within one batch still opens (and resolves) its incident, whatever the
   * batch boundaries happen to be.
   */
  @Override
  public void handle(List<StoredEvent> events) {
    List<AlertStore.Change> run = new ArrayList<>();
    Set<IncidentEngine.AlertRef> touched = new LinkedHashSet<>();
    for (StoredEvent se : events) {
      AlertSignal signal = AlertSignal.of(se);
      String fp = Fingerprint.of(se.event());
      IncidentEngine.AlertRef ref = new IncidentEngine.AlertRef(se.service(), fp);
      if (signal == AlertSignal.TRIGGER || signal == AlertSignal.RESOLVE) {
        if (touched.contains(ref)) {
          flush(run, touched);
        }
        run.add(new AlertStore.Change(se, fp, signal));
        touched.add(ref);
      } else if (signal == AlertSignal.ACKNOWLEDGE && incidents != null) {
        flush(run, touched);
        incidents.acknowledgeAlert(se.service(), fp, "source:" + se.service());
      }
    }
    flush(run, touched);
  }

  private void flush(List<AlertStore.Change> run, Set<IncidentEngine.AlertRef> touched) {
    if (run.isEmpty()) {
      return;
    }
    store.apply(run);
    applied.increment(run.size());
    if (incidents != null) {
      // Incidents follow the alerts' state; running this again after a crash changes nothing.
      List<IncidentTx.AlertRow> nowResolved = incidents.reconcile(List.copyOf(touched));
      // Only after the incident transaction has committed: expiring a silence writes on another
      // connection, which on SQLite would wait for the write lock that transaction holds.
      if (!nowResolved.isEmpty()) {
        List<AlertLabels> labels = new ArrayList<>(nowResolved.size());
        for (IncidentTx.AlertRow a : nowResolved) {
          labels.add(new AlertLabels(a.service(), a.fingerprint(), a.labels()));
        }
        resolved.accept(labels);
      }
    }
    run.clear();
    touched.clear();
  }
}
