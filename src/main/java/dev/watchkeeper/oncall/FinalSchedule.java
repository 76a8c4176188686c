package dev.watchkeeper.oncall;

import dev.watchkeeper.oncall.Timeline.Piece;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A schedule with its runtime overrides and reliefs applied: the computed final schedule.
 * Immutable and thread-safe; build a new one when overrides or reliefs change.
 *
 * <p>Per role, the layers of that role are laid over each other in order (a later layer wins where
 * it has somebody), then the overrides of that role in order (a later override wins), and adjacent
 * pieces of one user are merged. Work is proportional to the number of turns, restriction windows,
 * overrides and reliefs in the range, not to its length in minutes. A custom (RRULE) layer also
 * counts its occurrences from its start, since the turn index is that count.
 */
public final class FinalSchedule {
  // Local date-times of instants near Instant.MIN/MAX do not exist; no schedule needs them.
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

  private final Schedule schedule;
  private final List<ScheduleOverride> overrides;
  private final Reliefs reliefs;

  FinalSchedule(Schedule schedule, List<ScheduleOverride> overrides, List<Relief> reliefs) {
    this.schedule = schedule;
    this.overrides = overrides;
    this.reliefs = new Reliefs(reliefs);
  }

  public Schedule schedule() {
    return schedule;
  }

  /**
   * Who is on call for {@code role} within {@code [from, to)}: sorted, non-overlapping,
   * non-empty shifts clipped to the range, with gaps where nobody is.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}, or the range leaves
   *     the years 0001–9999
   */
  public List<Shift> shifts(Role role, Instant from, Instant to) {
    checkRange(from, to);
    Objects.requireNonNull(role, "role");
    List<Piece> pieces = List.of();
    for (CompiledLayer layer : schedule.compiledLayers()) {
      if (layer.layer().role() == role) {
        pieces = Timeline.overlay(pieces, layer.pieces(from, to, reliefs));
      }
    }
    for (ScheduleOverride o : overrides) {
      if (o.role() == role) {
        pieces = Timeline.overlay(pieces, overridePieces(o, from, to));
      }
    }
    return toShifts(role, Timeline.mergeAdjacent(pieces));
  }

  /** {@link #shifts(Role, Instant, Instant)} for every role. */
  public Map<Role, List<Shift>> shifts(Instant from, Instant to) {
    Map<Role, List<Shift>> all = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      all.put(role, shifts(role, from, to));
    }
    return Collections.unmodifiableMap(all);
  }

  /** Who is on call at {@code at}: a shift starting at {@code at} counts, one ending there not. */
  public OnCall onCall(Instant at) {
    Instant next = at.plusNanos(1);
    return new OnCall(at, userAt(Role.PRIMARY, at, next), userAt(Role.SECONDARY, at, next),
        userAt(Role.SHADOW, at, next).stream().toList());
  }

  /**
   * "Cover me": the overrides that give {@code coverUserId} every shift {@code absentUserId} has
   * within {@code [from, to)}, in any role, and nothing else. Where the absent user is not on call
   * no override is made, so the rest of the range keeps its rotation. Add the result to the
   * overrides (after the existing ones) to apply it.
   */
  public List<ScheduleOverride> coverFor(
      String absentUserId, String coverUserId, Instant from, Instant to) {
    List<ScheduleOverride> out = new ArrayList<>();
    for (Role role : Role.values()) {
      for (Shift s : shifts(role, from, to)) {
        if (s.userId().equals(absentUserId)) {
          out.add(new ScheduleOverride(role, coverUserId, s.start(), s.end()));
        }
      }
    }
    return out;
  }

  private Optional<String> userAt(Role role, Instant at, Instant next) {
    List<Shift> shifts = shifts(role, at, next);
    return shifts.isEmpty() ? Optional.empty() : Optional.of(shifts.get(0).userId());
  }

  private List<Piece> overridePieces(ScheduleOverride o, Instant from, Instant to) {
    Instant start = Timeline.max(o.start(), from);
    Instant end = Timeline.min(o.end(), to);
    if (!start.isBefore(end)) {
      return List.of();
    }
    List<Piece> out = new ArrayList<>();
    Instant pieceStart = start;
    for (Instant pieceEnd : reliefs.pieceEnds(List.of(o.userId()), start, end)) {
      if (!reliefs.relieved(o.userId(), pieceStart)) {
        out.add(new Piece(pieceStart, pieceEnd, o.userId()));
      }
      pieceStart = pieceEnd;
    }
    return out;
  }

  static List<Shift> toShifts(Role role, List<Piece> pieces) {
    List<Shift> shifts = new ArrayList<>(pieces.size());
    for (Piece p : pieces) {
      shifts.add(new Shift(role, p.user(), p.start(), p.end()));
    }
    return List.copyOf(shifts);
  }

  static void checkRange(Instant from, Instant to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.isBefore(EARLIEST) || to.isAfter(LATEST)) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") must lie within the"
          + " years 0001 to 9999");
    }
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("range end " + to + " is before its start " + from);
    }
  }
}
