package dev.watchkeeper.notify;

import dev.watchkeeper.people.ContactMethod;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One row of the notifications outbox: one message to one person through one of their contact
 * methods, queued with the page that caused it. The address is not here (it can be a secret):
 * {@code methodIndex} points into the user's contact methods in the config.
 *
 * @param claim the token of the worker holding a {@link State#SENDING} row (null otherwise);
 *     an outcome is recorded only while the claim holds
 * @param nextAttemptAt when a pending row is due; for a sending row, when its lease ends
 * @param digestId for a row held by storm control, the digest that carries (or carried) it
 */
public record Notification(
    long id,
    String idempotencyKey,
    long incidentId,
    long pageId,
    String userId,
    ContactMethod.Type channel,
    int methodIndex,
    String kind,
    State state,
    int attempts,
    Instant nextAttemptAt,
    String claim,
    String lastError,
    Instant createdAt,
    Instant updatedAt,
    Long digestId) {

  /**
   * Where a notification stands: pending → sending → delivered or dead; {@code held} for a
   * digest (storm control) → {@code digested} when the digest is delivered; {@code cancelled}
   * when a delayed or held notification came due after the incident was acknowledged or
   * resolved.
   */
  public enum State {
    PENDING, SENDING, DELIVERED, DEAD, HELD, DIGESTED, CANCELLED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<State> parse(String s) {
      for (State v : values()) {
        if (v.wire().equals(s)) {
          return Optional.of(v);
        }
      }
      return Optional.empty();
    }
  }
}
