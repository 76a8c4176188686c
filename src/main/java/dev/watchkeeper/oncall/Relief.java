package dev.watchkeeper.oncall;

import java.time.Instant;
import java.util.Objects;

/**
 * The recovery rule's relief: {@code userId} is skipped by every layer from {@code from}
 * (inclusive) to {@code until} (exclusive). The next member of that layer's rotation, in order and
 * wrapping, who is not relieved covers; if all are relieved, the layer has nobody, so an earlier
 * layer of the same role (or the caller's fallback to the secondary) shows through. An override
 * whose user is relieved is ignored while the relief lasts. {@link NightWindow#reliefAfterPage}
 * makes one after a night page.
 */
public record Relief(String userId, Instant from, Instant until) {

  public Relief {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(until, "until");
  }

  /** A relief in force at every instant before {@code until}. */
  public Relief(String userId, Instant until) {
    this(userId, Instant.MIN, until);
  }

  /** True when the relief is in force at {@code instant}. */
  public boolean covers(Instant instant) {
    return !instant.isBefore(from) && instant.isBefore(until);
  }
}
