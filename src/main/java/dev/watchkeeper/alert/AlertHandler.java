package dev.watchkeeper.alert;

import dev.watchkeeper.event.EventHandler;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.incident.IncidentEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.watchkeeper.incident.IncidentTx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns the event log into alerts: dedup by identity, trigger and resolve. Each event's alert
 * belongs to the service {@link AlertPlacement} decides: its key's, or where a label route of
 * that service takes it.
 */
public final class AlertHandler implements EventHandler {
  private final AlertStore store;
  private final IncidentEngine incidents;
  private final Supplier<LabelRoutes> routes;
  private final Consumer<List<AlertLabels>> resolved;
  private final Counter applied;

  /** Without label routes: every alert belongs to its key's service. */
  public AlertHandler(AlertStore store, IncidentEngine incidents, MeterRegistry meters) {
    this(store, incidents, () -> LabelRoutes.NONE, meters, alerts -> {});
  }

  /** Label routes, no hook for resolved alerts (tests). */
  public AlertHandler(AlertStore store, IncidentEngine incidents, Supplier<LabelRoutes> routes,
      MeterRegistry meters) {
    this(store, incidents, routes, meters, alerts -> {});
  }

  /** No label routes, a hook for resolved alerts (tests). */
  public AlertHandler(AlertStore store, IncidentEngine incidents, MeterRegistry meters,
      Consumer<List<AlertLabels>> resolved) {
    this(store, incidents, () -> LabelRoutes.NONE, meters, resolved);
  }

  /**
   * @param incidents the incident engine, or null to keep alerts only (tests)
   * @param routes the label routes in force, read once per batch (follows config reloads)
   * @param resolved told, after each run's incidents are reconciled, which of the run's alerts
   *     are resolved now (expire-when-resolved silences); again if a batch is replayed
   */
  public AlertHandler(AlertStore store, IncidentEngine incidents, Supplier<LabelRoutes> routes,
      MeterRegistry meters, Consumer<List<AlertLabels>> resolved) {
    this.store = store;
    this.incidents = incidents;
    this.routes = routes;
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
    for (AlertPlacement.Placed p
        : AlertPlacement.forProcessing(events, routes.get(), store::states)) {
      IncidentEngine.AlertRef ref = new IncidentEngine.AlertRef(p.service(), p.fingerprint());
      if (p.signal() == AlertSignal.TRIGGER || p.signal() == AlertSignal.RESOLVE) {
        if (touched.contains(ref)) {
          flush(run, touched);
        }
        run.add(new AlertStore.Change(p.event(), p.service(), p.fingerprint(), p.signal()));
        touched.add(ref);
      } else if (p.signal() == AlertSignal.ACKNOWLEDGE && incidents != null) {
        flush(run, touched);
        // The actor names the sender's service: its key is what asked for the acknowledgement.
        incidents.acknowledgeAlert(p.service(), p.fingerprint(), "source:" + p.event().service());
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
      Set<IncidentEngine.AlertRef> expired = new java.util.HashSet<>();
      for (AlertStore.Change ch : run) {
        if (AlertExpiry.TYPE.equals(ch.event().event().type())) {
          expired.add(new IncidentEngine.AlertRef(ch.service(), ch.fingerprint()));
        }
      }
      List<IncidentTx.AlertRow> nowResolved = incidents.reconcile(List.copyOf(touched), expired);
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
