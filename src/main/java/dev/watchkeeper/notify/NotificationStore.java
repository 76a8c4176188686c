package dev.watchkeeper.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The notifications outbox (rows are written with the pages, by the incident transaction).
 * Several workers, on several nodes, claim due rows with a conditional UPDATE: a row is sent by
 * one worker at a time, and a row whose worker died is due again when its lease ends.
 */
public interface NotificationStore {

  /**
   * Filters for {@link #list}; nulls match everything.
   *
   * @param visibleServices when not null, only rows of incidents of these services (what a
   *     team-scoped caller may see; applied in the query so that a page is full)
   */
  record Query(Notification.State state, Long incidentId, int limit,
      java.util.Set<String> visibleServices) {
    public Query {
      visibleServices = visibleServices == null ? null : java.util.Set.copyOf(visibleServices);
    }

    /** Whatever the caller may see. */
    public Query(Notification.State state, Long incidentId, int limit) {
      this(state, incidentId, limit, null);
    }
  }

  /**
   * Claims up to {@code limit} due rows (pending and due, or sending with an expired lease):
   * each becomes {@code sending} with a fresh claim token, its lease ending at {@code now +
   * lease}, and its attempt count one higher. Returns the claimed rows as they are now.
   */
  List<Notification> claimDue(Instant now, Duration lease, int limit);

  /**
   * Records the outcome of an attempt on a claimed row, with one line on the incident timeline,
   * in one transaction; does nothing and returns false when the claim no longer holds (the lease
   * ran out and another worker took the row).
   *
   * @param state {@code pending} (retry at {@code nextAttemptAt}), {@code delivered} or
   *     {@code dead}
   * @param lastError why the attempt failed (never an address), or null
   */
  boolean complete(Notification claimed, Notification.State state, Instant nextAttemptAt,
      String lastError, Instant now, String timelineKind, String timelineMessage);

  /**
   * The rows a digest carries: first the rows of the digest's user and contact method that are
   * held and not yet given to a digest are given to this one; then every row given to it is
   * returned, oldest first. Calling it again (a retried digest) returns the same rows and any
   * held since.
   */
  List<Notification> digestRows(Notification digest);

  /** Marks the rows a delivered digest carried as {@code digested}. */
  void markDigested(long digestId, Instant now);

  /** Newest first. */
  List<Notification> list(Query query);

  Optional<Notification> find(long id);

  /**
   * Makes a dead row pending and due at {@code now}, with its attempts counted afresh; false
   * when the row is not dead (or does not exist).
   */
  boolean retry(long id, Instant now, String actor);
}
