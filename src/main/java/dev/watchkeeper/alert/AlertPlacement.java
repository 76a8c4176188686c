package dev.watchkeeper.alert;

import dev.watchkeeper.event.StoredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which service's alert each event of a run acts on, in log order:
 * <ol>
 *   <li>a label route of the key's service matches the event's labels: that route's service;
 *   <li>otherwise, if the event has a dedup key and its key's service has routes: the first
 *       service it can reach ({@link LabelRoutes#reachable}: its own, then its routes' targets)
 *       whose alert with that key is firing. PagerDuty acknowledge and resolve events carry only
 *       the dedup key, and must still reach the alert their trigger was routed to;
 *   <li>otherwise the key's service.
 * </ol>
 * "Firing" is the alert's status before the run, moved along by the run's earlier events, so a
 * trigger and its resolve in one run agree. An alert that has already applied the event (its
 * {@code lastSeq} is at or past the event: a replay after a crash) claims it too, so a replay
 * places every event where the first pass did. Without routes, every event stays with its key's
 * service and nothing is read.
 *
 * <p>Stateless; one {@link Lookup} read per reachable service per run.
 */
public final class AlertPlacement {
  private AlertPlacement() {}

  /** One event with its signal, its alert's fingerprint, and the service of that alert. */
  public record Placed(StoredEvent event, AlertSignal signal, String fingerprint,
      String service) {
    /** The service of the integration key the event came with, when its alert is another's. */
    public String routedFrom() {
      return service.equals(event.service()) ? null : event.service();
    }
  }

  /** What placement needs to know of an existing alert. */
  public record AlertState(AlertStatus status, long lastSeq) {}

  /** Reads one service's alerts with these fingerprints (fingerprints without an alert: absent). */
  @FunctionalInterface
  public interface Lookup {
    Map<String, AlertState> states(String service, Collection<String> fingerprints);
  }

  /** For processing the events: an event named by dedup key joins an alert that is firing. */
  public static List<Placed> forProcessing(List<StoredEvent> events, LabelRoutes routes,
      Lookup lookup) {
    return place(events, routes, lookup, false);
  }

  /**
   * For explaining events already processed: the alerts show the run's effects already (a
   * resolve has left its alert resolved), so an event named by dedup key belongs to the first
   * reachable service whose alert has applied it ({@code lastSeq} at or past the event), or, for
   * an acknowledgement (which changes no alert), whose alert exists.
   */
  public static List<Placed> afterProcessing(List<StoredEvent> events, LabelRoutes routes,
      Lookup lookup) {
    return place(events, routes, lookup, true);
  }

  private static List<Placed> place(List<StoredEvent> events, LabelRoutes routes, Lookup lookup,
      boolean explaining) {
    int n = events.size();
    AlertSignal[] signals = new AlertSignal[n];
    String[] fps = new String[n];
    String[] matched = new String[n];
    boolean[] byKey = new boolean[n];
    Map<String, Set<String>> wanted = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      StoredEvent se = events.get(i);
      signals[i] = AlertSignal.of(se);
      fps[i] = Fingerprint.of(se.event());
      if (signals[i] == AlertSignal.NONE || !routes.routes(se.service())) {
        continue;
      }
      Optional<String> m = routes.match(se.service(), se.event().labels());
      if (m.isPresent()) {
        matched[i] = m.get();
      } else if (se.event().dedupKey() != null && !se.event().dedupKey().isEmpty()) {
        byKey[i] = true;
        for (String s : routes.reachable(se.service())) {
          wanted.computeIfAbsent(s, k -> new LinkedHashSet<>()).add(fps[i]);
        }
      }
    }
    // State per service + fingerprint: read once; while processing, moved along by the run.
    Map<String, AlertState> state = new HashMap<>();
    wanted.forEach((service, wantedFps) -> lookup.states(service, wantedFps)
        .forEach((fp, st) -> state.put(key(service, fp), st)));

    List<Placed> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StoredEvent se = events.get(i);
      String service = se.service();
      if (matched[i] != null) {
        service = matched[i];
      } else if (byKey[i]) {
        for (String s : routes.reachable(se.service())) {
          AlertState st = state.get(key(s, fps[i]));
          if (st != null && (st.lastSeq() >= se.seq()
              || (explaining ? signals[i] == AlertSignal.ACKNOWLEDGE
                  : st.status() == AlertStatus.FIRING))) {
            service = s;
            break;
          }
        }
      }
      if (!explaining && signals[i] == AlertSignal.TRIGGER) {
        state.put(key(service, fps[i]), new AlertState(AlertStatus.FIRING, se.seq()));
      } else if (!explaining && signals[i] == AlertSignal.RESOLVE) {
        state.put(key(service, fps[i]), new AlertState(AlertStatus.RESOLVED, se.seq()));
      }
      out.add(new Placed(se, signals[i], fps[i], service));
    }
    return out;
  }

  private static String key(String service, String fingerprint) {
    return service + '\u0000' + fingerprint;
  }
}
