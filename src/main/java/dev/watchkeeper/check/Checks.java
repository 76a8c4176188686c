package dev.watchkeeper.check;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The checks' use cases: create, change, pause, resume and delete a check; apply pings and the
 * clock; keep the checks of the config file in step with it. Every state change writes a
 * {@link Flip} in the same transaction; {@link FlipSender} turns flips into events.
 *
 * <p>Threading: stateless apart from the store; each call is one transaction.
 */
public final class Checks {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final LiveCheckStore store;
  private final Clock clock;
  private final Runnable flipped;
  private final java.util.function.IntSupplier keepPings;

  /** Keeps {@link #DEFAULT_KEEP_PINGS} pings per check. */
  public Checks(CheckStore store, Clock clock, Runnable flipped) {
    this(store, clock, flipped, () -> DEFAULT_KEEP_PINGS);
  }

  /**
   * @param flipped told after a transaction that wrote flips has committed (wakes the sender)
   * @param keepPings how many recent pings to keep per check (older ones are pruned)
   */
  public Checks(CheckStore store, Clock clock, Runnable flipped,
      java.util.function.IntSupplier keepPings) {
    this.store = store instanceof LiveCheckStore live ? live : new LiveCheckStore(store);
    this.clock = clock;
    this.flipped = flipped;
    this.keepPings = keepPings;
  }

  public static final int DEFAULT_KEEP_PINGS = 100;
  /** Pruning runs when a check's ping count crosses a multiple of this (amortised). */
  static final int PRUNE_EVERY = 20;

  /** The checks as they are now (the stored rows with the state pings changed since a fold). */
  public CheckStore store() {
    return store;
  }

  /**
   * Writes the state pings changed into the checks table and moves logged pings into the
   * history (pruned to {@code keepPings} per check); returns how many pings were folded.
   */
  public int fold() {
    return store.fold(keepPings.getAsInt());
  }

  /**
   * At start-up, before serving: applies the logged pings that the stored states do not include
   * yet (after a crash) and folds them; returns how many logged pings there were.
   */
  public int recover() {
    return store.recover(keepPings.getAsInt());
  }

  /**
   * True when a check with this id existed recently: a ping for it can be queued without reading
   * it first (the ping writer reads it and reports a check deleted meanwhile as not found).
   */
  public boolean known(String id) {
    return store.known(id);
  }

  /** How many checks have a state not yet folded. */
  public int unfoldedChecks() {
    return store.dirtyChecks();
  }

  public Clock clock() {
    return clock;
  }

  /** What a change asked of a check did. */
  public sealed interface Outcome {
    record Done(Check check) implements Outcome {}

    record NotFound() implements Outcome {}

    /** Refused, with a sentence (the check comes from the config file, a slug is taken...). */
    record Conflict(String message) implements Outcome {}
  }

  private volatile Runnable probesChanged = () -> {};

  /** Told after a probe made through the API was created, changed or deleted. */
  public void onProbesChanged(Runnable r) {
    this.probesChanged = r;
  }

  /** Creates a check (API, or an unknown slug pinged with {@code ?create=1}). */
  public Outcome create(CheckSpec spec, Check.Origin origin) {
    return create(spec, origin, null);
  }

  /**
   * Creates a check; {@code probe} is the definition (JSON, as in the config file) of a probe
   * check made through the API, else null.
   */
  public Outcome create(CheckSpec spec, Check.Origin origin, String probe) {
    Instant now = clock.instant();
    Outcome o = store.inTransaction(tx -> {
      if (store.findBySlug(spec.service(), spec.slug()).isPresent()) {
        return new Outcome.Conflict("service " + spec.service() + " has a check with slug \""
            + spec.slug() + "\" already");
      }
      String parentProblem = parentProblem(tx, null, spec);
      if (parentProblem != null) {
        return new Outcome.Conflict(parentProblem);
      }
      Check c = new Check(UUID.randomUUID().toString(), origin, spec, newBadgeKey(),
          CheckStatus.NEW, null, null, null, null, 0, now, now);
      tx.insert(c);
      if (probe != null) {
        tx.setProbe(c.id(), probe);
      }
      return new Outcome.Done(c);
    });
    if (probe != null && o instanceof Outcome.Done) {
      probesChanged.run();
    }
    return o;
  }

  /** Replaces a check's spec; the config file's checks change only with the file. */
  public Outcome update(String id, CheckSpec spec) {
    return update(id, spec, null);
  }

  /** Replaces a check's spec and, unless null, its probe definition. */
  public Outcome update(String id, CheckSpec spec, String probe) {
    Instant now = clock.instant();
    Outcome o = store.inTransaction(tx -> {
      Check c = tx.lock(List.of(id)).get(id);
      if (c == null) {
        return new Outcome.NotFound();
      }
      if (c.origin() == Check.Origin.CONFIG) {
        return new Outcome.Conflict("check " + id + " is defined in the config file;"
            + " change it there");
      }
      if (!spec.slug().equals(c.spec().slug()) || !spec.service().equals(c.spec().service())) {
        Optional<Check> other = store.findBySlug(spec.service(), spec.slug());
        if (other.isPresent() && !other.get().id().equals(id)) {
          return new Outcome.Conflict("service " + spec.service() + " has a check with slug \""
              + spec.slug() + "\" already");
        }
      }
      String parentProblem = parentProblem(tx, id, spec);
      if (parentProblem != null) {
        return new Outcome.Conflict(parentProblem);
      }
      if (probe != null) {
        tx.setProbe(id, probe);
      }
      return new Outcome.Done(apply(tx, Heartbeat.respec(c, spec, now), "check changed", now));
    });
    flipped.run();
    if (o instanceof Outcome.Done d && d.check().spec().kind() == CheckSpec.Kind.PROBE) {
      probesChanged.run();
    }
    return o;
  }

  public Outcome pause(String id) {
    return change(id, Heartbeat::pause, "paused");
  }

  public Outcome resume(String id) {
    return change(id, Heartbeat::resume, "resumed");
  }

  /** Applies {@code step} to the locked check {@code id} and sends the flips it made. */
  private Outcome change(String id, BiFunction<Check, Instant, Heartbeat.Result> step,
      String reason) {
    Instant now = clock.instant();
    Outcome o = store.inTransaction(tx -> {
      Check c = tx.lock(List.of(id)).get(id);
      if (c == null) {
        return new Outcome.NotFound();
      }
      return new Outcome.Done(apply(tx, step.apply(c, now), reason, now));
    });
    flipped.run();
    return o;
  }

  /** Deletes a check; its alert resolves if it was down. */
  public Outcome delete(String id) {
    Instant now = clock.instant();
    Outcome o = store.inTransaction(tx -> {
      Check c = tx.lock(List.of(id)).get(id);
      if (c == null) {
        return new Outcome.NotFound();
      }
      if (c.origin() == Check.Origin.CONFIG) {
        return new Outcome.Conflict("check " + id + " is defined in the config file;"
            + " remove it there");
      }
      deleteIn(tx, c, now);
      return new Outcome.Done(c);
    });
    flipped.run();
    if (o instanceof Outcome.Done d && d.check().spec().kind() == CheckSpec.Kind.PROBE) {
      probesChanged.run();
    }
    return o;
  }

  private void deleteIn(CheckStore.Tx tx, Check c, Instant now) {
    if (c.status() == CheckStatus.DOWN) {
      tx.insertFlip(new Flip(0, c.id(), c.spec().service(), c.spec().name(), now,
          CheckStatus.DOWN, CheckStatus.PAUSED, "check deleted", c.spec().severity(), null));
    }
    tx.delete(c.id());
  }

  /**
   * Stores pings and applies them, in order, in one transaction: they are appended to the ping
   * log, the flips they cause are written, and the states they leave are kept in memory until
   * the next {@link #fold}. Returns, per ping, whether its check exists (a check deleted since
   * the ping was looked up: not stored).
   */
  public List<Boolean> record(List<Ping> pings) {
    return recordPipelined(pings).join();
  }

  /**
   * {@link #record}, returning once committed: the future completes once the commit is on disk
   * (see {@link CheckStore#inPipelinedTransaction}), so the next batch can be stored meanwhile.
   */
  public CompletableFuture<List<Boolean>> recordPipelined(List<Ping> pings) {
    boolean[] flips = new boolean[1];
    CompletableFuture<List<Boolean>> found =
        store.inPipelinedTransaction(tx -> recordIn(tx, pings, flips));
    if (flips[0]) {
      flipped.run(); // only then: waking the sender at every ping commit cost it 5% of a core
    }
    return found;
  }

  /** @param flips its first element is set to whether a ping changed a check's state */
  private List<Boolean> recordIn(CheckStore.Tx tx, List<Ping> pings, boolean[] flips) {
    flips[0] = false; // a retried body starts over
    List<String> ids = new ArrayList<>();
    for (Ping p : pings) {
      ids.add(p.checkId());
    }
    // Not locked: this process's pings, deadlines and changes are serialised by the live store.
    Map<String, Check> checks = new HashMap<>(tx.read(ids));
    Map<String, Check> changed = new LinkedHashMap<>();
    Map<String, CheckStatus> before = new HashMap<>();
    Map<String, Instant> starts = new HashMap<>(); // check + rid -> start, within this batch
    List<Ping> stored = new ArrayList<>(pings.size());
    List<Boolean> found = new ArrayList<>(pings.size());
    for (Ping p : pings) {
      Check c = checks.get(p.checkId());
      if (c == null) {
        found.add(false);
        continue;
      }
      found.add(true);
      Ping ping = p;
      if (p.kind() == PingKind.SUCCESS && p.exitCode() == null) {
        ping = p.withKind(c.spec().classify(p.body()));
      }
      if (ping.kind() == PingKind.START && ping.rid() != null) {
        starts.put(ping.checkId() + "\u0000" + ping.rid(), ping.at());
      }
      if (ping.kind() == PingKind.SUCCESS || ping.kind() == PingKind.FAIL) {
        Instant start;
        if (ping.rid() != null) {
          start = starts.get(ping.checkId() + "\u0000" + ping.rid());
          if (start == null) {
            start = tx.startOf(ping.checkId(), ping.rid()).orElse(null);
          }
        } else {
          start = c.startedAt();
        }
        if (start != null && !start.isAfter(ping.at())) {
          ping = ping.withDuration(java.time.Duration.between(start, ping.at()).toMillis());
        }
      }
      before.putIfAbsent(c.id(), c.status());
      Heartbeat.Result r = Heartbeat.ping(c, ping);
      if (r.flipped()) {
        flip(tx, r.check(), c.status(), reason(ping), ping.at());
        flips[0] = true;
      }
      checks.put(c.id(), r.check());
      changed.put(c.id(), r.check());
      stored.add(ping);
    }
    List<Long> seqs = tx.appendPings(stored);
    Map<String, Long> lastSeq = new HashMap<>();
    for (int i = 0; i < stored.size(); i++) {
      lastSeq.put(stored.get(i).checkId(), seqs.get(i));
    }
    for (Check c : changed.values()) {
      tx.pinged(c, lastSeq.get(c.id()));
    }
    return found;
  }

  private static String reason(Ping p) {
    String via = p.transport().equals("http") ? "" : " (" + p.transport() + ")";
    return switch (p.kind()) {
      case SUCCESS -> "success ping" + via;
      case START -> "start ping" + via;
      case FAIL -> p.exitCode() != null ? "exit code " + p.exitCode() + via
          : p.transport().equals("probe") ? "probe failed: " + shortBody(p.body())
          : "failure reported" + via;
      default -> p.kind().wire() + " ping" + via;
    };
  }

  private static String shortBody(String body) {
    if (body == null) {
      return "";
    }
    return body.length() > 200 ? body.substring(0, 200) + "…" : body;
  }

  /**
   * Applies the clock to up to {@code limit} checks whose deadline has passed; returns how many
   * were due (0: nothing due).
   */
  public int advanceDue(int limit) {
    Instant now = clock.instant();
    int n = store.inTransaction(tx -> {
      List<Check> due = tx.lockDue(now, limit);
      for (Check c : due) {
        Heartbeat.Result r = Heartbeat.advance(c, now);
        Check after = r.check();
        if (!r.flipped()) {
          // Due, but nothing to change (a deadline left behind): move it on.
          after = c.withState(c.status(), c.lastPingAt(), c.startedAt(),
              Heartbeat.dueAt(c.spec(), c.status(), c.lastPingAt(), c.startedAt()),
              c.lastDurationMs(), c.pings(), now);
          if (after.dueAt() != null && !after.dueAt().isAfter(now)) {
            after = after.withState(after.status(), after.lastPingAt(), after.startedAt(), null,
                after.lastDurationMs(), after.pings(), now);
          }
        } else {
          flip(tx, after, c.status(), c.startedAt() != null && after.status() == CheckStatus.DOWN
              && (c.lastPingAt() == null || !c.startedAt().isBefore(c.lastPingAt()))
              ? "started, no finish within the grace time" : after.status() == CheckStatus.DOWN
              ? "no ping within the period and grace time" : "no ping within the period", now);
        }
        tx.update(after);
      }
      return due.size();
    });
    if (n > 0) {
      flipped.run();
    }
    return n;
  }

  /** The flip of a state change; a check going down while its parent is down is suppressed. */
  private static Check apply(CheckStore.Tx tx, Heartbeat.Result r, String reason, Instant now) {
    if (r.flipped()) {
      flip(tx, r.check(), r.before(), reason, now);
    }
    tx.update(r.check());
    return r.check();
  }

  private static void flip(CheckStore.Tx tx, Check after, CheckStatus before, String reason,
      Instant now) {
    String suppressedBy = null;
    if (after.status() == CheckStatus.DOWN && after.spec().parent() != null) {
      Optional<Check> parent = tx.peek(after.spec().parent());
      if (parent.isPresent()
          && Heartbeat.advance(parent.get(), now).check().status() == CheckStatus.DOWN) {
        suppressedBy = parent.get().id();
      }
    }
    tx.insertFlip(new Flip(0, after.id(), after.spec().service(), after.spec().name(), now,
        before, after.status(), reason, after.spec().severity(), suppressedBy));
  }

  /**
   * Brings the config file's checks into the database: new ones are created, changed ones
   * updated (their state kept), removed ones deleted. Checks are matched by service and slug; an
   * API or auto-registered check with the same slug is taken over by the file.
   *
   * @param specs the file's checks; their {@code parent} is a reference {@code service/slug}
   * @param ids the {@code id} an entry asks for, by {@code service/slug} (absent: a random one)
   */
  public void syncConfig(List<CheckSpec> specs, Map<String, String> ids) {
    Instant now = clock.instant();
    store.inTransaction(tx -> {
      Map<String, Check> existing = new HashMap<>();
      for (Check c : store.byOrigin(Check.Origin.CONFIG)) {
        existing.put(key(c.spec()), c);
      }
      Map<String, String> idOf = new HashMap<>();
      for (CheckSpec s : specs) {
        Check c = existing.remove(key(s));
        if (c == null) {
          c = store.findBySlug(s.service(), s.slug()).orElse(null);
        }
        if (c == null) {
          String id = ids.get(key(s)) != null ? ids.get(key(s)) : UUID.randomUUID().toString();
          c = new Check(id, Check.Origin.CONFIG, s.withParent(null), newBadgeKey(),
              CheckStatus.NEW, null, null, null, null, 0, now, now);
          tx.insert(c);
        }
        idOf.put(key(s), c.id());
      }
      for (Check gone : existing.values()) {
        deleteIn(tx, gone, now);
      }
      for (CheckSpec s : specs) {
        CheckSpec resolved = s.withParent(s.parent() == null ? null : idOf.get(s.parent()));
        String id = idOf.get(key(s));
        Check c = tx.lock(List.of(id)).get(id);
        if (c != null && (!c.spec().equals(resolved) || c.origin() != Check.Origin.CONFIG)) {
          Check owned = new Check(c.id(), Check.Origin.CONFIG, c.spec(), c.badgeKey(),
              c.status(), c.lastPingAt(), c.startedAt(), c.dueAt(), c.lastDurationMs(),
              c.pings(), c.createdAt(), now);
          apply(tx, Heartbeat.respec(owned, resolved, now), "check changed in the config file",
              now);
        }
      }
      return null;
    });
    flipped.run();
  }

  private static String key(CheckSpec s) {
    return s.service() + "/" + s.slug();
  }

  /** A parent must exist, belong to no loop, and not be the check itself. */
  private static String parentProblem(CheckStore.Tx tx, String id, CheckSpec spec) {
    String parent = spec.parent();
    if (parent == null) {
      return null;
    }
    if (parent.equals(id)) {
      return "parent: a check cannot be its own parent";
    }
    String at = parent;
    for (int depth = 0; at != null; depth++) {
      Optional<Check> p = tx.peek(at);
      if (p.isEmpty()) {
        return depth == 0 ? "parent: no check with id " + parent : null;
      }
      at = p.get().spec().parent();
      if (at != null && at.equals(id)) {
        return "parent: check " + parent + " depends on this check; that would be a loop";
      }
      if (depth > 100) {
        return "parent: the chain of parents is too long";
      }
    }
    return null;
  }

  static String newBadgeKey() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
