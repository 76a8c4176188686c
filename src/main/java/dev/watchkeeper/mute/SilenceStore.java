package dev.watchkeeper.mute;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Durable silences. Implementations are thread-safe. */
public interface SilenceStore {
  void insert(Silence silence);

  /**
   * Replaces the stored silence with {@code next.id()} only if it still has
   * {@code expectedUpdatedAt} (optimistic concurrency between nodes sharing one database).
   *
   * @return false when the silence is missing or was changed meanwhile
   */
  boolean replace(Silence next, Instant expectedUpdatedAt);

  Optional<Silence> find(String id);

  /** Every stored silence, in no particular order. */
  List<Silence> all();

  /** Silences active at {@code now}: {@code startsAt <= now < endsAt}. */
  List<Silence> activeAt(Instant now);
}
