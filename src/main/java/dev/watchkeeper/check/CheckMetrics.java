package dev.watchkeeper.check;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code watchkeeper_checks{status="up"}} and friends: how many checks are in each status, read
 * from the database at most once per {@link #MAX_AGE} (a scrape reads all five gauges at once).
 *
 * <p>Threading: any thread (scrapes); the cache is swapped whole.
 */
public final class CheckMetrics {
  static final Duration MAX_AGE = Duration.ofSeconds(1);

  private final CheckStore store;
  private final Clock clock;
  private volatile Map<CheckStatus, Long> counts;
  private volatile Instant readAt = Instant.MIN;

  public CheckMetrics(CheckStore store, Clock clock, MeterRegistry meters) {
    this.store = store;
    this.clock = clock;
    for (CheckStatus s : CheckStatus.values()) {
      Gauge.builder("watchkeeper.checks", this, m -> m.count(s))
          .description("Health checks by status").tag("status", s.wire())
          .strongReference(true).register(meters);
    }
  }

  private double count(CheckStatus s) {
    Instant now = clock.instant();
    if (counts == null || now.isAfter(readAt.plus(MAX_AGE))) {
      counts = store.countByStatus();
      readAt = now;
    }
    return counts.getOrDefault(s, 0L);
  }
}
