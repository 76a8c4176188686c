package dev.watchkeeper.incident;

import dev.watchkeeper.event.Severity;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link IncidentTx} that reads each incident once per transaction. Every write that changes
 * an incident row goes through here and refreshes or drops the cached copy, so reads stay exact.
 */
final class CachingTx implements IncidentTx {
  private final IncidentTx tx;
  private final Map<Long, Optional<Incident>> incidents = new HashMap<>();
  private final Map<List<Object>, Long> openIncidents = new HashMap<>();

  CachingTx(IncidentTx tx) {
    this.tx = tx;
  }

  @Override
  public Optional<Incident> incident(long id) {
    return incidents.computeIfAbsent(id, tx::incident);
  }

  @Override
  public void update(Incident incident) {
    tx.update(incident);
    incidents.remove(incident.id()); // alert_count is not written by update: re-read when needed
    openIncidents.clear(); // a state change can change which incident is a group's open one
  }

  @Override
  public void attach(long alertId, long incidentId, String status, Instant at) {
    tx.attach(alertId, incidentId, status, at);
    Optional<Incident> cached = incidents.get(incidentId);
    if (cached != null && cached.isPresent()) {
      incidents.put(incidentId, Optional.of(cached.get().attached(at)));
    } else {
      incidents.remove(incidentId);
    }
  }

  @Override
  public void moveAlerts(long from, long to) {
    tx.moveAlerts(from, to);
    incidents.remove(from);
    incidents.remove(to);
  }

  @Override
  public long insertIncident(String service, String title, Severity severity, String urgency,
      String groupKey, Instant at) {
    long id = tx.insertIncident(service, title, severity, urgency, groupKey, at);
    // The newest incident of its group: the open one for every window that includes `at`.
    openIncidents.entrySet().removeIf(e -> e.getKey().get(0).equals(service)
        && e.getKey().get(1).equals(groupKey));
    return id;
  }

  @Override
  public Optional<AlertRow> alert(String service, String fingerprint) {
    return tx.alert(service, fingerprint);
  }

  @Override
  public List<AlertRow> alerts(String service, List<String> fingerprints) {
    return tx.alerts(service, fingerprints);
  }

  @Override
  public void markNoted(long alertId, String status) {
    tx.markNoted(alertId, status);
  }

  /**
   * Cached per group for the batch (every alert of a batch asks with the same {@code since}):
   * an incident opened in the batch becomes its group's open incident, and any state change
   * forgets what was cached.
   */
  @Override
  public Optional<Incident> openIncident(String service, String groupKey, Instant since) {
    List<Object> key = List.of(service, groupKey, since);
    Long id = openIncidents.get(key);
    if (id != null) {
      Optional<Incident> i = incident(id);
      if (i.isPresent() && i.get().state() != IncidentState.RESOLVED) {
        return i;
      }
    }
    Optional<Incident> found = tx.openIncident(service, groupKey, since);
    found.ifPresent(i -> {
      incidents.put(i.id(), found);
      openIncidents.put(key, i.id());
    });
    return found;
  }

  @Override
  public int firingAlerts(long incidentId) {
    return tx.firingAlerts(incidentId);
  }

  @Override
  public List<AlertRow> alertsOf(long incidentId) {
    return tx.alertsOf(incidentId);
  }

  @Override
  public void addTimeline(long incidentId, Instant at, String actor, String kind,
      String message) {
    tx.addTimeline(incidentId, at, actor, kind, message);
  }

  @Override
  public void scheduleTimer(long incidentId, IncidentTimer.Kind kind, Instant dueAt,
      Instant now) {
    tx.scheduleTimer(incidentId, kind, dueAt, now);
  }

  @Override
  public boolean timerPending(long incidentId, IncidentTimer.Kind kind) {
    return tx.timerPending(incidentId, kind);
  }

  @Override
  public void cancelTimers(long incidentId, IncidentTimer.Kind... kinds) {
    tx.cancelTimers(incidentId, kinds);
  }

  @Override
  public List<IncidentTimer> claimDueTimers(Instant now, int limit) {
    return tx.claimDueTimers(now, limit);
  }

  @Override
  public Optional<Incident> incidentIfFree(long id) {
    Optional<Incident> i = tx.incidentIfFree(id);
    if (i.isPresent()) {
      incidents.put(id, i);
    }
    return i;
  }

  @Override
  public int countResolution(long alertId, Instant now, java.time.Duration window) {
    return tx.countResolution(alertId, now, window);
  }

  @Override
  public Optional<EscalationState> escalation(long incidentId) {
    return tx.escalation(incidentId);
  }

  @Override
  public void saveEscalation(EscalationState state) {
    tx.saveEscalation(state);
  }

  @Override
  public long nextRoundRobin(String policyId, int level) {
    return tx.nextRoundRobin(policyId, level);
  }

  @Override
  public long addPage(long incidentId, int level, String userId, Instant at, String reason) {
    return tx.addPage(incidentId, level, userId, at, reason);
  }

  @Override
  public void addNotification(long incidentId, long pageId, String userId, int methodIndex,
      String channel, String kind, String key, String state, Instant dueAt, Instant now) {
    tx.addNotification(incidentId, pageId, userId, methodIndex, channel, kind, key, state, dueAt,
        now);
  }

  @Override
  public int pagesSince(String userId, Instant since) {
    return tx.pagesSince(userId, since);
  }

  @Override
  public boolean digestPending(String userId, int methodIndex) {
    return tx.digestPending(userId, methodIndex);
  }
}
