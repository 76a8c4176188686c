package dev.watchkeeper.event;

import java.time.Instant;
import java.util.Set;

/**
 * Filters for listing events, newest first. Null means "any". {@code beforeSeq} is the cursor: only
 * events with a smaller position are returned. {@code visibleServices}, when not null, narrows to
 * what a team-scoped caller may see (in the query, so that a page is full).
 */
public record EventQuery(
    String service,
    String source,
    String type,
    Severity severity,
    Instant since,
    Instant until,
    Long beforeSeq,
    int limit,
    Set<String> visibleServices) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public EventQuery {
    visibleServices = visibleServices == null ? null : Set.copyOf(visibleServices);
  }

  /** Whatever the caller may see. */
  public EventQuery(String service, String source, String type, Severity severity,
      Instant since, Instant until, Long beforeSeq, int limit) {
    this(service, source, type, severity, since, until, beforeSeq, limit, null);
  }
}
