package dev.watchkeeper.check;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The checks as they are now: the database's rows with, on top, the state that pings changed
 * since the last fold. A ping's commit appends it to the ping log (sequential pages) and keeps
 * the state it left in memory here; {@link #fold} writes those states into the checks table and
 * moves the logged pings into the ping history, in the background, in big batches. A crash loses
 * nothing: {@link #recover} redoes the logged pings a row's state does not include yet (the row's
 * {@code ping_seq} says which it does) before the server answers.
 *
 * <p>Every read through this store sees the in-memory state; deadlines come from it too
 * ({@link #nextDue}, and {@code lockDue} in a transaction).
 *
 * <p>Threading: reads from any thread (the overlay is a concurrent map, replaced per entry).
 * Every transaction, and each chunk of a fold, runs under one lock, so the overlay changes only
 * with the commit that justifies it, in commit order. Lock order: this lock, then the database's.
 * On several PostgreSQL nodes each node keeps its own overlay: another node sees a ping's state
 * change after this node's next fold.
 */
final class LiveCheckStore implements CheckStore {
  /**
   * Checks folded per transaction: each chunk holds SQLite's one write lock, so it is kept small
   * (a chunk of 1000 checks touched ~1000 random pages and put ~0.4 s into the pings' p99 on a
   * busy machine); ping commits get the lock between chunks (the lock is fair).
   */
  static final int FOLD_CHUNK = 200;

  /** The state pings left a check in, and the seq of the last of them. */
  private record Pending(Check state, long seq) {}

  private final CheckStore db;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Map<String, Pending> dirty = new ConcurrentHashMap<>();
  /**
   * Ids of checks recently found to exist, so that a ping URL naming one needs no read before
   * its ping is queued (the ping writer reads the check anyway, and answers 404 for one deleted
   * meanwhile). Bounded: cleared when full.
   */
  private final java.util.Set<String> known = ConcurrentHashMap.newKeySet();
  static final int MAX_KNOWN = 200_000;
  /**
   * Checks whose row this process last read or wrote, as it is in the table, for the ping writer
   * (reading the rows of each ping batch was half its time): only when this process is the
   * checks' sole writer ({@link CheckStore#soleWriter}). Every write of a row through a
   * transaction drops its entry (and again after the commit, so that an entry put by an earlier
   * read of the same transaction does not survive it); a fold puts the state it wrote. Bounded:
   * cleared when full.
   */
  private final Map<String, Check> clean = new ConcurrentHashMap<>();
  static final int MAX_CLEAN = 100_000;
  private final boolean cache;
  /** Logged pings not yet in the history, in seq order; appended and removed under the lock. */
  private final List<LoggedPing> unfolded = new ArrayList<>();

  LiveCheckStore(CheckStore db) {
    this.db = db;
    this.cache = db.soleWriter();
  }

  private void keepClean(Check c) {
    if (!cache) {
      return;
    }
    if (clean.size() >= MAX_CLEAN) {
      clean.clear();
    }
    clean.put(c.id(), c);
  }

  /** How many rows are kept in memory (for tests). */
  int cleanChecks() {
    return clean.size();
  }

  /** How many checks have a state not yet folded (for metrics and tests). */
  int dirtyChecks() {
    return dirty.size();
  }

  /** The database's row with the in-memory state, if any. */
  private Check live(Check row) {
    if (row == null) {
      return null;
    }
    Pending p = dirty.get(row.id());
    if (p == null) {
      return row;
    }
    Check s = p.state();
    return row.withState(s.status(), s.lastPingAt(), s.startedAt(), s.dueAt(),
        s.lastDurationMs(), s.pings(), s.updatedAt());
  }

  private List<Check> live(List<Check> rows) {
    List<Check> out = new ArrayList<>(rows.size());
    for (Check c : rows) {
      out.add(live(c));
    }
    return out;
  }

  @Override
  public <T> T inTransaction(Function<Tx, T> body) {
    return run(body, true);
  }

  @Override
  public <T> T inBackgroundTransaction(Function<Tx, T> body) {
    return run(body, false);
  }

  @Override
  public <T> CompletableFuture<T> inPipelinedTransaction(Function<Tx, T> body) {
    return run(body, Mode.PIPELINED);
  }

  private enum Mode { DURABLE, BACKGROUND, PIPELINED }

  private <T> T run(Function<Tx, T> body, boolean durable) {
    return run(body, durable ? Mode.DURABLE : Mode.BACKGROUND).join();
  }

  private <T> CompletableFuture<T> run(Function<Tx, T> body, Mode mode) {
    lock.lock();
    try {
      List<Runnable> afterCommit = new ArrayList<>();
      Function<Tx, T> wrapped = tx -> {
        afterCommit.clear(); // a retried body starts over
        return body.apply(new LiveTx(tx, afterCommit));
      };
      CompletableFuture<T> result = switch (mode) {
        case DURABLE -> CompletableFuture.completedFuture(db.inTransaction(wrapped));
        case BACKGROUND -> CompletableFuture.completedFuture(db.inBackgroundTransaction(wrapped));
        case PIPELINED -> db.inPipelinedTransaction(wrapped);
      };
      // At commit, not at sync: the next transaction reads what this one committed.
      afterCommit.forEach(Runnable::run);
      return result;
    } finally {
      lock.unlock();
    }
  }

  /**
   * A check pinged since the last fold is answered from memory (its spec too: a change of spec
   * writes the row and drops the in-memory state), which spares the ping path a read.
   */
  @Override
  public Optional<Check> find(String id) {
    Pending p = dirty.get(id);
    if (p != null) {
      return Optional.of(p.state());
    }
    Check kept = clean.get(id);
    if (kept != null) {
      return Optional.of(kept);
    }
    Optional<Check> c = db.find(id);
    c.ifPresent(found -> remember(found.id()));
    return c;
  }

  /** True when a check with this id existed recently (in this process's knowledge). */
  boolean known(String id) {
    return known.contains(id) || dirty.containsKey(id) || clean.containsKey(id);
  }

  private void remember(String id) {
    if (known.size() >= MAX_KNOWN) {
      known.clear();
    }
    known.add(id);
  }

  @Override
  public Optional<Check> findBySlug(String service, String slug) {
    return db.findBySlug(service, slug).map(this::live);
  }

  @Override
  public Optional<Check> findByBadgeKey(String badgeKey) {
    return db.findByBadgeKey(badgeKey).map(this::live);
  }

  /** The status filter applies to the folded state (at most one fold interval old). */
  @Override
  public List<Check> list(String service, CheckStatus status, int limit,
      java.util.Set<String> visibleServices) {
    return live(db.list(service, status, limit, visibleServices));
  }

  @Override
  public List<Check> byOrigin(Check.Origin origin) {
    return live(db.byOrigin(origin));
  }

  @Override
  public List<Ping> pings(String checkId, int limit) {
    return db.pings(checkId, limit);
  }

  @Override
  public List<LoggedPing> pingLog() {
    return db.pingLog();
  }

  @Override
  public Map<String, Long> pingSeqs(Collection<String> ids) {
    return db.pingSeqs(ids);
  }

  @Override
  public Optional<Instant> nextDue() {
    Instant next = db.nextDue().orElse(null);
    for (Pending p : dirty.values()) {
      Instant d = p.state().dueAt();
      if (d != null && (next == null || d.isBefore(next))) {
        next = d;
      }
    }
    return Optional.ofNullable(next);
  }

  @Override
  public List<Flip> unsentFlips(int limit) {
    return db.unsentFlips(limit);
  }

  @Override
  public void markSent(Collection<Long> flipIds) {
    db.markSent(flipIds);
  }

  @Override
  public List<Flip> flips(String checkId, int limit) {
    return db.flips(checkId, limit);
  }

  /** Counts of the folded state (at most one fold interval old). */
  @Override
  public Map<CheckStatus, Long> countByStatus() {
    return db.countByStatus();
  }

  @Override
  public void prunePings(String checkId, int keep) {
    db.prunePings(checkId, keep);
  }

  @Override
  public Map<String, String> probeDefinitions() {
    return db.probeDefinitions();
  }

  @Override
  public ProbeCounters probeCounters(String checkId) {
    return db.probeCounters(checkId);
  }

  @Override
  public void saveProbeCounters(String checkId, ProbeCounters counters) {
    db.saveProbeCounters(checkId, counters);
  }

  /**
   * Writes the in-memory states into the checks table and moves the logged pings into the
   * history, {@link #FOLD_CHUNK} checks per transaction (in id order: neighbouring pages), then
   * deletes them from the log. Pings and states arriving meanwhile wait for the next fold.
   *
   * @param keep pings kept per check in the history
   * @return how many logged pings were folded
   */
  int fold(int keep) {
    Map<String, Pending> states;
    List<LoggedPing> pings;
    lock.lock();
    try {
      if (dirty.isEmpty() && unfolded.isEmpty()) {
        return 0;
      }
      states = new HashMap<>(dirty);
      pings = new ArrayList<>(unfolded);
    } finally {
      lock.unlock();
    }
    Map<String, List<LoggedPing>> byCheck = new HashMap<>();
    for (LoggedPing lp : pings) {
      byCheck.computeIfAbsent(lp.ping().checkId(), k -> new ArrayList<>()).add(lp);
    }
    TreeSet<String> ids = new TreeSet<>(states.keySet());
    ids.addAll(byCheck.keySet());
    List<String> all = new ArrayList<>(ids);
    for (int i = 0; i < all.size(); i += FOLD_CHUNK) {
      List<String> chunk = all.subList(i, Math.min(all.size(), i + FOLD_CHUNK));
      run(tx -> {
        List<LoggedPing> history = new ArrayList<>();
        for (String id : chunk) {
          List<LoggedPing> mine = byCheck.getOrDefault(id, List.of());
          history.addAll(mine);
        }
        tx.insertHistory(history);
        for (String id : chunk) {
          Pending p = states.get(id);
          if (p == null) {
            continue;
          }
          if (dirty.get(id) == p) {
            tx.foldState(p.state(), p.seq());
          } // else newer than this fold: a later ping's state (the next fold writes it), or
          // written into the row already (a change of spec or a deadline since the snapshot;
          // folding the older state now would undo it)
          int n = byCheck.getOrDefault(id, List.of()).size();
          long count = p.state().pings();
          if (n > 0 && count > keep
              && (count - n) / Checks.PRUNE_EVERY != count / Checks.PRUNE_EVERY) {
            tx.prune(id, keep);
          }
        }
        ((LiveTx) tx).afterCommit.add(() -> {
          for (String id : chunk) {
            Pending p = states.get(id);
            if (p != null && dirty.remove(id, p)) { // unless a newer state came meanwhile
              keepClean(p.state());
            }
          }
        });
        return null;
      }, false);
    }
    if (!pings.isEmpty()) {
      List<Long> seqs = new ArrayList<>(pings.size());
      for (LoggedPing lp : pings) {
        seqs.add(lp.seq());
      }
      run(tx -> {
        tx.deleteLog(seqs);
        ((LiveTx) tx).afterCommit.add(() -> unfolded.subList(0, pings.size()).clear());
        return null;
      }, false);
    }
    return pings.size();
  }

  /**
   * After a start (or a crash): the pings of the log that the rows' states do not include yet
   * are applied to them (their kind and duration were settled when they were logged; their flips
   * were committed with them), then everything is folded.
   *
   * @return how many logged pings were found
   */
  int recover(int keep) {
    List<LoggedPing> log = db.pingLog();
    if (log.isEmpty()) {
      return 0;
    }
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (LoggedPing lp : log) {
      ids.add(lp.ping().checkId());
    }
    Map<String, Long> seqs = db.pingSeqs(ids);
    lock.lock();
    try {
      Map<String, Check> states = new HashMap<>(
          db.inTransaction(tx -> tx.read(new ArrayList<>(ids))));
      Map<String, Long> last = new LinkedHashMap<>();
      for (LoggedPing lp : log) {
        String id = lp.ping().checkId();
        Check c = states.get(id);
        if (c == null || lp.seq() <= seqs.getOrDefault(id, 0L)) {
          continue; // deleted, or already in the row's state
        }
        states.put(id, Heartbeat.ping(c, lp.ping()).check());
        last.put(id, lp.seq());
      }
      last.forEach((id, seq) -> dirty.put(id, new Pending(states.get(id), seq)));
      unfolded.addAll(log);
    } finally {
      lock.unlock();
    }
    fold(keep);
    return log.size();
  }

  /** A transaction whose reads see the in-memory state and whose writes keep it right. */
  private final class LiveTx implements Tx {
    private final Tx tx;
    private final List<Runnable> afterCommit;

    LiveTx(Tx tx, List<Runnable> afterCommit) {
      this.tx = tx;
      this.afterCommit = afterCommit;
    }

    /** A row written: its kept copy is dropped now and again at the commit (see clean). */
    private void forget(String id) {
      if (cache) {
        clean.remove(id);
        afterCommit.add(() -> clean.remove(id));
      }
    }

    @Override
    public Map<String, Check> read(Collection<String> ids) {
      Map<String, Check> out = new HashMap<>();
      List<String> missing = new ArrayList<>();
      for (String id : ids) {
        Pending p = dirty.get(id);
        Check kept;
        if (p != null) {
          out.put(id, p.state());
        } else if ((kept = clean.get(id)) != null) {
          out.put(id, kept);
        } else {
          missing.add(id);
        }
      }
      if (!missing.isEmpty()) {
        Map<String, Check> rows = tx.read(missing);
        out.putAll(rows);
        if (cache && !rows.isEmpty()) {
          afterCommit.add(() -> rows.values().forEach(LiveCheckStore.this::keepClean));
        }
      }
      return out;
    }

    @Override
    public Map<String, Check> lock(Collection<String> ids) {
      Map<String, Check> out = new LinkedHashMap<>();
      tx.lock(ids).forEach((id, c) -> out.put(id, live(c)));
      return out;
    }

    /**
     * The rows due by their stored deadline whose in-memory state is not due are folded now (so
     * they stop coming back); checks due by their in-memory state only are added.
     */
    @Override
    public List<Check> lockDue(Instant now, int limit) {
      List<Check> out = new ArrayList<>();
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (Check row : tx.lockDue(now, limit)) {
        seen.add(row.id());
        Pending p = dirty.get(row.id());
        Check c = live(row);
        if (p != null && (c.dueAt() == null || c.dueAt().isAfter(now))) {
          forget(row.id());
          tx.foldState(c, p.seq());
          tx.rearm(row.id());
          afterCommit.add(() -> dirty.remove(row.id(), p));
        } else {
          out.add(c);
        }
      }
      List<String> early = new ArrayList<>();
      for (Map.Entry<String, Pending> e : dirty.entrySet()) {
        Instant d = e.getValue().state().dueAt();
        if (out.size() + early.size() >= limit) {
          break;
        }
        if (d != null && !d.isAfter(now) && !seen.contains(e.getKey())) {
          early.add(e.getKey());
        }
      }
      if (!early.isEmpty()) {
        out.addAll(lock(early).values());
      }
      return out;
    }

    @Override
    public Optional<Check> peek(String id) {
      return tx.peek(id).map(LiveCheckStore.this::live);
    }

    @Override
    public Optional<Instant> startOf(String checkId, String rid) {
      return tx.startOf(checkId, rid);
    }

    @Override
    public List<Check> children(String parentId) {
      return live(tx.children(parentId));
    }

    @Override
    public void insert(Check c) {
      forget(c.id());
      tx.insert(c);
    }

    @Override
    public List<Long> appendPings(List<Ping> pings) {
      List<Long> seqs = tx.appendPings(pings);
      afterCommit.add(() -> {
        for (int i = 0; i < pings.size(); i++) {
          unfolded.add(new LoggedPing(seqs.get(i), pings.get(i)));
        }
      });
      return seqs;
    }

    @Override
    public void pinged(Check c, long pingSeq) {
      afterCommit.add(() -> dirty.put(c.id(), new Pending(c, pingSeq)));
    }

    @Override
    public void foldState(Check c, long pingSeq) {
      forget(c.id());
      tx.foldState(c, pingSeq);
    }

    @Override
    public void rearm(String id) {
      forget(id);
      tx.rearm(id);
    }

    @Override
    public void insertHistory(List<LoggedPing> pings) {
      tx.insertHistory(pings);
    }

    @Override
    public void deleteLog(List<Long> seqs) {
      tx.deleteLog(seqs);
    }

    /** Writes the whole row; the in-memory state, now in the row, is dropped. */
    @Override
    public void update(Check c) {
      forget(c.id());
      tx.update(c);
      Pending p = dirty.get(c.id());
      if (p != null) {
        tx.foldState(c, p.seq());
        afterCommit.add(() -> dirty.remove(c.id(), p));
      }
    }

    @Override
    public void delete(String id) {
      forget(id);
      tx.delete(id);
      afterCommit.add(() -> {
        dirty.remove(id);
        known.remove(id);
      });
    }

    @Override
    public void insertFlip(Flip f) {
      tx.insertFlip(f);
    }

    @Override
    public void setProbe(String id, String definition) {
      forget(id);
      tx.setProbe(id, definition);
    }

    @Override
    public void prune(String checkId, int keep) {
      tx.prune(checkId, keep);
    }
  }
}
