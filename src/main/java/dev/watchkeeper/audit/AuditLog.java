package dev.watchkeeper.audit;

import java.time.Instant;
import java.util.List;

/**
 * Who changed what, when: one row per change made through the API. Implementations are
 * thread-safe; {@link #record} is durable when it returns.
 */
public interface AuditLog {
  /**
   * One audit row.
   *
   * @param actor who did it (an API token name)
   * @param action what, like {@code silence.create}
   * @param targetType the kind of thing changed, like {@code silence}
   * @param detailsJson a JSON object with the specifics, or null
   */
  record Entry(Instant time, String actor, String action, String targetType, String targetId,
      String detailsJson) {}

  void record(Entry entry);

  /** The rows about one target, oldest first. */
  List<Entry> forTarget(String targetType, String targetId);
}
