package dev.watchkeeper.oncall;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * The recovery rule's night: a page between {@code start} and {@code end} on the responder's own
 * wall clock (their zone, not the schedule's) relieves them for {@code reliefLength} after the
 * page. The window crosses midnight when {@code end} is not after {@code start} (the default,
 * 22:00–07:00). Wall-clock time of an instant is never ambiguous, so DST needs no special rule
 * here: on a fall-back night the window simply lasts an hour longer in elapsed time.
 *
 * @param start local time the night begins (inclusive)
 * @param end local time the night ends (exclusive)
 * @param reliefLength how long a night page relieves the responder
 */
public record NightWindow(LocalTime start, LocalTime end, Duration reliefLength) {

  /** 22:00 local, when the night window begins by default. */
  public static final LocalTime DEFAULT_START = LocalTime.of(22, 0);

  /** 07:00 local, when the night window ends by default. */
  public static final LocalTime DEFAULT_END = LocalTime.of(7, 0);

  /** 24 hours: how long a night page relieves the responder by default. */
  public static final Duration DEFAULT_RELIEF = Duration.ofHours(24);

  /** 22:00–07:00 with 24 hours' relief. */
  public static final NightWindow DEFAULT = new NightWindow(DEFAULT_START, DEFAULT_END,
      DEFAULT_RELIEF);

  public NightWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(reliefLength, "reliefLength");
    if (start.equals(end)) {
      throw new IllegalArgumentException("night window end must differ from its start (" + start
          + ")");
    }
    if (reliefLength.isNegative() || reliefLength.isZero()) {
      throw new IllegalArgumentException("relief length must be positive, got " + reliefLength);
    }
  }

  /** True when {@code instant} is in the night on the wall clock of {@code userZone}. */
  public boolean isNight(Instant instant, ZoneId userZone) {
    LocalTime local = instant.atZone(userZone).toLocalTime();
    if (start.isBefore(end)) {
      return !local.isBefore(start) && local.isBefore(end);
    }
    return !local.isBefore(start) || local.isBefore(end);
  }

  /** When a relief that starts with a page at {@code pagedAt} ends. */
  public Instant reliefEnd(Instant pagedAt) {
    return pagedAt.plus(reliefLength);
  }

  /**
   * The relief earned by paging {@code userId} at {@code pagedAt}: present only when that was in
   * the night for them.
   */
  public Optional<Relief> reliefAfterPage(String userId, Instant pagedAt, ZoneId userZone) {
    if (!isNight(pagedAt, userZone)) {
      return Optional.empty();
    }
    return Optional.of(new Relief(userId, pagedAt, reliefEnd(pagedAt)));
  }
}
