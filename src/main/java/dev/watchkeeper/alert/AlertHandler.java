package dev.watchkeeper.alert;

import dev.watchkeeper.event.EventHandler;
import dev.watchkeeper.event.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/** Turns the event log into alerts: dedup by identity, trigger and resolve. */
public final class AlertHandler implements EventHandler {
  private final AlertStore store;
  private final Counter applied;

  public AlertHandler(AlertStore store, MeterRegistry meters) {
    this.store = store;
    this.applied = Counter.builder("watchkeeper.alerts.events.applied")
        .description("Events applied to alerts (trigger or resolve)").register(meters);
  }

  @Override
  public void handle(List<StoredEvent> events) {
    List<AlertStore.Change> changes = new ArrayList<>(events.size());
    for (StoredEvent se : events) {
      AlertSignal signal = AlertSignal.of(se);
      if (signal == AlertSignal.TRIGGER || signal == AlertSignal.RESOLVE) {
        changes.add(new AlertStore.Change(se, Fingerprint.of(se.event()), signal));
      }
    }
    if (!changes.isEmpty()) {
      store.apply(changes);
      applied.increment(changes.size());
    }
  }
}
