package dev.watchkeeper.oncall;

import java.time.Instant;
import java.util.Objects;

/**
 * {@code userId} takes {@code role} from {@code start} (inclusive) to {@code end} (exclusive),
 * replacing whoever the layers compute there. Overrides are runtime state (they survive config
 * reloads); where two overlap, the one later in the list given to {@link Schedule#finalSchedule}
 * wins, as PagerDuty's most recent override does. (Named so, not {@code Override}, to keep
 * {@code java.lang.Override} usable in this package.)
 */
public record ScheduleOverride(Role role, String userId, Instant start, Instant end) {

  public ScheduleOverride {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (userId == null || userId.isBlank()) {
      throw new IllegalArgumentException("override user must not be blank");
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException(
          "override end " + end + " must be after its start " + start);
    }
  }

  /** "Take this shift": {@code userId} takes exactly {@code shift}'s role and time. */
  public static ScheduleOverride takeShift(Shift shift, String userId) {
    return new ScheduleOverride(shift.role(), userId, shift.start(), shift.end());
  }
}
