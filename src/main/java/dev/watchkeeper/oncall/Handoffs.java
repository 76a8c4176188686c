package dev.watchkeeper.oncall;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * The handoff instants of one layer's rotation. Immutable and thread-safe: every call starts its
 * own iteration.
 */
abstract sealed class Handoffs {

  /** Far enough to mean "never" and still be an {@link Instant}. */
  static final Instant NEVER = Instant.MAX;

  /**
   * The turns in order, starting with the one that contains {@code from} (turn 0 when {@code
   * from} is before the first handoff). The iterator is unbounded: callers stop at their range end.
   */
  abstract Iterator<Turn> turnsFrom(Instant from);

  static Handoffs of(Rotation rotation, LocalDateTime start, LocalTime handoffTime, ZoneId zone) {
    if (rotation instanceof Rotation.Hourly h) {
      return new Fixed(LocalTimes.resolve(start, zone), Duration.ofHours(h.hours()));
    }
    if (rotation instanceof Rotation.Daily d) {
      return new Calendar(start, handoffTime, d.days(), zone);
    }
    if (rotation instanceof Rotation.Weekly w) {
      return new Calendar(start, handoffTime, 7L * w.weeks(), zone);
    }
    return new Rrule(((Rotation.Custom) rotation).rrule(), start, handoffTime, zone);
  }

  /** Handoffs with random access, so finding the turn at an instant is arithmetic, not a scan. */
  abstract static sealed class Indexed extends Handoffs {
    abstract Instant handoff(long k);

    /** A guess near the index of the turn containing {@code t}; corrected by the caller. */
    abstract long estimate(Instant t);

    @Override
    final Iterator<Turn> turnsFrom(Instant from) {
      long k = 0;
      if (!from.isBefore(handoff(0))) {
        k = Math.max(0, estimate(from));
        while (k > 0 && handoff(k).isAfter(from)) {
          k--;
        }
        while (!handoff(k + 1).isAfter(from)) {
          k++;
        }
      }
      long first = k;
      return new Iterator<>() {
        long index = first;
        Instant start = handoff(first);

        @Override
        public boolean hasNext() {
          return true;
        }

        @Override
        public Turn next() {
          Instant end = handoff(index + 1);
          Turn turn = new Turn(index, start, end);
          index++;
          start = end;
          return turn;
        }
      };
    }
  }

  /** {@code hourly(n)}: handoff k is k·n elapsed hours after the first. */
  static final class Fixed extends Indexed {
    private final Instant first;
    private final Duration turn;

    Fixed(Instant first, Duration turn) {
      this.first = first;
      this.turn = turn;
    }

    @Override
    Instant handoff(long k) {
      return first.plus(turn.multipliedBy(k));
    }

    @Override
    long estimate(Instant t) {
      return Duration.between(first, t).dividedBy(turn);
    }
  }

  /**
   * {@code daily(n)} and {@code weekly(n)}: the handoff grid is the handoff time on the start's
   * date plus multiples of n days (or weeks); handoff k ≥ 1 is the k-th grid point strictly after
   * the start, the same rule as for a custom RRULE (whose DTSTART is that first grid point).
   */
  static final class Calendar extends Indexed {
    private final LocalDateTime start;
    private final LocalDateTime anchor;
    private final long stepDays;
    // 1 when the first grid point is still ahead of the start (start before the handoff time).
    private final long shift;
    private final ZoneId zone;

    Calendar(LocalDateTime start, LocalTime handoffTime, long stepDays, ZoneId zone) {
      this.start = start;
      this.anchor = start.toLocalDate().atTime(handoffTime);
      this.stepDays = stepDays;
      this.shift = anchor.isAfter(start) ? 1 : 0;
      this.zone = zone;
    }

    LocalDateTime local(long k) {
      return k == 0 ? start : anchor.plusDays((k - shift) * stepDays);
    }

    @Override
    Instant handoff(long k) {
      return LocalTimes.resolve(local(k), zone);
    }

    @Override
    long estimate(Instant t) {
      LocalDate date = t.atZone(zone).toLocalDate();
      return ChronoUnit.DAYS.between(anchor.toLocalDate(), date) / stepDays + shift;
    }
  }

  /**
   * {@code custom(RRULE)}: handoff k ≥ 1 is the k-th occurrence strictly after the start. The rule
   * is expanded in floating local time with DTSTART at the handoff time on the start's date, then
   * each occurrence is resolved in the zone. Finding the turn at an instant scans from the start
   * (the turn index is a count of occurrences); lib-recur expands several million occurrences a
   * second, so even an hourly rule started decades ago costs tens of milliseconds.
   */
  static final class Rrule extends Handoffs {
    private final String rrule;
    private final LocalDateTime start;
    private final LocalTime handoffTime;
    private final ZoneId zone;

    Rrule(String rrule, LocalDateTime start, LocalTime handoffTime, ZoneId zone) {
      this.rrule = rrule;
      this.start = start;
      this.handoffTime = handoffTime;
      this.zone = zone;
    }

    /** Parses the rule, rejecting what a rotation cannot use; null when it is fine. */
    static String problem(String rrule, LocalDateTime start, LocalTime handoffTime) {
      RecurrenceRule rule;
      try {
        rule = new RecurrenceRule(rrule, RecurrenceRule.RfcMode.RFC5545_STRICT);
      } catch (InvalidRecurrenceRuleException | RuntimeException e) {
        return "invalid RRULE \"" + rrule + "\": " + e.getMessage();
      }
      if (!rule.isInfinite()) {
        return "RRULE \"" + rrule + "\" must not have COUNT or UNTIL: a rotation runs until its"
            + " layer is removed";
      }
      switch (rule.getFreq()) {
        case SECONDLY, MINUTELY -> {
          return "RRULE \"" + rrule + "\" has FREQ=" + rule.getFreq()
              + "; the most frequent custom rotation is FREQ=HOURLY";
        }
        default -> { }
      }
      if (start != null && handoffTime != null
          && new Rrule(rrule, start, handoffTime, ZoneId.of("UTC")).occurrences().next() == null) {
        return "RRULE \"" + rrule + "\" has no occurrence after the layer start " + start;
      }
      return null;
    }

    /** Local occurrences strictly after {@code start}; {@code next()} is null once exhausted. */
    Iterator<LocalDateTime> occurrences() {
      RecurrenceRuleIterator it;
      try {
        RecurrenceRule rule = new RecurrenceRule(rrule, RecurrenceRule.RfcMode.RFC5545_STRICT);
        LocalDate d = start.toLocalDate();
        it = rule.iterator(new DateTime(d.getYear(), d.getMonthValue() - 1, d.getDayOfMonth(),
            handoffTime.getHour(), handoffTime.getMinute(), handoffTime.getSecond()));
      } catch (InvalidRecurrenceRuleException | IllegalArgumentException e) {
        // Validated by Schedule.of; lib-recur also throws here for a rule that matches nothing.
        it = null;
      }
      RecurrenceRuleIterator rules = it;
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return true;
        }

        @Override
        public LocalDateTime next() {
          try {
            while (rules != null && rules.hasNext()) {
              DateTime dt = rules.nextDateTime();
              LocalDateTime local = LocalDateTime.of(dt.getYear(), dt.getMonth() + 1,
                  dt.getDayOfMonth(), dt.getHours(), dt.getMinutes(), dt.getSeconds());
              if (local.isAfter(start)) {
                return local;
              }
            }
          } catch (IllegalArgumentException e) {
            // lib-recur's sanity limit: the rule stopped producing instances. Treated as the end.
          }
          return null;
        }
      };
    }

    @Override
    Iterator<Turn> turnsFrom(Instant from) {
      Iterator<LocalDateTime> occurrences = occurrences();
      // Skip cheaply (no zone resolution) while clearly before `from`: offsets differ by < 2 days.
      LocalDateTime skipBefore = from.isAfter(LocalTimes.resolve(start, zone))
          ? from.atZone(zone).toLocalDateTime().minusDays(2)
          : start;
      long index = 0;
      LocalDateTime startLocal = start;
      LocalDateTime endLocal = occurrences.next();
      while (endLocal != null && endLocal.isBefore(skipBefore)) {
        index++;
        startLocal = endLocal;
        endLocal = occurrences.next();
      }
      Instant s = LocalTimes.resolve(startLocal, zone);
      Instant e = endLocal == null ? NEVER : LocalTimes.resolve(endLocal, zone);
      while (!e.isAfter(from) && endLocal != null) {
        index++;
        s = e;
        endLocal = occurrences.next();
        e = endLocal == null ? NEVER : LocalTimes.resolve(endLocal, zone);
      }
      long firstIndex = index;
      Instant firstStart = s;
      Instant firstEnd = e;
      return new Iterator<>() {
        long i = firstIndex;
        Instant turnStart = firstStart;
        Instant turnEnd = firstEnd;
        boolean exhausted = firstEnd == NEVER;

        @Override
        public boolean hasNext() {
          return turnStart != null;
        }

        @Override
        public Turn next() {
          if (turnStart == null) {
            throw new NoSuchElementException();
          }
          Turn turn = new Turn(i, turnStart, turnEnd);
          if (exhausted) {
            turnStart = null;
          } else {
            i++;
            turnStart = turnEnd;
            LocalDateTime next = occurrences.next();
            exhausted = next == null;
            turnEnd = exhausted ? NEVER : LocalTimes.resolve(next, zone);
          }
          return turn;
        }
      };
    }
  }
}
