package dev.watchkeeper.oncall;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.List;

/** The one place where a schedule's local date-times become instants. */
final class LocalTimes {
  private LocalTimes() {}

  /**
   * The instant of {@code local} in {@code zone}: a local time in a DST gap is taken at the first
   * instant after the gap (the transition itself, not {@code java.time}'s "shift by the gap
   * length"); an ambiguous one at the earlier offset, i.e. its first occurrence.
   *
   * <p>This mapping is non-decreasing in {@code local}, and strictly increasing except that every
   * local time of one gap maps to the same instant. So consecutive handoffs can coincide only when
   * the earlier one lies in a gap; ambiguous local times never make them coincide.
   */
  static Instant resolve(LocalDateTime local, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      return rules.getTransition(local).getInstant();
    }
    // For an overlap the list is [offset before, offset after]: the first is the earlier instant.
    return local.toInstant(offsets.get(0));
  }

  /** True when {@code local} does not exist in {@code zone} (it falls in a gap). */
  static boolean inGap(LocalDateTime local, ZoneId zone) {
    return zone.getRules().getValidOffsets(local).isEmpty();
  }
}
