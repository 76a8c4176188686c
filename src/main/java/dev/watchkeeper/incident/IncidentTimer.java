package dev.watchkeeper.incident;

import java.time.Instant;
import java.util.Optional;

/**
 * A durable timer of an incident: a row, at most one per incident and kind. It fires in the
 * same transaction that deletes it, so it fires once even across restarts and nodes.
 */
public record IncidentTimer(long incidentId, Kind kind, Instant dueAt) {

  /** What happens when a timer comes due. */
  public enum Kind {
    /** An acknowledged incident goes back to triggered. */
    ACK_TIMEOUT("ack_timeout"),
    /** A snoozed incident goes back to triggered. */
    SNOOZE_END("snooze_end"),
    /** An open incident is resolved by {@code system}. */
    AUTO_RESOLVE("auto_resolve"),
    /** A flapping incident resolves if its alerts stayed resolved through the flap window. */
    FLAP_SETTLE("flap_settle"),
    /** A triggered incident's next escalation level fires. */
    ESCALATE("escalate");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Optional<Kind> parse(String s) {
      for (Kind k : values()) {
        if (k.wire.equals(s)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }
}
