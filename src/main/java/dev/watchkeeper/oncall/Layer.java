package dev.watchkeeper.oncall;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One rotation of a schedule: its members take turns in order, wrapping around.
 *
 * <p>Handoff 0 is {@code start} (local date-time in the schedule's zone); before it the layer has
 * nobody. Turn {@code k} belongs to {@code members[k mod n]} and runs from handoff {@code k} to
 * handoff {@code k + 1}. For {@link Rotation.Daily daily(n)}, {@link Rotation.Weekly weekly(n)}
 * and {@link Rotation.Custom custom}, handoff {@code k >= 1} is the {@code k}-th point strictly
 * after {@code start} of a local grid that begins at {@code handoffTime} on {@code start}'s date:
 * every n days (or weeks) from there, or every RRULE occurrence with that DTSTART. For {@link
 * Rotation.Hourly hourly(n)} it is {@code start + k·n} elapsed hours and {@code handoffTime} is not
 * used. So when {@code start} is at {@code handoffTime} every turn has the nominal length;
 * otherwise the first turn is shorter (it ends at the next grid point).
 *
 * <p>Several layers may share a role: where a later layer has somebody on call it overrides the
 * earlier ones of that role, as PagerDuty's layers do.
 *
 * <p>The record copies its lists but does not validate: {@link Schedule#of} does, reporting every
 * problem with its path.
 *
 * @param role what the members are on call for
 * @param rotation how often the layer hands off
 * @param members user ids in rotation order (a user may appear more than once)
 * @param start the first handoff, local to the schedule's zone
 * @param handoffTime the local time of day of later handoffs; {@code null} means {@code start}'s
 * @param restrictions windows outside which the layer has nobody; empty means always
 */
public record Layer(
    Role role,
    Rotation rotation,
    List<String> members,
    LocalDateTime start,
    LocalTime handoffTime,
    List<Restriction> restrictions) {

  public Layer {
    members = copy(members);
    restrictions = copy(restrictions);
    if (handoffTime == null && start != null) {
      handoffTime = start.toLocalTime();
    }
  }

  /** An unrestricted layer handing off at {@code start}'s time of day. */
  public static Layer of(Role role, Rotation rotation, List<String> members, LocalDateTime start) {
    return new Layer(role, rotation, members, start, null, List.of());
  }

  /** This layer with later handoffs at {@code time} (the first stays at {@code start}). */
  public Layer withHandoffTime(LocalTime time) {
    return new Layer(role, rotation, members, start, time, restrictions);
  }

  /** This layer with its coverage restricted to {@code windows}. */
  public Layer withRestrictions(List<Restriction> windows) {
    return new Layer(role, rotation, members, start, handoffTime, windows);
  }

  // Null elements are kept so that validation can report them by index.
  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
  }
}
