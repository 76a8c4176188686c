package dev.watchkeeper.oncall;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A time-of-day window, in the schedule's zone, that starts on each of {@code days}: Mon–Fri
 * 09:00–17:00 is {@code new Restriction(MONDAY..FRIDAY, 09:00, 17:00)}. A window whose end is not
 * after its start crosses midnight and ends on the next day (Mon 22:00 – Tue 06:00). A layer with
 * restrictions has nobody on call outside the union of its windows; the rotation keeps turning in
 * the background (as in PagerDuty), it does not pause.
 *
 * <p>A window edge that falls in a DST gap is taken at the first instant after the gap, and one
 * that is ambiguous at the earlier offset, as for handoffs. {@code end == start} is rejected by
 * {@link Schedule#of}; a whole day can be covered by two windows.
 *
 * @param days the weekdays on which a window starts
 * @param start the local time the window opens
 * @param end the local time the window closes (on the next day when not after {@code start})
 */
public record Restriction(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

  public Restriction {
    days = days == null || days.isEmpty()
        ? Set.of()
        : Collections.unmodifiableSet(EnumSet.copyOf(days));
  }

  /** A window on every day of the week. */
  public static Restriction daily(LocalTime start, LocalTime end) {
    return new Restriction(EnumSet.allOf(DayOfWeek.class), start, end);
  }

  /** A window on each day from {@code first} through {@code last} (wrapping past Sunday). */
  public static Restriction weekdays(
      DayOfWeek first, DayOfWeek last, LocalTime start, LocalTime end) {
    EnumSet<DayOfWeek> days = EnumSet.of(first);
    for (DayOfWeek d = first; d != last; d = d.plus(1)) {
      days.add(d.plus(1));
    }
    return new Restriction(days, start, end);
  }

  /** True when the window crosses midnight and closes on the day after it opens. */
  public boolean crossesMidnight() {
    return !end.isAfter(start);
  }
}
