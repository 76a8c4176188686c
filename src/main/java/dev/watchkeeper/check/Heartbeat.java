package dev.watchkeeper.check;

import java.time.Duration;
import java.time.Instant;

/**
 * The state machine of a check, pure: what a ping does to it, what the clock does to it, and when
 * the clock next matters ({@link #dueAt}). No I/O; the callers hold the check's row locked.
 *
 * <p>Rules (Healthchecks' semantics): a success ping makes the check {@code up}; its next ping is
 * expected at {@code schedule.next(lastPing)}; past that it is {@code late}, and past that plus
 * the grace time {@code down}. A fail ping (or non-zero exit code) makes it {@code down} at once.
 * A start ping that no finish follows within the grace time makes it {@code down} too. A
 * {@code new} check (never pinged) and a {@code down} one never change by the clock. A ping other
 * than log on a {@code paused} check resumes it.
 */
public final class Heartbeat {
  private Heartbeat() {}

  /** A check's state after a change: status, timestamps and the next deadline. */
  public record Result(Check check, CheckStatus before) {
    public boolean flipped() {
      return before != check.status();
    }
  }

  /** Applies a ping (its kind already classified, its duration computed) at {@code ping.at()}. */
  public static Result ping(Check c, Ping p) {
    CheckStatus status = c.status();
    Instant last = c.lastPingAt();
    Instant started = c.startedAt();
    Long duration = c.lastDurationMs();
    switch (p.kind()) {
      case START -> {
        started = p.at();
        if (status == CheckStatus.PAUSED) {
          status = last == null ? CheckStatus.NEW : CheckStatus.UP;
        }
      }
      case SUCCESS -> {
        last = p.at();
        started = null;
        status = CheckStatus.UP;
        if (p.durationMs() != null) {
          duration = p.durationMs();
        }
      }
      case FAIL -> {
        last = p.at();
        started = null;
        status = CheckStatus.DOWN;
        if (p.durationMs() != null) {
          duration = p.durationMs();
        }
      }
      case LOG, IGNORED -> {
        // recorded only
      }
    }
    Instant due = dueAt(c.spec(), status, last, started);
    Check next = c.withState(status, last, started, due, duration, c.pings() + 1, p.at());
    // The clock may already have moved past the new deadline (a start ping long ago).
    return new Result(advance(next, p.at()).check(), c.status());
  }

  /** The check as the clock leaves it at {@code now}. */
  public static Result advance(Check c, Instant now) {
    CheckStatus s = statusAt(c.spec(), c.status(), c.lastPingAt(), c.startedAt(), now);
    if (s == c.status()) {
      return new Result(c, c.status());
    }
    return new Result(c.withState(s, c.lastPingAt(), c.startedAt(),
        dueAt(c.spec(), s, c.lastPingAt(), c.startedAt()), c.lastDurationMs(), c.pings(), now),
        c.status());
  }

  /** Pause: not monitored (no deadline) until resumed or pinged. */
  public static Result pause(Check c, Instant now) {
    return new Result(c.withState(CheckStatus.PAUSED, c.lastPingAt(), null, null,
        c.lastDurationMs(), c.pings(), now), c.status());
  }

  /** Resume: {@code new}, or measured from its last ping as if never paused (so maybe late). */
  public static Result resume(Check c, Instant now) {
    if (c.status() != CheckStatus.PAUSED) {
      return new Result(c, c.status());
    }
    CheckStatus s = c.lastPingAt() == null ? CheckStatus.NEW : CheckStatus.UP;
    // Measured from now: a check resumed after a long pause gets a full period first.
    Instant last = c.lastPingAt() == null ? null : now;
    Check r = c.withState(s, c.lastPingAt(), null, dueAt(c.spec(), s, last, null),
        c.lastDurationMs(), c.pings(), now);
    return new Result(r, c.status());
  }

  /** A changed spec (schedule, grace) moves the deadline. */
  public static Result respec(Check c, CheckSpec spec, Instant now) {
    Check r = c.withSpec(spec, now);
    r = r.withState(r.status(), r.lastPingAt(), r.startedAt(),
        dueAt(spec, r.status(), r.lastPingAt(), r.startedAt()), r.lastDurationMs(), r.pings(),
        now);
    return new Result(advance(r, now).check(), c.status());
  }

  static CheckStatus statusAt(CheckSpec spec, CheckStatus status, Instant last, Instant started,
      Instant now) {
    if (status == CheckStatus.PAUSED || status == CheckStatus.DOWN) {
      return status;
    }
    Instant down = downAt(spec, last, started);
    if (down != null && !now.isBefore(down)) {
      return CheckStatus.DOWN;
    }
    if (last != null && (status == CheckStatus.UP || status == CheckStatus.LATE)
        && !now.isBefore(spec.schedule().next(last))) {
      return CheckStatus.LATE;
    }
    return status;
  }

  /** The next moment the clock changes this state, or null. */
  public static Instant dueAt(CheckSpec spec, CheckStatus status, Instant last, Instant started) {
    if (status == CheckStatus.PAUSED || status == CheckStatus.DOWN) {
      return null;
    }
    Instant down = downAt(spec, last, started);
    if (status == CheckStatus.UP && last != null) {
      Instant late = spec.schedule().next(last);
      return down == null || late.isBefore(down) ? late : down;
    }
    return down;
  }

  private static Instant downAt(CheckSpec spec, Instant last, Instant started) {
    Instant down = null;
    if (last != null) {
      Instant expected = spec.schedule().next(last);
      down = expected.equals(Instant.MAX) ? null : expected.plus(spec.grace());
    }
    if (started != null) {
      Instant s = started.plus(spec.grace());
      down = down == null || s.isBefore(down) ? s : down;
    }
    return down;
  }

  static Duration between(Instant a, Instant b) {
    return Duration.between(a, b);
  }
}
