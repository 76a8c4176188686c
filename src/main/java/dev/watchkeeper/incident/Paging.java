package dev.watchkeeper.incident;

import java.time.Instant;

/**
 * Pages people for a triggered incident: implemented by the escalation engine. Called by
 * {@link IncidentEngine} inside its transaction, so pages, escalation state and timers commit
 * with the state change that caused them.
 */
public interface Paging {

  /** No escalation: nobody is paged (tests of the incident lifecycle alone). */
  Paging NONE = new Paging() {
    @Override
    public void start(IncidentTx tx, long incidentId, String service, Instant now,
        String reason) {}

    @Override
    public String advance(IncidentTx tx, Incident incident, Instant now, String reason) {
      return null;
    }
  };

  /** The incident (re-)triggered: page its policy's level 1 now and set the next level's timer. */
  void start(IncidentTx tx, long incidentId, String service, Instant now, String reason);

  /**
   * Fires the next level now (its timer came due, or a responder asked to escalate); returns
   * null when done, or a sentence saying why nothing could be escalated.
   *
   * @param reason why (shown on the timeline), or null when the level's timer came due
   */
  String advance(IncidentTx tx, Incident incident, Instant now, String reason);
}
