package dev.watchkeeper.check.udp;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per check: {@code burst} datagrams at once, refilled at {@code perSecond}.
 * A datagram finding its bucket empty is dropped (UDP has no way to say "retry later").
 *
 * <p>Threading: any thread; each bucket is guarded by its own lock. Limits may change at any time
 * (config reload) and apply from the next datagram.
 */
final class TokenBuckets {
  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  TokenBuckets(Clock clock) {
    this.clock = clock;
  }

  /** Takes a token from {@code key}'s bucket; false when it is empty. */
  boolean take(String key, double perSecond, int burst) {
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, clock.millis()));
    synchronized (b) {
      long now = clock.millis();
      b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.lastMillis) * perSecond / 1000.0);
      b.lastMillis = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
      }
      return false;
    }
  }

  private static final class Bucket {
    double tokens;
    long lastMillis;

    Bucket(double tokens, long lastMillis) {
      this.tokens = tokens;
      this.lastMillis = lastMillis;
    }
  }
}
