package dev.watchkeeper.audit;

import java.time.Instant;
import java.util.List;

/**
 * Who changed what, when, from where: one row per change made through the API or the CLI, with
 * the changed thing before and after. Implementations are thread-safe; {@link #record} is durable
 * when it returns.
 */
public interface AuditLog {
  /** Most rows one {@link #find} returns. */
  int MAX_LIMIT = 500;

  /**
   * One audit row.
   *
   * @param actor who did it ({@code token:NAME}, {@code user:NAME}, {@code cli:NAME})
   * @param action what, like {@code silence.create}
   * @param targetType the kind of thing changed, like {@code silence}
   * @param detailsJson a JSON object with the specifics, or null
   * @param address the client address of the request; null means the address of the request
   *     being served on this thread ({@link RequestOrigin}), if any
   * @param beforeJson the thing before the change as JSON, or null (created, or not known)
   * @param afterJson the thing after the change as JSON, or null (deleted, or not known)
   */
  record Entry(Instant time, String actor, String action, String targetType, String targetId,
      String detailsJson, String address, String beforeJson, String afterJson) {
    /** Without address (taken from the request on this thread) and before/after. */
    public Entry(Instant time, String actor, String action, String targetType, String targetId,
        String detailsJson) {
      this(time, actor, action, targetType, targetId, detailsJson, null, null, null);
    }
  }

  /** A stored row with its id (the cursor of {@link Query#beforeId}). */
  record Row(long id, Entry entry) {}

  /** Filters for {@link #find}, newest first; null means any. */
  record Query(String actor, String action, String targetType, String targetId, Instant since,
      Instant until, Long beforeId, int limit) {}

  void record(Entry entry);

  /** The rows about one target, oldest first. */
  List<Entry> forTarget(String targetType, String targetId);

  /** Rows matching {@code query}, newest first. {@code action} may end in {@code .*}. */
  List<Row> find(Query query);
}
