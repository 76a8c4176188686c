package dev.watchkeeper.incident;

import java.time.Duration;

/**
 * The lifecycle rules of a service's incidents ({@code services[].lifecycle} in the config).
 *
 * @param ackTimeout an acknowledged incident goes back to triggered after this long, unless it
 *     was resolved or snoozed first (0 = never: PagerDuty's default)
 * @param autoResolveAfter an incident still open this long after it triggered is resolved by
 *     {@code system} (0 = never)
 * @param resolveWhenAlertsResolve whether an incident resolves by itself once all its alerts have
 *     resolved (Alertmanager and PagerDuty Events behaviour); when false a responder resolves it
 * @param flapResolutions an alert that resolves more than this many times within
 *     {@code flapWindow} is flapping: its incident stays open (instead of resolving and a new one
 *     opening on the next firing) until its alerts stay resolved for {@code flapWindow}
 *     (0 = no flap damping)
 */
public record Lifecycle(Duration ackTimeout, Duration autoResolveAfter,
    boolean resolveWhenAlertsResolve, int flapResolutions, Duration flapWindow) {
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ZERO;
  public static final Duration DEFAULT_AUTO_RESOLVE_AFTER = Duration.ZERO;
  public static final Duration DEFAULT_FLAP_WINDOW = Duration.ofMinutes(30);
  /** The shortest timeout or window the config accepts (tests use seconds). */
  public static final Duration MIN_DURATION = Duration.ofSeconds(1);
  public static final Duration MAX_ACK_TIMEOUT = Duration.ofDays(7);
  public static final Duration MAX_AUTO_RESOLVE_AFTER = Duration.ofDays(30);
  public static final Duration MAX_FLAP_WINDOW = Duration.ofHours(24);
  public static final int MAX_FLAP_RESOLUTIONS = 100;
  public static final Lifecycle DEFAULT = new Lifecycle(DEFAULT_ACK_TIMEOUT,
      DEFAULT_AUTO_RESOLVE_AFTER, true, 0, DEFAULT_FLAP_WINDOW);

  boolean damping() {
    return flapResolutions > 0;
  }
}
