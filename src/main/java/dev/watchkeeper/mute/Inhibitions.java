package dev.watchkeeper.mute;

import dev.watchkeeper.alert.AlertLabels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Inhibition with Alertmanager's semantics (inhibit/inhibit.go): an alert is inhibited when, for
 * some rule whose target matchers it matches, a firing alert (of any service) matches the rule's
 * source matchers and has the same values of the rule's {@code equal} labels. When the alert
 * matches the rule's source matchers too, source alerts that also match the target matchers are
 * disregarded for it, so an alert never inhibits itself and two alerts that both match both sides
 * do not inhibit each other. Unlike Alertmanager, which marks the alerts inhibited as it goes,
 * this is computed from the firing alerts when asked.
 *
 * <p>The rules come from the config in force at each {@link #snapshot} (reload-safe). Thread-safe;
 * a snapshot is not: one caller uses it, then drops it.
 */
public final class Inhibitions {
  /**
   * Most rules in one config: each alert checked is matched against every rule. Alertmanager has
   * no limit; real configs have a few dozen.
   */
  public static final int MAX_RULES = 100;

  private final Supplier<List<InhibitRule>> rules;
  private final Function<Predicate<Map<String, String>>, List<AlertLabels>> firing;

  /**
   * @param rules the rules in force
   * @param firing reads the firing alerts whose labels pass a filter ({@code AlertStore::firing})
   */
  public Inhibitions(Supplier<List<InhibitRule>> rules,
      Function<Predicate<Map<String, String>>, List<AlertLabels>> firing) {
    this.rules = rules;
    this.firing = firing;
  }

  /**
   * A function from an alert's labels to the fingerprints of the firing alerts that inhibit it
   * (sorted, no duplicates; empty when not inhibited), for checking many alerts. The firing alerts
   * are read lazily, once, and only if some alert asked about matches a rule's target matchers:
   * without rules, or when no alert is a possible target, nothing is read.
   */
  public Function<Map<String, String>, List<String>> snapshot() {
    List<InhibitRule> rs = rules.get();
    if (rs.isEmpty()) {
      return labels -> List.of();
    }
    return new Snapshot(rs, () -> firing.apply(labels -> anySource(rs, labels)));
  }

  /** Like {@link #snapshot}, over firing alerts the caller has already read (all of them). */
  public Function<Map<String, String>, List<String>> over(Collection<AlertLabels> firingAlerts) {
    List<InhibitRule> rs = rules.get();
    if (rs.isEmpty()) {
      return labels -> List.of();
    }
    return new Snapshot(rs, () -> List.copyOf(firingAlerts));
  }

  private static boolean anySource(List<InhibitRule> rules, Map<String, String> labels) {
    for (InhibitRule r : rules) {
      if (r.matchesSource(labels)) {
        return true;
      }
    }
    return false;
  }

  /** The rules, and the firing alerts each rule's source matchers select, read on first need. */
  private static final class Snapshot implements Function<Map<String, String>, List<String>> {
    private final List<InhibitRule> rules;
    private final Supplier<List<AlertLabels>> read;
    private List<List<AlertLabels>> sources; // per rule; null until read

    Snapshot(List<InhibitRule> rules, Supplier<List<AlertLabels>> read) {
      this.rules = rules;
      this.read = read;
    }

    @Override
    public List<String> apply(Map<String, String> labels) {
      TreeSet<String> by = null;
      for (int i = 0; i < rules.size(); i++) {
        InhibitRule r = rules.get(i);
        if (!r.matchesTarget(labels)) {
          continue;
        }
        // Alertmanager: when the target also matches the source side, source alerts for which
        // the same is true do not count (this is what keeps an alert from inhibiting itself).
        boolean twoSided = r.matchesSource(labels);
        for (AlertLabels source : sources().get(i)) {
          if (r.equalOn(source.labels(), labels)
              && !(twoSided && r.matchesTarget(source.labels()))) {
            if (by == null) {
              by = new TreeSet<>();
            }
            by.add(source.fingerprint());
          }
        }
      }
      return by == null ? List.of() : List.copyOf(by);
    }

    private List<List<AlertLabels>> sources() {
      if (sources == null) {
        List<AlertLabels> all = read.get();
        sources = new ArrayList<>(rules.size());
        for (InhibitRule r : rules) {
          List<AlertLabels> mine = new ArrayList<>();
          for (AlertLabels a : all) {
            if (r.matchesSource(a.labels())) {
              mine.add(a);
            }
          }
          sources.add(mine);
        }
      }
      return sources;
    }
  }
}
