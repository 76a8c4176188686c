package dev.watchkeeper.incident;

import dev.watchkeeper.event.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes of one database transaction, for {@link IncidentEngine}. Everything done
 * through one instance commits together or not at all.
 */
public interface IncidentTx {

  /** The alert facts the engine needs. */
  record AlertRow(
      long id,
      String service,
      String fingerprint,
      boolean firing,
      Severity severity,
      String summary,
      Map<String, String> labels,
      Long incidentId,
      String notedStatus) {}

  Optional<AlertRow> alert(String service, String fingerprint);

  /** The alerts of one service with these fingerprints (unknown ones are absent), any order. */
  List<AlertRow> alerts(String service, List<String> fingerprints);

  /** Records which alert status the incident timeline has already told (replay guard). */
  void markNoted(long alertId, String status);

  /**
   * Attaches an alert to an incident it is not part of yet, noting its status (see
   * {@link #markNoted}); counts it on the incident and moves the incident's {@code updatedAt}.
   */
  void attach(long alertId, long incidentId, String status, Instant at);

  /** Moves every alert of incident {@code from} to incident {@code to}; recounts both. */
  void moveAlerts(long from, long to);

  Optional<Incident> incident(long id);

  /** The newest not-resolved incident of the service and group opened at or after {@code since}. */
  Optional<Incident> openIncident(String service, String groupKey, Instant since);

  long insertIncident(String service, String title, Severity severity, String urgency,
      String groupKey, Instant at);

  /** Saves the changed lifecycle fields of an incident. */
  void update(Incident incident);

  int firingAlerts(long incidentId);

  List<AlertRow> alertsOf(long incidentId);

  void addTimeline(long incidentId, Instant at, String actor, String kind, String message);

  /** Sets (or moves) the incident's timer of this kind to {@code dueAt}. */
  void scheduleTimer(long incidentId, IncidentTimer.Kind kind, Instant dueAt, Instant now);

  /** Whether the incident has a pending timer of this kind. */
  boolean timerPending(long incidentId, IncidentTimer.Kind kind);

  /** Removes the incident's timers of these kinds (all of them when none is named). */
  void cancelTimers(long incidentId, IncidentTimer.Kind... kinds);

  /**
   * Up to {@code limit} timers due at {@code now}, earliest first, claimed for this transaction:
   * on PostgreSQL rows another transaction holds are skipped ({@code FOR UPDATE SKIP LOCKED}), so
   * two nodes never fire one timer twice. The caller removes each one it fires
   * ({@link #cancelTimers}) in this transaction.
   */
  List<IncidentTimer> claimDueTimers(Instant now, int limit);

  /**
   * The incident, locked for this transaction, or empty when another transaction holds it (on
   * PostgreSQL; it is then left for a later round). Incidents are never deleted.
   */
  Optional<Incident> incidentIfFree(long id);

  /**
   * Counts one more resolution of an alert for flap damping and returns the count within the
   * current window (a window starts at the first resolution after the previous one ended).
   */
  int countResolution(long alertId, Instant now, java.time.Duration window);

  /** The incident's escalation state, if it ever escalated. */
  Optional<EscalationState> escalation(long incidentId);

  /** Records (replaces) the incident's escalation state. */
  void saveEscalation(EscalationState state);

  /** The next turn of a round-robin level (0, 1, 2, ... per policy and level; never repeats). */
  long nextRoundRobin(String policyId, int level);

  /**
   * Records that a person was paged (the notifications outbox and on-call load read these);
   * returns the page's id.
   */
  long addPage(long incidentId, int level, String userId, Instant at, String reason);

  /**
   * Queues one notification of a page in the outbox ({@code notifications}), to be sent by the
   * delivery workers: written in this transaction, so a page and its notifications commit
   * together or not at all. Its idempotency key is {@code <incident>-<page>-<methodIndex>}.
   *
   * @param methodIndex the index of the contact method in the user's {@code contact_methods}
   *     (the address itself is not stored: it can be a secret; it is read from the config when
   *     sending)
   * @param channel the contact method's type ({@code email}, {@code webhook}, ...)
   * @param kind {@code triggered} or {@code escalated}
   */
  default void addNotification(long incidentId, long pageId, String userId, int methodIndex,
      String channel, String kind, Instant at) {
    addNotification(incidentId, pageId, userId, methodIndex, channel, kind,
        incidentId + "-" + pageId + "-" + methodIndex, "pending", at, at);
  }

  /**
   * As above with the key, the state ({@code pending}, or {@code held} for a digest) and the
   * instant the row is due (later than {@code now} for a delayed rule or quiet hours). A row
   * whose key exists already is not written again.
   */
  void addNotification(long incidentId, long pageId, String userId, int methodIndex,
      String channel, String kind, String key, String state, Instant dueAt, Instant now);

  /** How many times the user was paged at or after {@code since} (storm control). */
  int pagesSince(String userId, Instant since);

  /** True when a digest for this contact method of the user is queued and not yet sent. */
  boolean digestPending(String userId, int methodIndex);
}
