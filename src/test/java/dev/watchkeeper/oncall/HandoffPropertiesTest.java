package dev.watchkeeper.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Properties of rotations over zones with unusual DST (30-minute in Lord Howe, a skipped day in
 * Apia, none but an odd offset in Kathmandu), start dates in 2011–2035 (half of them just before
 * a transition of the zone), random rotation kinds, lengths, handoff times and member counts.
 *
 * <p>Notation: turn {@code k} is {@code [h_k, h_{k+1})}; {@code L_k} is the local date-time of
 * handoff {@code k} by the rotation's definition, computed here independently of the engine
 * ({@code L_0} is the layer start). Hourly rotations have no {@code L_k} for {@code k > 0}: they
 * hand off every n elapsed hours.
 */
class HandoffPropertiesTest {
  static final int TRIES = 1000;
  static final Instant BEFORE_ALL = Instant.parse("2000-01-01T00:00:00Z");
  static final List<String> ZONES = List.of("America/Chicago", "Europe/London",
      "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu");
  static final LocalDate FIRST_DAY = LocalDate.of(2011, 1, 1);
  static final LocalDate LAST_DAY = LocalDate.of(2035, 12, 31);
  // Handoff times near the transitions of the five zones (gaps at 01:00, 02:00, 03:00 local...).
  static final List<LocalTime> EDGY_TIMES = List.of(LocalTime.MIDNIGHT, LocalTime.of(0, 30),
      LocalTime.of(1, 0), LocalTime.of(1, 30), LocalTime.of(1, 45), LocalTime.of(2, 0),
      LocalTime.of(2, 15), LocalTime.of(2, 30), LocalTime.of(3, 0), LocalTime.of(3, 30),
      LocalTime.of(9, 0), LocalTime.of(23, 30));

  /** One generated layer and query window. */
  record Case(ZoneId zone, Rotation rotation, LocalDateTime start, LocalTime handoffTime,
      int memberCount, Instant from, Instant to) {

    List<String> members() {
      return IntStream.range(0, memberCount).mapToObj(i -> "u" + i).toList();
    }

    Schedule schedule() {
      return Schedule.of("p", "Property", zone.getId(), List.of(
          Layer.of(Role.PRIMARY, rotation, members(), start).withHandoffTime(handoffTime)));
    }

    @Override
    public String toString() {
      return zone + " " + rotation + " start " + start + " handoff " + handoffTime + " members "
          + memberCount + " window [" + from + ", " + to + ")";
    }
  }

  /**
   * Half of the cases are aimed at a random transition of the zone in 2011–2035: the handoff time
   * usually lies in its gap or fold, the start is 0–2 turns before the transition day, and the
   * window spans it. The other half are uniform over the years.
   */
  static Case generate(SplittableRandom r) {
    ZoneId zone = ZoneId.of(ZONES.get(r.nextInt(ZONES.size())));
    Rotation rotation = switch (r.nextInt(4)) {
      case 0 -> Rotation.hourly(r.nextInt(1, 49));
      case 1 -> Rotation.daily(r.nextInt(1, 15));
      case 2 -> Rotation.weekly(r.nextInt(1, 5));
      default -> Rotation.custom(switch (r.nextInt(4)) {
        case 0 -> "FREQ=DAILY;INTERVAL=" + r.nextInt(1, 4);
        case 1 -> "FREQ=WEEKLY;BYDAY=MO,TH";
        case 2 -> "FREQ=HOURLY" + (r.nextBoolean() ? "" : ";INTERVAL=" + r.nextInt(2, 13));
        default -> "FREQ=MONTHLY;BYMONTHDAY=1";
      });
    };
    int stepDays = stepDays(rotation);
    LocalTime handoff = r.nextBoolean()
        ? EDGY_TIMES.get(r.nextInt(EDGY_TIMES.size()))
        : LocalTime.of(r.nextInt(24), r.nextInt(60));
    ZoneOffsetTransition transition = r.nextBoolean() ? randomTransition(zone, r) : null;
    LocalDate day;
    if (transition != null) {
      // The affected local times: [before, after) for a gap, [after, before) for a fold.
      LocalDateTime edge = transition.isGap()
          ? transition.getDateTimeBefore() : transition.getDateTimeAfter();
      long minutes = Math.abs(transition.getDuration().toMinutes());
      if (r.nextInt(4) > 0) {
        // Often exactly the first affected minute: a local-hourly rule then hands off in the gap
        // and again at its end, the same instant.
        handoff = edge.plusMinutes(r.nextInt(3) == 0 ? 0 : r.nextLong(minutes)).toLocalTime();
      }
      day = edge.toLocalDate().minusDays((long) stepDays * r.nextInt(3));
    } else {
      day = FIRST_DAY.plusDays(r.nextLong(FIRST_DAY.until(LAST_DAY, ChronoUnit.DAYS)));
    }
    // Mostly a regular start at the handoff time; sometimes an irregular first turn.
    LocalDateTime start = r.nextInt(5) > 0
        ? day.atTime(handoff)
        : day.atTime(r.nextInt(24), r.nextInt(60));
    Instant h0 = start.atZone(zone).toInstant();
    Instant from;
    Duration length;
    if (transition != null) {
      from = h0.plus(Duration.ofMinutes(r.nextLong(-24 * 60, 24 * 60)));
      length = Duration.ofDays(r.nextInt(3 * stepDays + 2, 3 * stepDays + 40));
    } else {
      int where = r.nextInt(20);
      from = where < 3
          ? h0.minus(Duration.ofMinutes(r.nextLong(5 * 24 * 60)))
          : h0.plus(Duration.ofMinutes(r.nextLong((where < 15 ? 30 : 400) * 24 * 60L)));
      length = r.nextInt(20) < 17
          ? Duration.ofMinutes(r.nextLong(1, 60 * 24 * 60))
          : Duration.ofDays(366);
    }
    return new Case(zone, rotation, start, handoff, r.nextInt(1, 7), from, from.plus(length));
  }

  static int stepDays(Rotation rotation) {
    if (rotation instanceof Rotation.Daily d) {
      return d.days();
    }
    if (rotation instanceof Rotation.Weekly w) {
      return 7 * w.weeks();
    }
    if (rotation instanceof Rotation.Custom c && c.rrule().startsWith("FREQ=DAILY;INTERVAL=")) {
      return Integer.parseInt(c.rrule().substring("FREQ=DAILY;INTERVAL=".length()));
    }
    return rotation instanceof Rotation.Custom c && c.rrule().contains("WEEKLY") ? 7 : 1;
  }

  /** A random transition of the zone in 2011–2035, or null for a zone without any there. */
  static ZoneOffsetTransition randomTransition(ZoneId zone, SplittableRandom r) {
    long span = FIRST_DAY.until(LAST_DAY, ChronoUnit.DAYS);
    Instant probe = FIRST_DAY.plusDays(r.nextLong(span)).atStartOfDay(ZoneOffset.UTC).toInstant();
    ZoneOffsetTransition t = zone.getRules().nextTransition(probe);
    if (t == null || t.getDateTimeBefore().toLocalDate().isAfter(LAST_DAY)) {
      t = zone.getRules().previousTransition(probe);
    }
    if (t == null || t.getDateTimeBefore().toLocalDate().isBefore(FIRST_DAY)) {
      return null;
    }
    return t;
  }

  /** L_0, L_1, ... by the rotation's definition; null for hourly rotations. */
  static Iterator<LocalDateTime> expectedLocalHandoffs(Case c) {
    LocalDateTime anchor = c.start().toLocalDate().atTime(c.handoffTime());
    List<LocalDateTime> first = new ArrayList<>(List.of(c.start()));
    java.util.function.LongFunction<LocalDateTime> candidate;
    if (c.rotation() instanceof Rotation.Hourly) {
      return null;
    } else if (c.rotation() instanceof Rotation.Daily d) {
      candidate = j -> anchor.plusDays(j * d.days());
    } else if (c.rotation() instanceof Rotation.Weekly w) {
      candidate = j -> anchor.plusWeeks(j * w.weeks());
    } else {
      String rule = ((Rotation.Custom) c.rotation()).rrule();
      if (rule.startsWith("FREQ=DAILY;INTERVAL=")) {
        int i = Integer.parseInt(rule.substring(rule.indexOf('=', 11) + 1));
        candidate = j -> anchor.plusDays(j * i);
      } else if (rule.startsWith("FREQ=HOURLY")) {
        int i = rule.contains("INTERVAL=")
            ? Integer.parseInt(rule.substring(rule.indexOf("INTERVAL=") + 9)) : 1;
        candidate = j -> anchor.plusHours(j * i); // local wall-clock hours
      } else if (rule.equals("FREQ=WEEKLY;BYDAY=MO,TH")) {
        // Day j of a sequence that lists only Mondays and Thursdays from the anchor's week on.
        LocalDateTime monday = anchor.minusDays(anchor.getDayOfWeek().getValue() - 1);
        candidate = j -> monday.plusWeeks(j / 2).plusDays(j % 2 == 0 ? 0 : 3);
      } else {
        candidate = j -> anchor.withDayOfMonth(1).plusMonths(j);
      }
    }
    return new Iterator<>() {
      long j = 0;
      boolean startGiven = false;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public LocalDateTime next() {
        if (!startGiven) {
          startGiven = true;
          return first.get(0);
        }
        while (true) {
          LocalDateTime next = candidate.apply(j++);
          if (next.isAfter(c.start())) {
            return next;
          }
        }
      }
    };
  }

  /** The engine's raw turns from the one containing {@code from} until the window ends. */
  static List<Turn> rawTurns(Case c, Schedule s) {
    List<Turn> turns = new ArrayList<>();
    Iterator<Turn> it = s.compiledLayers().get(0).handoffs().turnsFrom(c.from());
    while (it.hasNext()) {
      Turn t = it.next();
      if (!t.start().isBefore(c.to()) && !turns.isEmpty()) {
        break;
      }
      turns.add(t);
      if (!t.start().isBefore(c.to())) {
        break;
      }
    }
    return turns;
  }

  /** The expected local handoffs {@code L_k} for k in {@code [first, last + 1]}, by index. */
  static List<LocalDateTime> expectedLocals(Case c, long first, long last) {
    Iterator<LocalDateTime> it = expectedLocalHandoffs(c);
    List<LocalDateTime> out = new ArrayList<>();
    for (long k = 0; k <= last + 1; k++) {
      LocalDateTime l = it.next();
      if (k >= first) {
        out.add(l);
      }
    }
    return out;
  }

  static boolean inGap(LocalDateTime local, ZoneId zone) {
    return zone.getRules().getValidOffsets(local).isEmpty();
  }

  /**
   * (c) {@code h} is at local time {@code l}: if {@code l} exists, {@code h} is its instant at the
   * earlier offset; if {@code l} is in a gap, {@code h} is the transition that ends the gap (local
   * time jumps from before {@code l} to after it at {@code h}).
   */
  static void assertHandoffAt(Instant h, LocalDateTime l, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    if (inGap(l, zone)) {
      assertThat(h.minusNanos(1).atZone(zone).toLocalDateTime()).as("local before h").isBefore(l);
      assertThat(h.atZone(zone).toLocalDateTime()).as("local at h").isAfter(l);
      assertThat(rules.getOffset(h)).as("offset changes at h")
          .isNotEqualTo(rules.getOffset(h.minusNanos(1)));
    } else {
      assertThat(h).as("handoff for " + l)
          .isEqualTo(l.atZone(zone).withEarlierOffsetAtOverlap().toInstant());
    }
  }

  @Test
  void unrestrictedLayerLeavesNoGapInItsCoverage() {
    Property.forAll(TRIES, HandoffPropertiesTest::generate, c -> {
      Schedule s = c.schedule();
      Instant h0 = s.compiledLayers().get(0).handoffs().turnsFrom(BEFORE_ALL)
          .next().start();
      List<Shift> shifts = s.finalSchedule().shifts(Role.PRIMARY, c.from(), c.to());

      Instant coveredFrom = h0.isAfter(c.from()) ? h0 : c.from();
      if (!coveredFrom.isBefore(c.to())) {
        assertThat(shifts).isEmpty();
        return;
      }
      assertThat(shifts).isNotEmpty();
      assertThat(shifts.get(0).start()).isEqualTo(coveredFrom);
      assertThat(shifts.get(shifts.size() - 1).end()).isEqualTo(c.to());
      for (int i = 1; i < shifts.size(); i++) {
        assertThat(shifts.get(i).start()).as("shift %d starts where %d ends", i, i - 1)
            .isEqualTo(shifts.get(i - 1).end());
      }
    });
  }

  /**
   * (b) Exactly: consecutive raw turns are numbered k, k+1 and touch ({@code end_k ==
   * start_{k+1}}); handoffs never go backwards ({@code h_{k+1} >= h_k}); {@code h_{k+1} == h_k}
   * only when {@code L_k} lies in a DST gap (never for hourly rotations, never because of an
   * ambiguous local time). The final shifts are non-empty, sorted and pairwise disjoint, and two
   * touching shifts never have the same user.
   */
  @Test
  void shiftsNeverOverlapAndHandoffsCoincideOnlyWhenTheEarlierFellInAGap() {
    Property.forAll(TRIES, HandoffPropertiesTest::generate, c -> {
      Schedule s = c.schedule();
      List<Turn> turns = rawTurns(c, s);
      List<LocalDateTime> locals = expectedLocalHandoffs(c) == null ? null
          : expectedLocals(c, turns.get(0).index(), turns.get(turns.size() - 1).index());
      for (int i = 0; i < turns.size(); i++) {
        Turn t = turns.get(i);
        assertThat(t.end()).as("turn %d end", t.index()).isAfterOrEqualTo(t.start());
        if (i > 0) {
          assertThat(t.index()).isEqualTo(turns.get(i - 1).index() + 1);
          assertThat(t.start()).isEqualTo(turns.get(i - 1).end());
        }
        if (t.end().equals(t.start())) {
          assertThat(locals).as("hourly turns are never empty").isNotNull();
          assertThat(inGap(locals.get(i), c.zone()))
              .as("empty turn %d: L_k %s is in a gap", t.index(), locals.get(i)).isTrue();
        }
      }
      List<Shift> shifts = s.finalSchedule().shifts(Role.PRIMARY, c.from(), c.to());
      for (int i = 0; i < shifts.size(); i++) {
        assertThat(shifts.get(i).end()).isAfter(shifts.get(i).start());
        if (i > 0) {
          Shift prev = shifts.get(i - 1);
          assertThat(shifts.get(i).start()).isAfterOrEqualTo(prev.end());
          if (shifts.get(i).start().equals(prev.end())) {
            assertThat(shifts.get(i).userId()).isNotEqualTo(prev.userId());
          }
        }
      }
    });
  }

  /**
   * (c) Every handoff {@code h_k} in the window is at its local time {@code L_k} (at the earlier
   * offset if ambiguous) or, when {@code L_k} fell in a gap, at the first instant after the gap.
   * For hourly rotations: {@code h_0} obeys the same rule for the start, and {@code h_k = h_0 +
   * k·n} elapsed hours.
   */
  @Test
  void handoffsAreAtTheirLocalTimeOrAtTheEndOfTheGapItFellIn() {
    Property.forAll(TRIES, HandoffPropertiesTest::generate, c -> {
      Schedule s = c.schedule();
      List<Turn> turns = rawTurns(c, s);
      if (c.rotation() instanceof Rotation.Hourly h) {
        Instant h0 = s.compiledLayers().get(0).handoffs().turnsFrom(BEFORE_ALL)
            .next().start();
        assertHandoffAt(h0, c.start(), c.zone());
        for (Turn t : turns) {
          assertThat(t.start()).isEqualTo(h0.plus(Duration.ofHours(t.index() * h.hours())));
        }
        return;
      }
      List<LocalDateTime> locals =
          expectedLocals(c, turns.get(0).index(), turns.get(turns.size() - 1).index());
      for (int i = 0; i < turns.size(); i++) {
        assertHandoffAt(turns.get(i).start(), locals.get(i), c.zone());
        if (!c.start().toLocalTime().equals(c.handoffTime()) || turns.get(i).index() == 0) {
          continue;
        }
        // The configured time of day, unless moved to the end of a gap.
        LocalTime local = turns.get(i).start().atZone(c.zone()).toLocalTime();
        if (!inGap(locals.get(i), c.zone())
            && !(c.rotation() instanceof Rotation.Custom r && r.rrule().contains("HOURLY"))) {
          assertThat(local).isEqualTo(c.handoffTime());
        }
      }
    });
  }

  /** (d) Every non-empty turn k in the window is member {@code k mod n}'s in the final schedule. */
  @Test
  void turnKGoesToMemberKModN() {
    Property.forAll(TRIES, HandoffPropertiesTest::generate, c -> {
      Schedule s = c.schedule();
      List<Turn> turns = rawTurns(c, s);
      if (expectedLocalHandoffs(c) != null) {
        // Anchor the engine's numbering independently: turn k starts at L_k's instant.
        List<LocalDateTime> locals = expectedLocals(c, turns.get(0).index(),
            turns.get(0).index());
        assertHandoffAt(turns.get(0).start(), locals.get(0), c.zone());
      }
      List<Shift> shifts = s.finalSchedule().shifts(Role.PRIMARY, c.from(), c.to());
      int step = Math.max(1, turns.size() / 60);
      for (int i = 0; i < turns.size(); i += step) {
        Turn t = turns.get(i);
        Instant at = t.start().isAfter(c.from()) ? t.start() : c.from();
        if (!at.isBefore(t.end()) || !at.isBefore(c.to())) {
          continue;
        }
        String expected = c.members().get((int) (t.index() % c.memberCount()));
        assertThat(userAt(shifts, at)).as("turn %d at %s", t.index(), at).isEqualTo(expected);
      }
    });
  }

  /**
   * Reliefs: a relieved user is never on call while relieved, and while at least one member is
   * not relieved an unrestricted layer still leaves no gap.
   */
  @Test
  void relievedUsersAreSkippedWithoutOpeningAGap() {
    Property.forAll(TRIES / 2, r -> {
      Case c = generate(r);
      List<Relief> reliefs = new ArrayList<>();
      Duration window = Duration.between(c.from(), c.to());
      for (int i = 0; i < c.memberCount() - 1; i++) {
        if (r.nextBoolean()) {
          Instant from = c.from().plus(window.multipliedBy(r.nextInt(100)).dividedBy(100));
          reliefs.add(new Relief("u" + i, from, from.plus(Duration.ofHours(r.nextInt(1, 72)))));
        }
      }
      return new Object[] {c, reliefs};
    }, example -> {
      Case c = (Case) example[0];
      @SuppressWarnings("unchecked")
      List<Relief> reliefs = (List<Relief>) example[1];
      Schedule s = c.schedule();
      List<Shift> plain = s.finalSchedule().shifts(Role.PRIMARY, c.from(), c.to());
      List<Shift> relieved = s.finalSchedule(List.of(), reliefs)
          .shifts(Role.PRIMARY, c.from(), c.to());
      for (Shift shift : relieved) {
        for (Relief relief : reliefs) {
          if (relief.userId().equals(shift.userId())) {
            assertThat(shift.start().isBefore(relief.until())
                && relief.from().isBefore(shift.end()))
                .as("%s overlaps %s", shift, relief).isFalse();
          }
        }
      }
      // The last member is never relieved, so coverage is exactly that without reliefs.
      assertThat(relieved.isEmpty()).isEqualTo(plain.isEmpty());
      if (!plain.isEmpty()) {
        assertThat(relieved.get(0).start()).isEqualTo(plain.get(0).start());
        assertThat(relieved.get(relieved.size() - 1).end()).isEqualTo(c.to());
        for (int i = 1; i < relieved.size(); i++) {
          assertThat(relieved.get(i).start()).isEqualTo(relieved.get(i - 1).end());
        }
      }
    });
  }

  static String userAt(List<Shift> shifts, Instant at) {
    int lo = 0;
    int hi = shifts.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Shift s = shifts.get(mid);
      if (s.end().compareTo(at) <= 0) {
        lo = mid + 1;
      } else if (s.start().isAfter(at)) {
        hi = mid - 1;
      } else {
        return s.userId();
      }
    }
    return null;
  }
}
