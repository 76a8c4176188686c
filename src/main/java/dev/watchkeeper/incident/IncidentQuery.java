package dev.watchkeeper.incident;

import dev.watchkeeper.event.Severity;
import java.time.Instant;

/** Filters for listing incidents, newest first; null means any. {@code beforeId} is the cursor. */
public record IncidentQuery(
    String service,
    IncidentState state,
    Severity severity,
    String priority,
    Instant since,
    Instant until,
    Long beforeId,
    int limit) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
}
