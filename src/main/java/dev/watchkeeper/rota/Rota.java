package dev.watchkeeper.rota;

import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.oncall.FinalSchedule;
import dev.watchkeeper.oncall.Layer;
import dev.watchkeeper.oncall.NightWindow;
import dev.watchkeeper.oncall.OnCall;
import dev.watchkeeper.oncall.Relief;
import dev.watchkeeper.oncall.Role;
import dev.watchkeeper.oncall.Schedule;
import dev.watchkeeper.oncall.ScheduleOverride;
import dev.watchkeeper.oncall.Shift;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who is on call, now or at any time: the schedules of the config in force, with the overrides
 * stored in the database and the reliefs of the recovery rule applied.
 *
 * <p><b>Reliefs are derived, not stored.</b> A relief is a night page (a row escalation wrote to
 * {@code incident_pages}) read with the paged user's zone and the night window of the config in
 * force. So there is no second record to keep in step with the pages across nodes, and a config
 * change applies at once: fixing a wrong {@code time_zone}, or {@code recovery.enabled: false} as
 * a kill switch. The incident timeline keeps what was decided at page time.
 *
 * <p><b>Overrides apply oldest first</b>, so a later one wins where two overlap. A role override
 * replaces the role over its range. A cover gives its user the shifts the absent user has, at the
 * time of asking, under the rotation and the older overrides: it follows config changes and
 * reliefs instead of freezing the shifts of the day it was made. An override whose user is no
 * longer in the config is ignored (listed with the reason) rather than paging an unknown id.
 *
 * <p>History is not rewritten: a new override starts at the earliest now, and removing a running
 * one ends it now.
 *
 * <p>Threading: changes are serialised in this process ({@code synchronized}); reads hold no lock
 * and read the setup and the store afresh each call, so a reload or another node's change applies
 * to the next call.
 */
public final class Rota {
  /** Longest override. */
  public static final Duration MAX_OVERRIDE = Duration.ofDays(90);
  /** How far ahead an override may start. */
  public static final Duration MAX_OVERRIDE_LEAD = Duration.ofDays(366);
  /** Most overrides of one schedule that have not ended. */
  public static final int MAX_PENDING_OVERRIDES = 500;
  /** Longest range of one shifts query. */
  public static final Duration MAX_RANGE = Duration.ofDays(366);
  /** How far ahead "on call until" looks; a shift that lasts longer shows no end. */
  public static final Duration LOOKAHEAD = Duration.ofDays(14);

  static final String TARGET = "schedule_override";

  /**
   * The config's part: schedules, users' zones (also the set of known users), and the recovery
   * rule.
   */
  public record Setup(List<Schedule> schedules, Map<String, ZoneId> users,
      boolean recoveryEnabled, NightWindow night) {
    public Setup {
      schedules = List.copyOf(schedules);
      users = Map.copyOf(users);
    }

    public Optional<Schedule> schedule(String id) {
      return schedules.stream().filter(s -> s.id().equals(id)).findFirst();
    }
  }

  /** Someone on call for a role at an instant, and until when (null: beyond the look-ahead). */
  public record Duty(String userId, Instant until) {}

  /** One schedule at one instant: who holds each role, and which of its people are relieved. */
  public record Status(Schedule schedule, Instant at, Optional<Duty> primary,
      Optional<Duty> secondary, List<Duty> shadows, List<Relief> relieved) {}

  /** A stored override, what it takes from now on, and why it is ignored, if it is. */
  public record OverrideView(StoredOverride override, List<Shift> shifts, String ignored) {}

  /** An override as asked for: either {@code role} or {@code coverFor} is set. */
  public record OverrideRequest(Role role, String userId, String coverFor, Instant start,
      Instant end) {}

  /** Outcome of {@link #addOverride}. */
  public sealed interface AddResult {
    /** Stored; {@code shifts} are what its user takes. */
    record Created(StoredOverride override, List<Shift> shifts) implements AddResult {}

    record NoSuchSchedule(String scheduleId) implements AddResult {}

    /** The request's own values are wrong (a bad range). */
    record Invalid(String reason) implements AddResult {}

    /** Well-formed, but it does not fit the people or the schedule as they are. */
    record Unprocessable(String reason) implements AddResult {}
  }

  /** Outcome of {@link #removeOverride}. */
  public sealed interface RemoveResult {
    /** It had not started: removed. */
    record Deleted(StoredOverride override) implements RemoveResult {}

    /** It was running: it ends now (the past stays as it was). */
    record Ended(StoredOverride override) implements RemoveResult {}

    record AlreadyEnded(StoredOverride override) implements RemoveResult {}

    record NotFound(String scheduleId, long id) implements RemoveResult {}
  }

  private final Supplier<Setup> setup;
  private final OverrideStore store;
  private final PageLog pages;
  private final AuditLog audit;
  private final Clock clock;

  public Rota(Supplier<Setup> setup, OverrideStore store, PageLog pages, AuditLog audit,
      Clock clock) {
    this.setup = setup;
    this.store = store;
    this.pages = pages;
    this.audit = audit;
    this.clock = clock;
  }

  public Instant now() {
    return clock.instant();
  }

  public Setup setup() {
    return setup.get();
  }

  // --- who is on call ---

  /** Every schedule at {@code at}, in config order. */
  public List<Status> onCall(Instant at) {
    Setup s = setup.get();
    Instant to = at.plus(LOOKAHEAD);
    List<Relief> reliefs = reliefs(s, at, to);
    Map<String, List<StoredOverride>> bySchedule = new HashMap<>();
    for (StoredOverride o : store.overlapping(at, to)) {
      bySchedule.computeIfAbsent(o.scheduleId(), k -> new ArrayList<>()).add(o);
    }
    List<Status> out = new ArrayList<>();
    for (Schedule schedule : s.schedules()) {
      out.add(status(s, schedule, bySchedule.getOrDefault(schedule.id(), List.of()), reliefs,
          at, to));
    }
    return out;
  }

  /** One schedule at {@code at}. */
  public Optional<Status> onCall(String scheduleId, Instant at) {
    Setup s = setup.get();
    Instant to = at.plus(LOOKAHEAD);
    return s.schedule(scheduleId).map(schedule -> status(s, schedule,
        store.overlapping(scheduleId, at, to), reliefs(s, at, to), at, to));
  }

  private Status status(Setup s, Schedule schedule, List<StoredOverride> overrides,
      List<Relief> reliefs, Instant at, Instant to) {
    FinalSchedule fs = build(s, schedule, overrides, reliefs, at, to).schedule();
    Map<Role, Optional<Duty>> duties = new LinkedHashMap<>();
    for (Role role : Role.values()) {
      List<Shift> shifts = fs.shifts(role, at, to);
      Optional<Duty> duty = Optional.empty();
      if (!shifts.isEmpty() && shifts.get(0).contains(at)) {
        Shift first = shifts.get(0);
        duty = Optional.of(new Duty(first.userId(), first.end().equals(to) ? null
            : first.end()));
      }
      duties.put(role, duty);
    }
    List<Relief> relieved = new ArrayList<>();
    for (Relief r : relievedAt(reliefs, at)) {
      if (involves(schedule, overrides, r.userId())) {
        relieved.add(r);
      }
    }
    return new Status(schedule, at, duties.get(Role.PRIMARY), duties.get(Role.SECONDARY),
        duties.get(Role.SHADOW).stream().toList(), relieved);
  }

  /**
   * Who a schedule target pages at {@code at}: the user on call for {@code role}, or for a
   * primary target with nobody on primary (all relieved, say), the secondary. Empty when nobody
   * is on call or the schedule is not in the config.
   */
  public List<String> resolve(String scheduleId, Role role, Instant at) {
    Setup s = setup.get();
    Optional<Schedule> schedule = s.schedule(scheduleId);
    if (schedule.isEmpty()) {
      return List.of();
    }
    Instant to = at.plusSeconds(1);
    OnCall who = build(s, schedule.get(), store.overlapping(scheduleId, at, to),
        reliefs(s, at, to), at, to).schedule().onCall(at);
    Optional<String> user = who.forRole(role);
    if (user.isEmpty() && role == Role.PRIMARY) {
      user = who.secondary();
    }
    return user.map(List::of).orElse(List.of());
  }

  /** The final schedule of {@code scheduleId} per role within {@code [from, to)}. */
  public Optional<Map<Role, List<Shift>>> shifts(String scheduleId, Instant from, Instant to) {
    checkRange(from, to);
    Setup s = setup.get();
    return s.schedule(scheduleId).map(schedule -> build(s, schedule,
        store.overlapping(scheduleId, from, to), reliefs(s, from, to), from, to).schedule()
        .shifts(from, to));
  }

  /** A user's shifts within {@code [from, to)} in every schedule, per schedule id (config order). */
  public Map<String, List<Shift>> shiftsOf(String userId, Instant from, Instant to) {
    checkRange(from, to);
    Setup s = setup.get();
    List<Relief> reliefs = reliefs(s, from, to);
    Map<String, List<StoredOverride>> bySchedule = new HashMap<>();
    for (StoredOverride o : store.overlapping(from, to)) {
      bySchedule.computeIfAbsent(o.scheduleId(), k -> new ArrayList<>()).add(o);
    }
    Map<String, List<Shift>> out = new LinkedHashMap<>();
    for (Schedule schedule : s.schedules()) {
      List<StoredOverride> overrides = bySchedule.getOrDefault(schedule.id(), List.of());
      if (!involves(schedule, overrides, userId)) {
        continue;
      }
      List<Shift> mine = new ArrayList<>();
      build(s, schedule, overrides, reliefs, from, to).schedule().shifts(from, to).values()
          .forEach(list -> list.stream().filter(sh -> sh.userId().equals(userId))
              .forEach(mine::add));
      mine.sort(Comparator.comparing(Shift::start).thenComparing(Shift::role));
      out.put(schedule.id(), List.copyOf(mine));
    }
    return out;
  }

  // --- the recovery rule ---

  /**
   * The end of the relief a page of {@code userId} at {@code pagedAt} starts, if the recovery rule
   * is on, it is night for them then, and they are in some schedule (a layer, or an override
   * running then); empty otherwise.
   */
  public Optional<Instant> reliefAfterPage(String userId, Instant pagedAt) {
    Setup s = setup.get();
    ZoneId zone = s.users().get(userId);
    if (!s.recoveryEnabled() || zone == null) {
      return Optional.empty();
    }
    Optional<Relief> relief = s.night().reliefAfterPage(userId, pagedAt, zone);
    if (relief.isEmpty()) {
      return Optional.empty();
    }
    boolean member = s.schedules().stream().anyMatch(sc -> inLayers(sc, userId))
        || store.overlapping(pagedAt, relief.get().until()).stream()
            .anyMatch(o -> o.userId().equals(userId) && s.schedule(o.scheduleId()).isPresent());
    return member ? Optional.of(relief.get().until()) : Optional.empty();
  }

  /** Every relief in force at {@code at}, one per user (overlapping ones merged), by user id. */
  public List<Relief> relieved(Instant at) {
    Setup s = setup.get();
    return relievedAt(reliefs(s, at, at.plusMillis(1)), at);
  }

  /** Reliefs from the night pages that can touch {@code [from, to)}. */
  private List<Relief> reliefs(Setup s, Instant from, Instant to) {
    if (!s.recoveryEnabled()) {
      return List.of();
    }
    List<Relief> out = new ArrayList<>();
    for (PageLog.Paged p : pages.between(from.minus(s.night().reliefLength()), to)) {
      ZoneId zone = s.users().get(p.userId());
      if (zone != null) {
        s.night().reliefAfterPage(p.userId(), p.at(), zone).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Per user, the union of their reliefs that contains {@code at}, if any, by user id. */
  private static List<Relief> relievedAt(List<Relief> reliefs, Instant at) {
    Map<String, List<Relief>> byUser = new HashMap<>();
    for (Relief r : reliefs) {
      byUser.computeIfAbsent(r.userId(), u -> new ArrayList<>()).add(r);
    }
    List<Relief> out = new ArrayList<>();
    for (Map.Entry<String, List<Relief>> e : byUser.entrySet()) {
      List<Relief> merged = new ArrayList<>();
      e.getValue().stream().sorted(Comparator.comparing(Relief::from)).forEach(r -> {
        Relief last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null && !r.from().isAfter(last.until())) {
          if (r.until().isAfter(last.until())) {
            merged.set(merged.size() - 1, new Relief(r.userId(), last.from(), r.until()));
          }
        } else {
          merged.add(r);
        }
      });
      merged.stream().filter(r -> r.covers(at)).findFirst().ifPresent(out::add);
    }
    out.sort(Comparator.comparing(Relief::userId));
    return out;
  }

  // --- overrides ---

  /** The overrides of a schedule that have not ended, oldest first; empty if no such schedule. */
  public Optional<List<OverrideView>> overrides(String scheduleId) {
    Setup s = setup.get();
    Optional<Schedule> schedule = s.schedule(scheduleId);
    if (schedule.isEmpty()) {
      return Optional.empty();
    }
    Instant now = now();
    // No override can end later than this.
    List<StoredOverride> rows = store.overlapping(scheduleId, now,
        now.plus(MAX_OVERRIDE_LEAD).plus(MAX_OVERRIDE));
    Instant to = now.plusMillis(1);
    for (StoredOverride o : rows) {
      if (o.end().isAfter(to)) {
        to = o.end();
      }
    }
    Built built = build(s, schedule.get(), rows, reliefs(s, now, to), now, to);
    List<OverrideView> out = new ArrayList<>();
    for (StoredOverride o : rows) {
      List<Shift> shifts = new ArrayList<>();
      for (ScheduleOverride so : built.applied().getOrDefault(o.id(), List.of())) {
        shifts.add(new Shift(so.role(), so.userId(), so.start(), so.end()));
      }
      out.add(new OverrideView(o, shifts, ignored(s, o)));
    }
    return Optional.of(out);
  }

  /**
   * Stores an override after checking it: a range that ends after now, at most
   * {@link #MAX_OVERRIDE} long, starting at most {@link #MAX_OVERRIDE_LEAD} ahead; known users;
   * for a cover, an absent user who is on call somewhere in the range. A start in the past
   * becomes now. Audited as {@code schedule_override.create}.
   */
  public synchronized AddResult addOverride(String scheduleId, OverrideRequest r, String actor) {
    Setup s = setup.get();
    Optional<Schedule> schedule = s.schedule(scheduleId);
    if (schedule.isEmpty()) {
      return new AddResult.NoSuchSchedule(scheduleId);
    }
    Instant now = now().truncatedTo(ChronoUnit.MILLIS);
    Instant end = r.end().truncatedTo(ChronoUnit.MILLIS);
    Instant start = r.start().truncatedTo(ChronoUnit.MILLIS);
    if (!end.isAfter(start)) {
      return new AddResult.Invalid("end (" + end + ") must be after start (" + start + ")");
    }
    if (!end.isAfter(now)) {
      return new AddResult.Invalid("the override ends at " + end + ", which is past; only"
          + " current and future shifts can be overridden");
    }
    if (start.isBefore(now)) {
      start = now; // the past stays as it was
    }
    if (Duration.between(start, end).compareTo(MAX_OVERRIDE) > 0) {
      return new AddResult.Invalid("an override lasts at most " + MAX_OVERRIDE.toDays()
          + " days; this one lasts " + human(Duration.between(start, end))
          + " (make several)");
    }
    if (Duration.between(now, start).compareTo(MAX_OVERRIDE_LEAD) > 0) {
      return new AddResult.Invalid("an override may start at most " + MAX_OVERRIDE_LEAD.toDays()
          + " days ahead; this one starts " + start);
    }
    if (!s.users().containsKey(r.userId())) {
      return new AddResult.Unprocessable("unknown user \"" + r.userId() + "\" (users come from"
          + " the config)");
    }
    if (r.coverFor() != null) {
      if (!s.users().containsKey(r.coverFor())) {
        return new AddResult.Unprocessable("unknown user \"" + r.coverFor() + "\" to cover for"
            + " (users come from the config)");
      }
      if (r.coverFor().equals(r.userId())) {
        return new AddResult.Unprocessable(r.userId() + " cannot cover for themselves");
      }
    }
    if (store.countEndingAfter(scheduleId, now) >= MAX_PENDING_OVERRIDES) {
      return new AddResult.Unprocessable("schedule " + scheduleId + " already has "
          + MAX_PENDING_OVERRIDES + " current or future overrides, the most allowed; remove"
          + " some first");
    }
    StoredOverride o;
    List<Shift> shifts;
    if (r.coverFor() != null) {
      Built built = build(s, schedule.get(), store.overlapping(scheduleId, start, end),
          reliefs(s, start, end), start, end);
      shifts = new ArrayList<>();
      for (ScheduleOverride so : built.schedule().coverFor(r.coverFor(), r.userId(), start,
          end)) {
        shifts.add(new Shift(so.role(), so.userId(), so.start(), so.end()));
      }
      if (shifts.isEmpty()) {
        return new AddResult.Unprocessable(r.coverFor() + " is not on call in schedule "
            + scheduleId + " between " + start + " and " + end + "; there is nothing to cover");
      }
      o = store.insert(StoredOverride.cover(scheduleId, r.coverFor(), r.userId(), start, end,
          now, actor));
    } else {
      o = store.insert(StoredOverride.role(scheduleId, r.role(), r.userId(), start, end, now,
          actor));
      shifts = List.of(new Shift(r.role(), r.userId(), start, end));
    }
    audit.record(new AuditLog.Entry(now, actor, "schedule_override.create", TARGET,
        Long.toString(o.id()), details(o, null)));
    return new AddResult.Created(o, List.copyOf(shifts));
  }

  /**
   * Removes an override that has not started, or ends a running one now (audited as
   * {@code schedule_override.delete} or {@code .end}); one that has ended stays as history.
   */
  public synchronized RemoveResult removeOverride(String scheduleId, long id, String actor) {
    Optional<StoredOverride> found = store.find(scheduleId, id);
    if (found.isEmpty() || setup.get().schedule(scheduleId).isEmpty()) {
      return new RemoveResult.NotFound(scheduleId, id);
    }
    StoredOverride o = found.get();
    Instant now = now().truncatedTo(ChronoUnit.MILLIS);
    if (!o.end().isAfter(now)) {
      return new RemoveResult.AlreadyEnded(o);
    }
    if (!o.start().isBefore(now)) {
      if (!store.delete(scheduleId, id)) {
        return new RemoveResult.NotFound(scheduleId, id);
      }
      audit.record(new AuditLog.Entry(now, actor, "schedule_override.delete", TARGET,
          Long.toString(id), details(o, null)));
      return new RemoveResult.Deleted(o);
    }
    if (!store.end(scheduleId, id, o.end(), now)) {
      // Ended or removed meanwhile (another node): report what is there now.
      Optional<StoredOverride> again = store.find(scheduleId, id);
      return again.isEmpty() ? new RemoveResult.NotFound(scheduleId, id)
          : new RemoveResult.AlreadyEnded(again.get());
    }
    audit.record(new AuditLog.Entry(now, actor, "schedule_override.end", TARGET,
        Long.toString(id), details(o, now)));
    return new RemoveResult.Ended(o.withEnd(now));
  }

  // --- building the final schedule ---

  /** A final schedule and, per stored override id, the engine overrides it became. */
  private record Built(FinalSchedule schedule, Map<Long, List<ScheduleOverride>> applied) {}

  /**
   * The final schedule for queries within {@code [from, to)} only: overrides are clipped to the
   * range, and a cover's shifts are computed within it (the same shifts, clipped, as over its
   * whole range, since a cover only touches the time it covers).
   */
  private Built build(Setup s, Schedule schedule, List<StoredOverride> rows,
      List<Relief> reliefs, Instant from, Instant to) {
    List<ScheduleOverride> applied = new ArrayList<>();
    Map<Long, List<ScheduleOverride>> byRow = new HashMap<>();
    for (StoredOverride o : rows) {
      Instant a = o.start().isAfter(from) ? o.start() : from;
      Instant b = o.end().isBefore(to) ? o.end() : to;
      if (!a.isBefore(b) || ignored(s, o) != null) {
        continue;
      }
      List<ScheduleOverride> made = o.isCover()
          ? schedule.finalSchedule(applied, reliefs).coverFor(o.coverFor(), o.userId(), a, b)
          : List.of(new ScheduleOverride(o.role(), o.userId(), a, b));
      applied.addAll(made);
      byRow.put(o.id(), made);
    }
    return new Built(schedule.finalSchedule(applied, reliefs), byRow);
  }

  private static String ignored(Setup s, StoredOverride o) {
    return s.users().containsKey(o.userId()) ? null
        : "user \"" + o.userId() + "\" is no longer in the config";
  }

  private static boolean inLayers(Schedule schedule, String userId) {
    for (Layer l : schedule.layers()) {
      if (l.members().contains(userId)) {
        return true;
      }
    }
    return false;
  }

  private static boolean involves(Schedule schedule, List<StoredOverride> overrides,
      String userId) {
    return inLayers(schedule, userId)
        || overrides.stream().anyMatch(o -> o.userId().equals(userId));
  }

  private static void checkRange(Instant from, Instant to) {
    if (!to.isAfter(from) || Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") must be non-empty and"
          + " at most " + MAX_RANGE.toDays() + " days");
    }
  }

  private static String details(StoredOverride o, Instant endedAt) {
    StringBuilder b = new StringBuilder("{\"schedule\":").append(quote(o.scheduleId()));
    if (o.isCover()) {
      b.append(",\"cover\":").append(quote(o.coverFor()));
    } else {
      b.append(",\"role\":").append(quote(o.role().name().toLowerCase(java.util.Locale.ROOT)));
    }
    b.append(",\"user\":").append(quote(o.userId()))
        .append(",\"start\":").append(quote(o.start().toString()))
        .append(",\"end\":").append(quote(o.end().toString()));
    if (endedAt != null) {
      b.append(",\"ended_at\":").append(quote(endedAt.toString()));
    }
    return b.append('}').toString();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  static String human(Duration d) {
    long hours = d.toHours();
    if (hours >= 48) {
      return hours / 24 + " days" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
    }
    return hours > 0 ? hours + " h" : d.toMinutes() + " min";
  }
}
