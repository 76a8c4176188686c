package dev.watchkeeper.incident;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Incidents and their timelines. JDBC implementation in {@code store/}. */
public interface IncidentStore {

  /** Runs {@code work} in one transaction and commits it (rolls back if it throws). */
  <T> T inTransaction(Function<IncidentTx, T> work);

  /**
   * Like {@link #inTransaction}, for changes derived from the event log (reconciling alerts into
   * incidents): a store may trade durability for speed here, because they are replayed after a
   * crash.
   */
  default <T> T inDerivedTransaction(Function<IncidentTx, T> work) {
    return inTransaction(work);
  }

  Optional<Incident> find(long id);

  List<Incident> list(IncidentQuery query);

  /** How many incidents are open (not resolved) per service; services with none are absent. */
  Map<String, Long> openCountByService();

  List<TimelineEntry> timeline(long incidentId);

  /** The alerts of an incident, oldest first (a plain read: no transaction, no write lock). */
  List<IncidentTx.AlertRow> alertsOf(long incidentId);

  /**
   * The alert rows of some alerts of one service, in no particular order; alerts not stored are
   * absent (a plain read: no transaction, no write lock).
   */
  List<IncidentTx.AlertRow> alertRows(String service, List<String> fingerprints);

  /** The incident an alert is attached to, if any (a plain read). */
  Optional<Long> incidentOf(String service, String fingerprint);

  /** The pending timers of an incident, earliest first (a plain read). */
  List<IncidentTimer> timers(long incidentId);

  /** When the earliest pending timer is due, if there is one (a plain read). */
  Optional<java.time.Instant> nextTimerDue();

  /** The incident's escalation state, if it ever escalated (a plain read). */
  Optional<EscalationState> escalation(long incidentId);

  /** The people paged for an incident, oldest first (a plain read). */
  List<Page> pages(long incidentId);
  /**
   * {@link #incidentOf} for several alerts of one service at once: fingerprint to incident id, for
   * the alerts attached to one (a plain read).
   */
  default Map<String, Long> incidentsOf(String service, Collection<String> fingerprints) {
    Map<String, Long> out = new HashMap<>();
    for (String fp : fingerprints) {
      incidentOf(service, fp).ifPresent(id -> out.put(fp, id));
    }
    return out;
  }

  /**
   * The id of the newest timeline entry, 0 when there is none (a plain read). Every change to an
   * incident writes a timeline entry, so pages compare this number to notice changes, on every
   * node sharing the database.
   */
  long lastTimelineId();

  /**
   * The incidents with timeline entries after {@code afterTimelineId} (at most {@code limit}
   * entries are read), each with its service, and the id of the last entry read (a plain read).
   */
  Changes changesSince(long afterTimelineId, int limit);

  /** What {@link #changesSince} found: incident id to service, and where to go on from. */
  record Changes(long lastTimelineId, Map<Long, String> services) {}
}
