package dev.watchkeeper.notify.net;

import dev.watchkeeper.notify.Delivery;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Maps an HTTP outcome to a {@link Delivery}, the same for every HTTP channel: 2xx delivered;
 * 5xx, 429, 408 and no answer retried; anything else (other 4xx, an unfollowed 3xx, a refused
 * address) failed for good.
 */
public final class Deliveries {

  private Deliveries() {}

  public static Delivery of(HttpOutcome outcome, String channel, Clock clock) {
    if (outcome instanceof HttpOutcome.Refused r) {
      return new Delivery.Failed(channel + ": " + r.reason());
    }
    if (outcome instanceof HttpOutcome.Unreachable u) {
      return new Delivery.RetryLater(channel + ": " + u.reason(), null);
    }
    return ofStatus((HttpOutcome.Response) outcome, channel, clock);
  }

  private static Delivery ofStatus(HttpOutcome.Response r, String channel, Clock clock) {
    int s = r.status();
    if (s >= 200 && s < 300) {
      return new Delivery.Delivered(r.latency());
    }
    String reason = channel + ": receiver answered HTTP " + s;
    if (s >= 500 || s == 429 || s == 408) {
      return new Delivery.RetryLater(reason, retryAfter(r.header("retry-after"), clock));
    }
    return new Delivery.Failed(reason);
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String value, Clock clock) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    if (v.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(clock.instant(), at.toInstant());
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
