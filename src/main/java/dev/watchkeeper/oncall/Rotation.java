package dev.watchkeeper.oncall;

/**
 * How often a layer hands off from one member to the next.
 *
 * <p>{@link Hourly} turns are absolute hours (a 12-hour turn is 12 hours of elapsed time, also on
 * a DST change day). {@link Daily} and {@link Weekly} turns end at the layer's handoff time of day
 * in the schedule's zone, so a daily 09:00 handoff stays at 09:00 local and the turn that spans a
 * DST change lasts 23 or 25 hours. {@link Custom} hands off at every occurrence of an RFC 5545
 * RRULE, expanded in local (floating) time.
 *
 * <p>The records do not validate their arguments: {@link Schedule#of} checks them together with
 * the rest of the schedule and reports every problem at once.
 */
public sealed interface Rotation {

  /** Turns of {@code hours} elapsed hours. */
  static Rotation hourly(int hours) {
    return new Hourly(hours);
  }

  /** Turns of {@code days} calendar days, handing off at the layer's handoff time. */
  static Rotation daily(int days) {
    return new Daily(days);
  }

  /** Turns of {@code weeks} calendar weeks, handing off at the layer's handoff time. */
  static Rotation weekly(int weeks) {
    return new Weekly(weeks);
  }

  /**
   * A handoff at every occurrence of {@code rrule} (for example {@code FREQ=WEEKLY;BYDAY=MO,TH}),
   * expanded with DTSTART at the layer's handoff time on the day of the layer's start.
   */
  static Rotation custom(String rrule) {
    return new Custom(rrule);
  }

  /** Turns of {@code hours} elapsed hours. */
  record Hourly(int hours) implements Rotation {}

  /** Turns of {@code days} local calendar days. */
  record Daily(int days) implements Rotation {}

  /** Turns of {@code weeks} local calendar weeks. */
  record Weekly(int weeks) implements Rotation {}

  /** A handoff at each occurrence of an RFC 5545 recurrence rule (without COUNT or UNTIL). */
  record Custom(String rrule) implements Rotation {}
}
