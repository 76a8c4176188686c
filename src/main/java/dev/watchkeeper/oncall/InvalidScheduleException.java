package dev.watchkeeper.oncall;

import java.util.List;

/**
 * Thrown by {@link Schedule#of} with every problem found, each prefixed by its path within the
 * schedule ({@code layers[1].rotation: turn length must be at least 1, got 0}), so a config
 * loader can prefix them again with the schedule's own path.
 */
public final class InvalidScheduleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String scheduleId;
  private final List<String> problems;

  InvalidScheduleException(String scheduleId, List<String> problems) {
    super("invalid schedule " + (scheduleId == null ? "(no id)" : "\"" + scheduleId + "\"") + ": "
        + String.join("; ", problems));
    this.scheduleId = scheduleId;
    this.problems = List.copyOf(problems);
  }

  /** The id of the rejected schedule as given (may be null or blank when that is a problem). */
  public String scheduleId() {
    return scheduleId;
  }

  /** Every problem, in the order of the schedule's fields. */
  public List<String> problems() {
    return problems;
  }
}
