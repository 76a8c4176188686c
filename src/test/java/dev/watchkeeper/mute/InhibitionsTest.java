package dev.watchkeeper.mute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.AlertLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Inhibition rules with Alertmanager's semantics, over a fixed set of firing alerts. */
class InhibitionsTest {
  static final InhibitRule CRITICAL_MUTES_WARNING =
      rule(List.of("severity=critical"), List.of("severity=warning"), List.of("cluster"));

  static InhibitRule rule(List<String> source, List<String> target, List<String> equal) {
    List<Matcher> s = new ArrayList<>();
    source.forEach(t -> s.addAll(MatcherParser.parse(t)));
    List<Matcher> t = new ArrayList<>();
    target.forEach(x -> t.addAll(MatcherParser.parse(x)));
    return new InhibitRule(s, t, equal);
  }

  static AlertLabels alert(String fingerprint, Map<String, String> labels) {
    return new AlertLabels("svc", fingerprint, labels);
  }

  /** The firing alerts are {@code firing}; counts the reads. */
  final List<AlertLabels> firing = new ArrayList<>();
  final AtomicInteger reads = new AtomicInteger();

  Function<Map<String, String>, List<String>> snapshot(InhibitRule... rules) {
    return new Inhibitions(() -> List.of(rules), keep -> {
      reads.incrementAndGet();
      return firing.stream().filter(a -> keep.test(a.labels())).toList();
    }).snapshot();
  }

  @Test
  void aCriticalAlertInhibitsAWarningWithTheSameCluster() {
    firing.add(alert("fp:crit", Map.of("severity", "critical", "cluster", "eu-1")));

    var inhibitedBy = snapshot(CRITICAL_MUTES_WARNING);

    assertThat(inhibitedBy.apply(Map.of("severity", "warning", "cluster", "eu-1")))
        .containsExactly("fp:crit");
    assertThat(inhibitedBy.apply(Map.of("severity", "warning", "cluster", "us-1"))).isEmpty();
    assertThat(inhibitedBy.apply(Map.of("severity", "info", "cluster", "eu-1"))).isEmpty();
  }

  @Test
  void anEqualLabelMissingOnBothAlertsCountsAsEqualButNotWhenMissingOnOne() {
    firing.add(alert("fp:crit", Map.of("severity", "critical")));

    var inhibitedBy = snapshot(CRITICAL_MUTES_WARNING);

    assertThat(inhibitedBy.apply(Map.of("severity", "warning"))).containsExactly("fp:crit");
    assertThat(inhibitedBy.apply(Map.of("severity", "warning", "cluster", "eu-1"))).isEmpty();
  }

  @Test
  void withoutEqualLabelsAnySourceInhibitsEveryTarget() {
    firing.add(alert("fp:crit", Map.of("severity", "critical", "cluster", "eu-1")));

    var inhibitedBy = snapshot(rule(List.of("severity=critical"), List.of("severity=warning"),
        List.of()));

    assertThat(inhibitedBy.apply(Map.of("severity", "warning", "cluster", "us-1")))
        .containsExactly("fp:crit");
  }

  @Test
  void anAlertMatchingBothSidesDoesNotInhibitItselfButInhibitsPureTargets() {
    InhibitRule nodeDown = rule(List.of("alertname=NodeDown"), List.of("alertname=~Node.*"),
        List.of("instance"));
    firing.add(alert("fp:down", Map.of("alertname", "NodeDown", "instance", "web-1")));

    var inhibitedBy = snapshot(nodeDown);

    assertThat(inhibitedBy.apply(Map.of("alertname", "NodeDown", "instance", "web-1"))).isEmpty();
    assertThat(inhibitedBy.apply(Map.of("alertname", "NodeDiskFull", "instance", "web-1")))
        .containsExactly("fp:down");
  }

  @Test
  void twoSidedAlertsDoNotInhibitEachOtherButASourceOnlyAlertInhibitsThem() {
    InhibitRule rule = rule(List.of("severity=critical"), List.of("team=db"), List.of());
    firing.add(alert("fp:db-a", Map.of("severity", "critical", "team", "db", "job", "a")));
    firing.add(alert("fp:db-b", Map.of("severity", "critical", "team", "db", "job", "b")));

    Map<String, String> dbA = Map.of("severity", "critical", "team", "db", "job", "a");
    assertThat(snapshot(rule).apply(dbA)).isEmpty();

    firing.add(alert("fp:web", Map.of("severity", "critical", "team", "web")));
    assertThat(snapshot(rule).apply(dbA)).containsExactly("fp:web");
  }

  @Test
  void regexAndNegativeMatchersWorkOnBothSides() {
    InhibitRule rule = rule(List.of("alertname=~\"Cluster(Down|Unreachable)\""),
        List.of("{severity!~\"critical|page\", alertname!=Watchdog}"), List.of("cluster"));
    firing.add(alert("fp:unreach", Map.of("alertname", "ClusterUnreachable", "cluster", "c1")));
    firing.add(alert("fp:other", Map.of("alertname", "ClusterDownish", "cluster", "c1")));

    var inhibitedBy = snapshot(rule);

    assertThat(inhibitedBy.apply(Map.of("alertname", "PodCrash", "severity", "warning",
        "cluster", "c1"))).containsExactly("fp:unreach");
    assertThat(inhibitedBy.apply(Map.of("alertname", "PodCrash", "cluster", "c1")))
        .containsExactly("fp:unreach"); // a missing severity is "", which !~ accepts
    assertThat(inhibitedBy.apply(Map.of("alertname", "PodCrash", "severity", "page",
        "cluster", "c1"))).isEmpty();
    assertThat(inhibitedBy.apply(Map.of("alertname", "Watchdog", "cluster", "c1"))).isEmpty();
  }

  @Test
  void sourcesOfEveryMatchingRuleAreListedSortedOnce() {
    InhibitRule byCluster = CRITICAL_MUTES_WARNING;
    InhibitRule anyOutage = rule(List.of("alertname=Outage"), List.of("severity=warning"),
        List.of());
    firing.add(alert("fp:z-crit", Map.of("severity", "critical", "cluster", "eu-1")));
    firing.add(alert("fp:a-outage", Map.of("alertname", "Outage", "severity", "critical",
        "cluster", "eu-1")));

    assertThat(snapshot(byCluster, anyOutage).apply(Map.of("severity", "warning",
        "cluster", "eu-1"))).containsExactly("fp:a-outage", "fp:z-crit");
  }

  @Test
  void firingAlertsAreReadOnceAndOnlyWhenAnAlertIsAPossibleTarget() {
    firing.add(alert("fp:crit", Map.of("severity", "critical", "cluster", "eu-1")));

    var inhibitedBy = snapshot(CRITICAL_MUTES_WARNING);
    inhibitedBy.apply(Map.of("severity", "critical", "cluster", "eu-1"));
    inhibitedBy.apply(Map.of("severity", "error"));
    assertThat(reads).hasValue(0);

    inhibitedBy.apply(Map.of("severity", "warning", "cluster", "eu-1"));
    inhibitedBy.apply(Map.of("severity", "warning", "cluster", "us-1"));
    assertThat(reads).hasValue(1);

    snapshot().apply(Map.of("severity", "warning"));
    assertThat(reads).hasValue(1); // no rules: nothing to read
  }

  @Test
  void eachSnapshotUsesTheRulesInForce() {
    List<InhibitRule> inForce = new ArrayList<>(List.of(CRITICAL_MUTES_WARNING));
    firing.add(alert("fp:crit", Map.of("severity", "critical")));
    Inhibitions inhibitions = new Inhibitions(() -> List.copyOf(inForce),
        keep -> firing.stream().filter(a -> keep.test(a.labels())).toList());

    assertThat(inhibitions.snapshot().apply(Map.of("severity", "warning"))).hasSize(1);
    inForce.clear(); // a reload removed the rule
    assertThat(inhibitions.snapshot().apply(Map.of("severity", "warning"))).isEmpty();
  }
}
