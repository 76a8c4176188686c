package dev.watchkeeper.incident;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Incidents and their timelines. JDBC implementation in {@code store/}. */
public interface IncidentStore {

  /** Runs {@code work} in one transaction and commits it (rolls back if it throws). */
  <T> T inTransaction(Function<IncidentTx, T> work);

  Optional<Incident> find(long id);

  List<Incident> list(IncidentQuery query);

  List<TimelineEntry> timeline(long incidentId);
}
