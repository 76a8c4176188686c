package dev.watchkeeper.incident;

import dev.watchkeeper.event.Severity;
import java.time.Instant;

/**
 * An incident: one or more paging alerts of a service grouped together, with its lifecycle.
 *
 * @param groupKey the grouping key the incident's alerts share ("" when grouping by service only)
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
    int alertCount,
    Instant updatedAt) {}
