package dev.watchkeeper.event;

import java.time.Instant;

/**
 * Filters for listing events, newest first. Null means "any". {@code beforeSeq} is the cursor: only
 * events with a smaller position are returned.
 */
public record EventQuery(
    String service,
    String source,
    String type,
    Severity severity,
    Instant since,
    Instant until,
    Long beforeSeq,
    int limit) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
}
