package dev.watchkeeper.check;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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

  /**
   * Runs {@code body} in one transaction that need not be on disk when this returns (background
   * folds: what they write can be redone from the ping log). A later durable commit makes it
   * durable too (SQLite's WAL and PostgreSQL's WAL keep commit order).
   */
  default <T> T inBackgroundTransaction(Function<Tx, T> body) {
    return inTransaction(body);
  }

  /**
   * Runs {@code body} in one transaction that is committed when this returns but may not be on
   * disk yet, so that the caller can start the next one meanwhile; the future completes with the
   * result once it is durable, or fails (the commit must then be treated as not made). A body
   * that throws throws here, as with {@link #inTransaction}.
   */
  default <T> CompletableFuture<T> inPipelinedTransaction(Function<Tx, T> body) {
    return CompletableFuture.completedFuture(inTransaction(body));
  }

  /**
   * True when this process is the only writer of the checks (SQLite: one server per database
   * file), so that rows it read and wrote may be kept in memory without being re-read. False on
   * PostgreSQL, where other nodes write too.
   */
  default boolean soleWriter() {
    return false;
  }

  Optional<Check> find(String id);

  Optional<Check> findBySlug(String service, String slug);

  Optional<Check> findByBadgeKey(String badgeKey);

  /** Checks by service and status (null: any), ordered by service and slug, at most limit. */
  default List<Check> list(String service, CheckStatus status, int limit) {
    return list(service, status, limit, null);
  }

  /**
   * As {@link #list(String, CheckStatus, int)}, and only of {@code visibleServices} when not
   * null (a team-scoped caller's services: narrowed in the query, so the list is full).
   */
  List<Check> list(String service, CheckStatus status, int limit,
      java.util.Set<String> visibleServices);

  /** Every check defined in the config file (for syncing it). */
  List<Check> byOrigin(Check.Origin origin);

  /** The most recent pings of a check, newest first (the ping log's and the folded ones). */
  List<Ping> pings(String checkId, int limit);

  /** Every row of the ping log (pings not yet folded), oldest first. */
  List<LoggedPing> pingLog();

  /** The seq of the last logged ping each check's stored state includes (0: none). */
  Map<String, Long> pingSeqs(Collection<String> ids);

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

  /** The probe definitions (JSON, as in the config file) of checks made through the API, by id. */
  Map<String, String> probeDefinitions();

  /** A probe's consecutive failures and successes, as last saved (zeros if never). */
  record ProbeCounters(int failures, int successes) {}

  ProbeCounters probeCounters(String checkId);

  /** Saves a probe's counters (durably: a restart continues from them). */
  void saveProbeCounters(String checkId, ProbeCounters counters);

  /** What a transaction can do. */
  interface Tx {
    /** Reads these checks without locking them (absent ids are left out). */
    Map<String, Check> read(Collection<String> ids);

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

    /** Appends pings to the ping log; returns their seqs, in order. */
    List<Long> appendPings(List<Ping> pings);

    /**
     * The state pings left a check in, {@code pingSeq} being the last of them. A store may keep
     * it in memory and fold it later (the ping log holds what is needed to redo it).
     */
    void pinged(Check c, long pingSeq);

    /**
     * Writes the state columns of a check and that its state includes the logged pings up to
     * {@code pingSeq}; a row that already includes a later one is left alone.
     */
    void foldState(Check c, long pingSeq);

    /**
     * Sets when the deadline poller looks at the row next to its stored deadline (folds only
     * ever bring that moment earlier, so a row can come up before its deadline).
     */
    void rearm(String id);

    /**
     * Copies logged pings into the ping history (their seq as id); pings already there, or of a
     * check deleted since, are skipped.
     */
    void insertHistory(List<LoggedPing> pings);

    /** Deletes these rows of the ping log. */
    void deleteLog(List<Long> seqs);

    /** Writes the state and spec columns of a check. */
    void update(Check c);

    void delete(String id);

    void insertFlip(Flip f);

    /** Sets the probe definition (JSON) of a check made through the API. */
    void setProbe(String id, String definition);

    /** Removes the check's pings beyond the newest {@code keep}. */
    void prune(String checkId, int keep);
  }
}
