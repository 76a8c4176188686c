package dev.watchkeeper.rota;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable schedule overrides (runtime state: they survive config reloads and restarts). Times
 * are kept to the millisecond. Implementations are thread-safe; every method is one statement,
 * so nodes sharing a database see each other's changes at once.
 */
public interface OverrideStore {

  /** Stores a new override (its id is ignored) and returns it with the id it got. */
  StoredOverride insert(StoredOverride override);

  /** The overrides of {@code scheduleId} that overlap {@code [from, to)}, oldest (lowest id) first. */
  List<StoredOverride> overlapping(String scheduleId, Instant from, Instant to);

  /** The overrides of every schedule that overlap {@code [from, to)}, oldest first. */
  List<StoredOverride> overlapping(Instant from, Instant to);

  Optional<StoredOverride> find(String scheduleId, long id);

  /** Removes an override; false when there was none (or it was removed meanwhile). */
  boolean delete(String scheduleId, long id);

  /**
   * Moves an override's end to {@code newEnd} if its end is still {@code expectedEnd} (so two
   * nodes ending one override do not both win); false otherwise.
   */
  boolean end(String scheduleId, long id, Instant expectedEnd, Instant newEnd);

  /** How many overrides of {@code scheduleId} end after {@code now}. */
  int countEndingAfter(String scheduleId, Instant now);
}
