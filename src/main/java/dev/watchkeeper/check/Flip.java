package dev.watchkeeper.check;

import java.time.Instant;

/**
 * A state change of a check, stored in the transaction that made it, and turned into an event of
 * the event log once ({@code sent}).
 *
 * @param suppressedBy the parent check that was down when this one went down, or null
 */
public record Flip(long id, String checkId, String service, String checkName, Instant at,
    CheckStatus from, CheckStatus to, String reason, dev.watchkeeper.event.Severity severity,
    String suppressedBy) {

  /** Opens an alert: the check went down. */
  public boolean triggers() {
    return to == CheckStatus.DOWN && from != CheckStatus.DOWN;
  }

  /** Resolves the alert: the check was down and is not any more (or was deleted). */
  public boolean resolves() {
    return from == CheckStatus.DOWN && to != CheckStatus.DOWN;
  }
}
