package dev.watchkeeper.mute;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One inhibition rule, as in Alertmanager's {@code inhibit_rules}: while an alert matching every
 * source matcher fires, alerts matching every target matcher that have the same values of the
 * {@code equal} labels are inhibited. A label missing on an alert counts as "" (so a label missing
 * on both alerts is equal), as in Alertmanager.
 */
public record InhibitRule(
    List<Matcher> sourceMatchers, List<Matcher> targetMatchers, List<String> equal) {

  public InhibitRule {
    sourceMatchers = List.copyOf(sourceMatchers);
    targetMatchers = List.copyOf(targetMatchers);
    equal = List.copyOf(equal);
  }

  public boolean matchesSource(Map<String, String> labels) {
    return all(sourceMatchers, labels);
  }

  public boolean matchesTarget(Map<String, String> labels) {
    return all(targetMatchers, labels);
  }

  /** Do the two label sets have the same value (missing = "") for every {@code equal} label? */
  boolean equalOn(Map<String, String> a, Map<String, String> b) {
    for (String name : equal) {
      if (!Objects.equals(a.getOrDefault(name, ""), b.getOrDefault(name, ""))) {
        return false;
      }
    }
    return true;
  }

  private static boolean all(List<Matcher> matchers, Map<String, String> labels) {
    for (Matcher m : matchers) {
      if (!m.matches(labels)) {
        return false;
      }
    }
    return true;
  }
}
