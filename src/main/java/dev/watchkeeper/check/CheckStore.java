package dev.watchkeeper.check;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks, their pings and flips. Implementations live in {@code store/}.
 *
 * <p>Threading: any thread. State changes happen inside {@link #inTransaction}, whose rows are
 * locked against the other writers (SQLite: the one write lock; PostgreSQL: row locks).
 */
public interface CheckStore {

  /** Runs {@code body} in one durable transaction (committed, fsynced, before this returns). */
  <T> T inTransaction(Function<Tx, T> body);

  Optional<Check> find(String id);

  Optional<Check> findBySlug(String service, String slug);

  Optional<Check> findByBadgeKey(String badgeKey);

  /** Checks by service and status (null: any), ordered by service and slug, at most limit. */
  List<Check> list(String service, CheckStatus status, int limit);

  /** Every check defined in the config file (for syncing it). */
  List<Check> byOrigin(Check.Origin origin);

  /** The most recent pings of a check, newest first. */
  List<Ping> pings(String checkId, int limit);

  /** The earliest deadline of any check, read without locking. */
  Optional<Instant> nextDue();

  /** Flips not yet turned into events, oldest first. */
  List<Flip> unsentFlips(int limit);

  void markSent(Collection<Long> flipIds);

  /** The latest flips of a check, newest first. */
  List<Flip> flips(String checkId, int limit);

  /** How many checks are in each status. */
  Map<CheckStatus, Long> countByStatus();

  /** Removes a check's pings beyond the newest {@code keep}. */
  void prunePings(String checkId, int keep);

  /** What a transaction can do. */
  interface Tx {
    /** Reads and locks these checks (absent ids are left out). */
    Map<String, Check> lock(Collection<String> ids);

    /** Reads and locks up to {@code limit} checks whose deadline is at or before {@code now}. */
    List<Check> lockDue(Instant now, int limit);

    /** Reads a check without locking it (a parent). */
    Optional<Check> peek(String id);

    /** When the most recent start ping of a check with this run id was received. */
    Optional<Instant> startOf(String checkId, String rid);

    /** Checks whose parent is {@code parentId}. */
    List<Check> children(String parentId);

    void insert(Check c);

    void insertPings(List<Ping> pings);

    /** Writes the state and spec columns of a check. */
    void update(Check c);

    /**
     * Writes only the state columns of a check (what a ping changes): an UPDATE that names no
     * column of the (service, slug), parent or badge indexes leaves those indexes untouched, so
     * a commit of many pings writes far fewer pages.
     */
    void updateState(Check c);

    void delete(String id);

    void insertFlip(Flip f);

    /** Removes the check's pings beyond the newest {@code keep}. */
    void prune(String checkId, int keep);
  }
}
