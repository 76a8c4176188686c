package dev.watchkeeper.people;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One of a user's notification rules ({@code users[].notification_rules} in the config): "for
 * incidents of this urgency, notify me through these contact methods this long after I am paged,
 * unless the incident was acknowledged or resolved by then". A user without rules is notified
 * through every contact method at once, whatever the urgency.
 *
 * @param urgency which incidents the rule applies to
 * @param delay how long after the page the notification goes out (0 = at once)
 * @param methods indexes into the user's contact methods (0-based)
 */
public record NotificationRule(Urgency urgency, Duration delay, List<Integer> methods) {

  /** The longest delay a rule may have. */
  public static final Duration MAX_DELAY = Duration.ofHours(24);

  /** Which incidents a rule applies to. */
  public enum Urgency {
    ANY, HIGH, LOW;

    public static Optional<Urgency> parse(String s) {
      for (Urgency u : values()) {
        if (u.name().toLowerCase(Locale.ROOT).equals(s)) {
          return Optional.of(u);
        }
      }
      return Optional.empty();
    }

    /** True when an incident of {@code urgency} ("high" or "low"; null = high) matches. */
    public boolean matches(String urgency) {
      return this == ANY || name().equalsIgnoreCase(urgency == null ? "high" : urgency);
    }
  }

  public NotificationRule {
    methods = List.copyOf(methods);
    if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("delay must be 0.." + MAX_DELAY + ", got " + delay);
    }
  }
}
