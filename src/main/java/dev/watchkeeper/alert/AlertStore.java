package dev.watchkeeper.alert;

import dev.watchkeeper.event.StoredEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** Alerts, keyed by (service, fingerprint). JDBC implementation in {@code store/}. */
public interface AlertStore {

  /**
   * Applies trigger/resolve events to their alerts in one transaction: creates unknown alerts,
   * updates known ones. An event at or below an alert's {@code lastSeq} was already applied and is
   * skipped, so handing the same events over again (after a crash) changes nothing.
   *
   * @param changes events in log order, with the signal each carries (TRIGGER or RESOLVE)
   */
  void apply(List<Change> changes);

  Optional<Alert> find(String service, String fingerprint);

  /**
   * The status and last applied event of each of one service's alerts with these fingerprints;
   * fingerprints without an alert are absent. A plain read ({@link AlertPlacement.Lookup}).
   */
  default Map<String, AlertPlacement.AlertState> states(String service,
      Collection<String> fingerprints) {
    Map<String, AlertPlacement.AlertState> out = new HashMap<>();
    for (String fp : fingerprints) {
      find(service, fp).ifPresent(a ->
          out.put(fp, new AlertPlacement.AlertState(a.status(), a.lastSeq())));
    }
    return out;
  }

  List<Alert> list(AlertQuery query);

  /**
   * The firing alerts of every service whose labels pass {@code keep}, in no particular order: one
   * read, for checking many alerts against inhibition rules or silences. Only the alerts that
   * {@code keep} accepts are held in memory.
   */
  List<AlertLabels> firing(Predicate<Map<String, String>> keep);

  /**
   * The last event applied to each of these alerts (the event at its {@code lastSeq}): its payload
   * and when it was received, keyed by that position. Alerts whose event is not in the log are
   * absent from the answer. The default knows no events (stores without an event log).
   */
  default Map<Long, LastEvent> lastEvents(List<Alert> alerts) {
    return Map.of();
  }

  /**
   * Firing alerts whose end time ({@link AlertExpiry}) is at or before {@code now}, with an id
   * above {@code afterId}, in id order, at most {@code limit}. A plain read.
   */
  List<Expiring> expiring(Instant now, long afterId, int limit);

  /** A firing alert past its end time: what its expiry event needs. */
  record Expiring(long id, String service, String fingerprint, Map<String, String> labels,
      Instant endsAt) {}

  /** What {@link #lastEvents} tells about one event: its payload (JSON text, or null). */
  record LastEvent(String payloadJson, Instant receivedAt) {}

  /**
   * One event's effect on one alert.
   *
   * @param service the alert's service: the event's own (its key's), or where a label route took it
   */
  record Change(StoredEvent event, String service, String fingerprint, AlertSignal signal) {
    /** An event that stays with its key's service. */
    public Change(StoredEvent event, String fingerprint, AlertSignal signal) {
      this(event, event.service(), fingerprint, signal);
    }
  }
}
