package dev.watchkeeper.mute;

import dev.watchkeeper.alert.AlertLabels;
import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.event.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Silences with Alertmanager's rules (silence/silence.go):
 *
 * <ul>
 *   <li>A new silence gets a new id; a start in the past becomes now.
 *   <li>An update (request with an id) changes the silence in place only when that does not rewrite
 *       history ({@code canUpdate}): same matchers in the same order, and for an active silence the
 *       same start (to the second) and an end not in the past; for a pending one a start not in the
 *       past. Otherwise the old silence is expired (unless it already is) and a new one with a new
 *       id is created. An expired silence is never updated in place.
 *   <li>Expiring an active silence sets its end to now; a pending one gets start = end = now.
 *       Expiring an expired one changes nothing.
 *   <li>Watchkeeper's extension: an active silence made with {@code expireWhenResolved} expires
 *       (actor {@code system}) when an alert it mutes resolves and no firing alert matches it any
 *       more ({@link #expireWhenResolved}).
 * </ul>
 *
 * <p>Every create, in-place update and expiry writes an audit row. Thread-safe: changes are
 * serialised in this process, and the store's conditional replace catches a change made by another
 * node meanwhile.
 */
public final class Silences {
  /** Default longest silence, unless {@code silences.max_duration} says otherwise. */
  public static final Duration DEFAULT_MAX_DURATION = Duration.ofDays(7);

  static final String TARGET = "silence";

  /** The actor of changes nobody asked for directly (expire-when-resolved). */
  public static final String SYSTEM = "system";

  private final SilenceStore store;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<Duration> maxDuration;
  private final Function<String, Set<String>> teamsOf;

  /** Without teams: every service is owned by no team, so only silences of every team mute. */
  public Silences(SilenceStore store, AuditLog audit, Clock clock,
      Supplier<Duration> maxDuration) {
    this(store, audit, clock, maxDuration, service -> Set.of());
  }

  /**
   * @param teamsOf the teams owning a service (from the config in force), which decide whether a
   *     team's silence may mute an alert of that service
   */
  public Silences(SilenceStore store, AuditLog audit, Clock clock,
      Supplier<Duration> maxDuration, Function<String, Set<String>> teamsOf) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.maxDuration = maxDuration;
    this.teamsOf = teamsOf;
  }

  private boolean mutes(Silence s, String service, Map<String, String> labels) {
    return s.matches(labels) && s.coversServiceOf(teamsOf.apply(service));
  }

  /** Creates a silence, or updates the one named by {@code request.id()}. */
  public synchronized SilenceResult save(SilenceRequest request, String actor) {
    Instant now = now();
    List<String> problems = request.problems(now, maxDuration.get());
    if (!problems.isEmpty()) {
      return new SilenceResult.Invalid(problems);
    }
    Instant startsAt = request.startsAt() == null ? now : request.startsAt();
    Silence prev = null;
    if (request.id() != null && !request.id().isEmpty()) {
      Optional<Silence> found = store.find(request.id());
      if (found.isEmpty()) {
        return new SilenceResult.NotFound(request.id());
      }
      prev = found.get();
      Silence next = new Silence(prev.id(), request.matchers(), startsAt, request.endsAt(),
          request.createdBy(), request.comment(), now, request.expireWhenResolved(),
          request.team());
      if (canUpdate(prev, next, now)) {
        if (!store.replace(next, prev.updatedAt())) {
          throw new ConcurrentChangeException(prev.id());
        }
        audit.record(new AuditLog.Entry(now, actor, "silence.update", TARGET, next.id(),
            details(next, null)));
        return new SilenceResult.Saved(next, null);
      }
    }
    String replaced = null;
    if (prev != null) {
      replaced = prev.id();
      if (prev.state(now) != SilenceState.EXPIRED) {
        expire(prev, now, actor, "replaced by a changed silence");
      }
    }
    Silence created = new Silence(Ids.newId(clock), request.matchers(),
        startsAt.isBefore(now) ? now : startsAt, request.endsAt(), request.createdBy(),
        request.comment(), now, request.expireWhenResolved(), request.team());
    store.insert(created);
    audit.record(new AuditLog.Entry(now, actor, "silence.create", TARGET, created.id(),
        details(created, replaced)));
    return new SilenceResult.Saved(created, replaced);
  }

  /** Ends a silence now. */
  public synchronized ExpireResult expire(String id, String actor) {
    Optional<Silence> found = store.find(id);
    if (found.isEmpty()) {
      return new ExpireResult.NotFound(id);
    }
    Instant now = now();
    Silence s = found.get();
    if (s.state(now) == SilenceState.EXPIRED) {
      return new ExpireResult.AlreadyExpired(s);
    }
    return new ExpireResult.Expired(expire(s, now, actor, null));
  }

  private Silence expire(Silence s, Instant now, String actor, String reason) {
    Instant start = s.state(now) == SilenceState.PENDING ? now : s.startsAt();
    Silence expired = s.withTimes(start, now, now);
    if (!store.replace(expired, s.updatedAt())) {
      throw new ConcurrentChangeException(s.id());
    }
    audit.record(new AuditLog.Entry(now, actor, "silence.expire", TARGET, s.id(),
        reason == null ? null : "{\"reason\":" + quote(reason) + "}"));
    return expired;
  }

  /**
   * Expire-when-resolved: told that these alerts have resolved, expires every active silence with
   * {@code expireWhenResolved} that matches one of them, unless some firing alert (of any service)
   * still matches it. A silence "mutes" an alert whenever it matches it while active, as in
   * Alertmanager's {@code silencedBy}, whether or not the alert had paged before the silence.
   *
   * <p>Idempotent: called again with the same alerts (the event processor replays a batch after
   * a crash), it finds those silences expired and does nothing. Reads the silences once, and the
   * firing alerts once and only if some silence is a candidate.
   *
   * @param resolved alerts that are resolved now
   * @param firing reads the firing alerts whose labels pass a filter ({@code AlertStore::firing})
   * @return the silences expired now
   */
  public synchronized List<Silence> expireWhenResolved(List<AlertLabels> resolved,
      Function<Predicate<Map<String, String>>, List<AlertLabels>> firing) {
    if (resolved.isEmpty()) {
      return List.of();
    }
    Instant now = now();
    List<Silence> candidates = new ArrayList<>();
    List<AlertLabels> cause = new ArrayList<>();
    for (Silence s : store.activeAt(now)) {
      if (s.expireWhenResolved() && s.state(now) == SilenceState.ACTIVE) {
        for (AlertLabels a : resolved) {
          if (mutes(s, a.service(), a.labels())) {
            candidates.add(s);
            cause.add(a);
            break;
          }
        }
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<AlertLabels> stillFiring = firing.apply(labels -> {
      for (Silence s : candidates) {
        if (s.matches(labels)) {
          return true;
        }
      }
      return false;
    });
    List<Silence> expired = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      Silence s = candidates.get(i);
      if (stillFiring.stream().anyMatch(a -> mutes(s, a.service(), a.labels()))) {
        continue;
      }
      AlertLabels a = cause.get(i);
      String reason = "expire when resolved: alert " + a.fingerprint() + " of service "
          + a.service() + " resolved and no firing alert matches the silence any more";
      try {
        expired.add(expire(s, now, SYSTEM, reason));
      } catch (ConcurrentChangeException e) {
        // Changed meanwhile (by a person, or by another node doing this same expiry): look again.
        Optional<Silence> again = store.find(s.id());
        if (again.isPresent() && again.get().expireWhenResolved()
            && again.get().state(now) == SilenceState.ACTIVE
            && again.get().matchers().equals(s.matchers())) {
          expired.add(expire(again.get(), now, SYSTEM, reason));
        }
      }
    }
    return expired;
  }

  public Optional<Silence> get(String id) {
    return store.find(id);
  }

  /**
   * All silences whose matchers include every filter matcher exactly (same name, operator and
   * value; Alertmanager's {@code CheckSilenceMatchesFilterLabels}), sorted like Alertmanager:
   * active (soonest end first), then pending (soonest start first), then expired (latest end
   * first).
   */
  public List<Silence> list(List<Matcher> filter) {
    Instant now = now();
    List<Silence> out = new ArrayList<>();
    for (Silence s : store.all()) {
      if (s.matchers().containsAll(filter)) {
        out.add(s);
      }
    }
    out.sort(order(now));
    return out;
  }

  /**
   * Ids of the active silences that mute an alert with these labels of a service no team owns
   * (so silences of every team only), sorted.
   */
  public List<String> isSilenced(Map<String, String> labels) {
    return snapshot().apply(null, labels);
  }

  /**
   * The silences active now, read once, as a function from an alert's service and labels to the
   * ids of the silences that mute it (sorted): for checking many alerts with one read. A team's
   * silence mutes only alerts of services that team owns.
   */
  public BiFunction<String, Map<String, String>, List<String>> snapshot() {
    Instant now = now();
    List<Silence> active = new ArrayList<>();
    for (Silence s : store.activeAt(now)) {
      if (s.state(now) == SilenceState.ACTIVE) {
        active.add(s);
      }
    }
    return (service, labels) -> {
      List<String> ids = new ArrayList<>();
      Set<String> owners = null;
      for (Silence s : active) {
        if (s.matches(labels)) {
          if (s.team() != null) {
            owners = owners == null ? teamsOf.apply(service) : owners;
            if (!owners.contains(s.team())) {
              continue;
            }
          }
          ids.add(s.id());
        }
      }
      ids.sort(Comparator.naturalOrder());
      return ids;
    };
  }

  public Instant now() {
    return clock.instant();
  }

  static Comparator<Silence> order(Instant now) {
    return (a, b) -> {
      SilenceState sa = a.state(now);
      SilenceState sb = b.state(now);
      if (sa != sb) {
        return Integer.compare(rank(sa), rank(sb));
      }
      return switch (sa) {
        case ACTIVE -> a.endsAt().compareTo(b.endsAt());
        case PENDING -> a.startsAt().compareTo(b.startsAt());
        case EXPIRED -> b.endsAt().compareTo(a.endsAt());
      };
    };
  }

  private static int rank(SilenceState s) {
    return switch (s) {
      case ACTIVE -> 0;
      case PENDING -> 1;
      case EXPIRED -> 2;
    };
  }

  /** Alertmanager's canUpdate: may {@code b} overwrite {@code a} without rewriting history? */
  static boolean canUpdate(Silence a, Silence b, Instant now) {
    if (!a.matchers().equals(b.matchers())) {
      return false;
    }
    return switch (a.state(now)) {
      case ACTIVE -> a.startsAt().getEpochSecond() == b.startsAt().getEpochSecond()
          && !b.endsAt().isBefore(now);
      case PENDING -> !b.startsAt().isBefore(now);
      case EXPIRED -> false;
    };
  }

  private static String details(Silence s, String replaces) {
    StringBuilder b = new StringBuilder("{\"matchers\":[");
    for (int i = 0; i < s.matchers().size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(quote(s.matchers().get(i).toString()));
    }
    b.append("],\"startsAt\":").append(quote(s.startsAt().toString()))
        .append(",\"endsAt\":").append(quote(s.endsAt().toString()))
        .append(",\"createdBy\":").append(quote(s.createdBy()))
        .append(",\"comment\":").append(quote(s.comment()));
    if (s.expireWhenResolved()) {
      b.append(",\"expireWhenResolved\":true");
    }
    if (s.team() != null) {
      b.append(",\"team\":").append(quote(s.team()));
    }
    if (replaces != null) {
      b.append(",\"replaces\":").append(quote(replaces));
    }
    return b.append('}').toString();
  }

  /** A JSON string literal (the domain has no JSON library; this is all it needs). */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Another node changed the silence between our read and our write; the client may retry. */
  public static final class ConcurrentChangeException extends RuntimeException {
    ConcurrentChangeException(String id) {
      super("silence " + id + " was changed at the same time by another request; retry");
    }
  }
}
