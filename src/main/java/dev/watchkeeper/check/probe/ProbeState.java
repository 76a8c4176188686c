package dev.watchkeeper.check.probe;

import dev.watchkeeper.check.PingKind;

/**
 * Consecutive-result thresholds of one probe: a failure is reported ({@code fail}) only after
 * {@code failureThreshold} failed runs in a row, and a recovery ({@code success}) only after
 * {@code successThreshold} good runs in a row; results in between are kept as {@code log} pings.
 * While up, every good run is a {@code success} (it keeps the check's own deadline fresh).
 *
 * <p>The counters are saved after every run ({@code checks.probe_failures/probe_successes}) and
 * read back at start, so a restart does not reset a probe that is one failure from down.
 *
 * <p>Not thread-safe: one probe's runs are sequential.
 */
public final class ProbeState {
  private final int failureThreshold;
  private final int successThreshold;
  private boolean down;
  private int failures;
  private int successes;

  public ProbeState(int failureThreshold, int successThreshold, boolean down) {
    this(failureThreshold, successThreshold, down, 0, 0);
  }

  /** Continues from saved counters. */
  public ProbeState(int failureThreshold, int successThreshold, boolean down, int failures,
      int successes) {
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
    this.down = down;
    this.failures = Math.max(0, failures);
    this.successes = Math.max(0, successes);
  }

  /** Failed runs in a row. */
  public int failures() {
    return failures;
  }

  /** Good runs in a row. */
  public int successes() {
    return successes;
  }

  /** The ping kind that reports this run. */
  public PingKind next(boolean ok) {
    if (ok) {
      failures = 0;
      successes++;
      if (down && successes < successThreshold) {
        return PingKind.LOG;
      }
      down = false;
      return PingKind.SUCCESS;
    }
    successes = 0;
    failures++;
    if (!down && failures < failureThreshold) {
      return PingKind.LOG;
    }
    down = true;
    return PingKind.FAIL;
  }
}
