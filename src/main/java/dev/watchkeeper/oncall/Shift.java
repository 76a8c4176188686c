package dev.watchkeeper.oncall;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * {@code userId} is on call for {@code role} from {@code start} (inclusive) to {@code end}
 * (exclusive). Shifts returned by a computation never overlap within a role and never have zero
 * length; adjacent shifts of the same user are merged.
 */
public record Shift(Role role, String userId, Instant start, Instant end) {

  public Shift {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("shift end " + end + " must be after its start " + start);
    }
  }

  /** How long the shift lasts. */
  public Duration duration() {
    return Duration.between(start, end);
  }

  /** True when {@code instant} is within {@code [start, end)}. */
  public boolean contains(Instant instant) {
    return !instant.isBefore(start) && instant.isBefore(end);
  }
}
