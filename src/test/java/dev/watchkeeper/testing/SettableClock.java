package dev.watchkeeper.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/** A clock tests move by hand (UTC). */
public final class SettableClock extends Clock {
  private volatile Instant now;
  private final Supplier<Instant> source;

  public SettableClock(Instant start) {
    this.now = start;
    this.source = null;
  }

  private SettableClock(Supplier<Instant> source) {
    this.source = source;
  }

  /** A clock that reads the time from {@code now}, e.g. a test's own field. */
  public static Clock following(Supplier<Instant> now) {
    return new SettableClock(now);
  }

  public void advance(Duration d) {
    now = now.plus(d);
  }

  public void set(Instant t) {
    now = t;
  }

  @Override
  public Instant instant() {
    return source == null ? now : source.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
