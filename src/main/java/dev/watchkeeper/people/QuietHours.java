package dev.watchkeeper.people;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * A user's quiet hours ({@code users[].quiet_hours}): low-urgency notifications that fall due
 * between {@code start} and {@code end} on the user's own wall clock are held until the end of
 * the window (and dropped if the incident is acknowledged or resolved by then). High-urgency
 * notifications are never held. The window crosses midnight when {@code end} is not after
 * {@code start} (22:00–07:00).
 */
public record QuietHours(LocalTime start, LocalTime end) {

  public QuietHours {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.equals(end)) {
      throw new IllegalArgumentException("quiet hours must end at another time than they start ("
          + start + ")");
    }
  }

  /** True when {@code t} is inside the window on the wall clock of {@code zone}. */
  public boolean contains(Instant t, ZoneId zone) {
    LocalTime local = t.atZone(zone).toLocalTime();
    if (start.isBefore(end)) {
      return !local.isBefore(start) && local.isBefore(end);
    }
    return !local.isBefore(start) || local.isBefore(end);
  }

  /**
   * When a notification due at {@code t} may go out: {@code t} itself outside the window, else the
   * window's end (on a day when the end's local time does not exist, the first instant after the
   * DST gap).
   */
  public Instant release(Instant t, ZoneId zone) {
    if (!contains(t, zone)) {
      return t;
    }
    ZonedDateTime local = t.atZone(zone);
    LocalDate day = local.toLocalDate();
    if (!start.isBefore(end) && !local.toLocalTime().isBefore(start)) {
      day = day.plusDays(1); // in the evening part of a window that crosses midnight
    }
    return ZonedDateTime.of(day, end, zone).toInstant();
  }
}
