package dev.watchkeeper.alert;

import dev.watchkeeper.event.Severity;
import java.util.Set;

/**
 * Filters for listing alerts, newest first; null means any. {@code beforeId} is the cursor.
 * {@code visibleServices}, when not null, narrows to what a team-scoped caller may see (in the
 * query, so that a page is full).
 */
public record AlertQuery(
    String service, AlertStatus status, Severity severity, Long beforeId, int limit,
    Set<String> visibleServices) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public AlertQuery {
    visibleServices = visibleServices == null ? null : Set.copyOf(visibleServices);
  }

  /** Whatever the caller may see. */
  public AlertQuery(String service, AlertStatus status, Severity severity, Long beforeId,
      int limit) {
    this(service, status, severity, beforeId, limit, null);
  }
}
