package dev.watchkeeper.web;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per integration key, counted in events. A request that would take more tokens than
 * are available is refused whole and told how long to wait.
 *
 * <p>Threading: any thread; each bucket is guarded by its own lock.
 */
public final class RateLimiter {
  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private volatile double perSecond;
  private volatile double burst;

  public RateLimiter(Clock clock, double perSecond, int burst) {
    this.clock = clock;
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** New limits apply to every bucket from now on (config reload). */
  public void configure(double perSecond, int burst) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** Takes {@code n} tokens, or returns how long until they would be there. */
  public Duration acquire(String key, int n) {
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, clock.millis()));
    synchronized (b) {
      long now = clock.millis();
      b.tokens = Math.min(burst, b.tokens + (now - b.lastMillis) * perSecond / 1000.0);
      b.lastMillis = now;
      if (b.tokens >= n) {
        b.tokens -= n;
        return Duration.ZERO;
      }
      double missing = Math.min(n, burst) - b.tokens;
      return Duration.ofMillis((long) Math.ceil(missing * 1000.0 / perSecond));
    }
  }

  /** How long until {@code n} tokens would be there, taking none (zero: there now). */
  public Duration peek(String key, int n) {
    Bucket b = buckets.get(key);
    if (b == null) {
      return Duration.ZERO;
    }
    synchronized (b) {
      double tokens = Math.min(burst, b.tokens + (clock.millis() - b.lastMillis) * perSecond
          / 1000.0);
      if (tokens >= n) {
        return Duration.ZERO;
      }
      double missing = Math.min(n, burst) - tokens;
      return Duration.ofMillis((long) Math.ceil(missing * 1000.0 / perSecond));
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
