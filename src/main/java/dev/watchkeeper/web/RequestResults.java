package dev.watchkeeper.web;

import dev.watchkeeper.alert.AlertPlacement;
import dev.watchkeeper.alert.AlertSignal;
import dev.watchkeeper.alert.AlertStore;
import dev.watchkeeper.alert.LabelRoutes;
import dev.watchkeeper.event.EventStore;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.incident.IncidentStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * "Into which incident?" for a processed ingest request: for each of its events, the alert it
 * acted on (service and fingerprint, placed by the label routes in force) and the incident that
 * alert is attached to now (null when none: informational, silenced, or resolved before it paged).
 * Recomputed from the stored events on each call; at most {@link #MAX_EVENTS} events are read,
 * with a fixed number of queries per service involved, not per event.
 */
final class RequestResults {
  static final int MAX_EVENTS = 1000;

  /** The first {@link #MAX_EVENTS} results, and whether the request holds more events. */
  record Results(List<Map<String, Object>> events, boolean truncated) {}

  private final EventStore events;
  private final AlertStore alerts;
  private final IncidentStore incidents;
  private final Supplier<LabelRoutes> routes;

  RequestResults(EventStore events, AlertStore alerts, IncidentStore incidents,
      Supplier<LabelRoutes> routes) {
    this.events = events;
    this.alerts = alerts;
    this.incidents = incidents;
    this.routes = routes == null ? () -> LabelRoutes.NONE : routes;
  }

  Results of(String requestId) {
    List<StoredEvent> stored = events.ofRequest(requestId, MAX_EVENTS + 1);
    boolean truncated = stored.size() > MAX_EVENTS;
    if (truncated) {
      stored = stored.subList(0, MAX_EVENTS);
    }
    List<AlertPlacement.Placed> placed =
        AlertPlacement.afterProcessing(stored, routes.get(), alerts::states);
    Map<String, Set<String>> byService = new LinkedHashMap<>();
    for (AlertPlacement.Placed p : placed) {
      if (p.signal() != AlertSignal.NONE) {
        byService.computeIfAbsent(p.service(), s -> new LinkedHashSet<>()).add(p.fingerprint());
      }
    }
    Map<String, Map<String, Long>> incidentIds = new HashMap<>();
    if (incidents != null) {
      byService.forEach((service, fps) ->
          incidentIds.put(service, incidents.incidentsOf(service, fps)));
    }
    List<Map<String, Object>> out = new ArrayList<>(placed.size());
    for (AlertPlacement.Placed p : placed) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("event_id", p.event().event().id());
      m.put("effect", p.signal().name().toLowerCase(Locale.ROOT));
      if (p.signal() == AlertSignal.NONE) {
        m.put("alert", null);
        m.put("incident_id", null);
      } else {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("service", p.service());
        alert.put("fingerprint", p.fingerprint());
        alert.put("routed_from", p.routedFrom());
        m.put("alert", alert);
        m.put("incident_id",
            incidentIds.getOrDefault(p.service(), Map.of()).get(p.fingerprint()));
      }
      out.add(m);
    }
    return new Results(out, truncated);
  }
}
