package dev.watchkeeper.incident;

import dev.watchkeeper.event.Severity;
import java.time.Instant;
import java.util.Set;

/**
 * An incident: one or more paging alerts of a service grouped together, with its lifecycle.
 * Changes make new values through the methods below ({@code updatedAt} is set by each).
 *
 * @param groupKey the grouping key the incident's alerts share ("" when grouping by service only)
 * @param priority P1 (highest) to P5, or null when not set
 * @param urgency high or low: critical and error alerts open high-urgency incidents
 * @param mergedInto the incident this one was merged into, or null
 */
public record Incident(
    long id,
    String service,
    IncidentState state,
    String title,
    Severity severity,
    String groupKey,
    Instant openedAt,
    Instant acknowledgedAt,
    String acknowledgedBy,
    Instant resolvedAt,
    String resolvedBy,
    Instant snoozedUntil,
    String assignee,
    String priority,
    String urgency,
    Long mergedInto,
    int alertCount,
    Instant updatedAt) {

  public static final Set<String> PRIORITIES = Set.of("P1", "P2", "P3", "P4", "P5");

  /** The urgency an incident opened by an alert of this severity gets. */
  public static String urgencyOf(Severity s) {
    return s == null || s == Severity.CRITICAL || s == Severity.ERROR ? "high" : "low";
  }

  Incident acknowledged(Instant at, String by) {
    return new Incident(id, service, IncidentState.ACKNOWLEDGED, title, severity, groupKey,
        openedAt, at, by, resolvedAt, resolvedBy, snoozedUntil, assignee, priority, urgency,
        mergedInto, alertCount, at);
  }

  Incident resolved(Instant at, String by, Long into) {
    return new Incident(id, service, IncidentState.RESOLVED, title, severity, groupKey, openedAt,
        acknowledgedAt, acknowledgedBy, at, by, null, assignee, priority, urgency, into,
        alertCount, at);
  }

  Incident reopened(Instant at) {
    return new Incident(id, service, IncidentState.TRIGGERED, title, severity, groupKey, openedAt,
        null, null, null, null, null, assignee, priority, urgency, null, alertCount, at);
  }

  /** One more alert attached (what the store's attach wrote). */
  Incident attached(Instant at) {
    return new Incident(id, service, state, title, severity, groupKey, openedAt, acknowledgedAt,
        acknowledgedBy, resolvedAt, resolvedBy, snoozedUntil, assignee, priority, urgency,
        mergedInto, alertCount + 1, at);
  }

  /** Back to triggered after an acknowledgement timed out or a snooze ended. */
  Incident retriggered(Instant at) {
    return new Incident(id, service, IncidentState.TRIGGERED, title, severity, groupKey, openedAt,
        null, null, null, null, null, assignee, priority, urgency, mergedInto, alertCount, at);
  }

  Incident snoozed(Instant until, Instant at) {
    return new Incident(id, service, state, title, severity, groupKey, openedAt, acknowledgedAt,
        acknowledgedBy, resolvedAt, resolvedBy, until, assignee, priority, urgency, mergedInto,
        alertCount, at);
  }

  Incident assigned(String to, Instant at) {
    return new Incident(id, service, state, title, severity, groupKey, openedAt, acknowledgedAt,
        acknowledgedBy, resolvedAt, resolvedBy, snoozedUntil, to, priority, urgency, mergedInto,
        alertCount, at);
  }

  Incident prioritized(String p, Instant at) {
    return new Incident(id, service, state, title, severity, groupKey, openedAt, acknowledgedAt,
        acknowledgedBy, resolvedAt, resolvedBy, snoozedUntil, assignee, p, urgency, mergedInto,
        alertCount, at);
  }

  /** Raises the severity (and urgency) to that of a new alert if it is higher. */
  Incident escalatedTo(Severity s, Instant at) {
    Severity max = severity == null || (s != null && s.ordinal() < severity.ordinal())
        ? s : severity;
    String urg = "high".equals(urgency) ? urgency : urgencyOf(max);
    return new Incident(id, service, state, title, max, groupKey, openedAt, acknowledgedAt,
        acknowledgedBy, resolvedAt, resolvedBy, snoozedUntil, assignee, priority, urg,
        mergedInto, alertCount, at);
  }
}
