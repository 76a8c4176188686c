package dev.watchkeeper.incident;

import dev.watchkeeper.event.Severity;
import java.time.Instant;
import java.util.Set;

/**
 * Filters for listing incidents, newest first; null means any. {@code beforeId} is the cursor.
 *
 * @param visibleServices when not null, only incidents of these services (what a team-scoped
 *     caller may see; applied in the query so that a page is full, not filtered afterwards)
 */
public record IncidentQuery(
    String service,
    IncidentState state,
    Severity severity,
    String priority,
    Instant since,
    Instant until,
    Long beforeId,
    int limit,
    Set<String> visibleServices) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  public IncidentQuery {
    visibleServices = visibleServices == null ? null : Set.copyOf(visibleServices);
  }

  /** Whatever the caller may see. */
  public IncidentQuery(String service, IncidentState state, Severity severity, String priority,
      Instant since, Instant until, Long beforeId, int limit) {
    this(service, state, severity, priority, since, until, beforeId, limit, null);
  }
}
