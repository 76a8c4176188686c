package dev.watchkeeper.oncall;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Reliefs indexed by user, for the layer and override computations. */
final class Reliefs {
  static final Reliefs NONE = new Reliefs(List.of());

  private final Map<String, List<Relief>> byUser = new HashMap<>();

  Reliefs(Collection<Relief> reliefs) {
    for (Relief r : reliefs) {
      if (r.until().isAfter(r.from())) {
        byUser.computeIfAbsent(r.userId(), u -> new ArrayList<>()).add(r);
      }
    }
  }

  boolean isEmpty() {
    return byUser.isEmpty();
  }

  boolean relieved(String user, Instant at) {
    for (Relief r : byUser.getOrDefault(user, List.of())) {
      if (r.covers(at)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Instants strictly inside {@code (start, end)} where the relief of any of {@code users} begins
   * or ends, sorted, followed by {@code end}: the ends of the pieces within which nobody's relief
   * changes.
   */
  List<Instant> pieceEnds(Collection<String> users, Instant start, Instant end) {
    TreeSet<Instant> cuts = new TreeSet<>();
    for (String user : users) {
      for (Relief r : byUser.getOrDefault(user, List.of())) {
        for (Instant cut : List.of(r.from(), r.until())) {
          if (cut.isAfter(start) && cut.isBefore(end)) {
            cuts.add(cut);
          }
        }
      }
    }
    cuts.add(end);
    return new ArrayList<>(cuts);
  }
}
