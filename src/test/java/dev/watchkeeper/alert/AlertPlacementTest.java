package dev.watchkeeper.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.AlertPlacement.AlertState;
import dev.watchkeeper.alert.AlertPlacement.Placed;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where each event's alert belongs: label routes for triggers, and acknowledge/resolve events that
 * name their alert only by dedup key follow it to the service it was routed to.
 */
class AlertPlacementTest {
  static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");
  static final LabelRoutes ROUTES = new LabelRoutes(Map.of("gateway", List.of(
      new LabelRoutes.Route(Map.of("team", "db"), Map.of(), "db"),
      new LabelRoutes.Route(Map.of("team", "web"), Map.of(), "web"))));

  /** Alerts as the store holds them: service -> fingerprint -> state; records every read. */
  final Map<String, Map<String, AlertState>> stored = new HashMap<>();
  final List<String> reads = new ArrayList<>();
  final AlertPlacement.Lookup lookup = (String service, Collection<String> fps) -> {
    reads.add(service);
    Map<String, AlertState> out = new HashMap<>();
    for (String fp : fps) {
      AlertState st = stored.getOrDefault(service, Map.of()).get(fp);
      if (st != null) {
        out.put(fp, st);
      }
    }
    return out;
  };
  long seq = 100;

  StoredEvent event(String keyService, String type, String dedupKey, Map<String, String> labels) {
    seq++;
    return new StoredEvent(seq, keyService, "r1", T0, new Event("e" + seq, "src", type, T0,
        Severity.CRITICAL, dedupKey, "s", labels, null));
  }

  void storedAlert(String service, String fp, AlertStatus status, long lastSeq) {
    stored.computeIfAbsent(service, s -> new HashMap<>()).put(fp, new AlertState(status, lastSeq));
  }

  List<String> services(List<Placed> placed) {
    return placed.stream().map(Placed::service).toList();
  }

  @Test
  void triggersFollowTheirLabelsAndNameTheKeysServiceAsRoutedFrom() {
    List<Placed> placed = AlertPlacement.forProcessing(List.of(
        event("gateway", "alert", null, Map.of("team", "db", "alertname", "Down")),
        event("gateway", "alert", null, Map.of("team", "payments")),
        event("other", "alert", null, Map.of("team", "db"))), ROUTES, lookup);

    assertThat(services(placed)).containsExactly("db", "gateway", "other");
    assertThat(placed.get(0).routedFrom()).isEqualTo("gateway");
    assertThat(placed.get(1).routedFrom()).isNull();
    assertThat(placed.get(0).fingerprint()).isEqualTo(Fingerprint.of(placed.get(0).event().event()));
    assertThat(reads).as("label-routed and unrouted events need no read").isEmpty();
  }

  @Test
  void resolveAndAcknowledgeByDedupKeyOnlyFindTheAlertFiringInARoutedService() {
    storedAlert("db", "disk-full", AlertStatus.FIRING, 7);

    List<Placed> placed = AlertPlacement.forProcessing(List.of(
        event("gateway", "pagerduty.acknowledge", "disk-full", Map.of()),
        event("gateway", "pagerduty.resolve", "disk-full", Map.of())), ROUTES, lookup);

    assertThat(services(placed)).containsExactly("db", "db");
    assertThat(placed).extracting(Placed::signal)
        .containsExactly(AlertSignal.ACKNOWLEDGE, AlertSignal.RESOLVE);
  }

  @Test
  void theKeysOwnServiceIsLookedAtFirst() {
    storedAlert("gateway", "k", AlertStatus.FIRING, 5);
    storedAlert("db", "k", AlertStatus.FIRING, 6);

    assertThat(services(AlertPlacement.forProcessing(
        List.of(event("gateway", "resolve", "k", Map.of())), ROUTES, lookup)))
        .containsExactly("gateway");
    assertThat(reads).containsExactlyInAnyOrder("gateway", "db", "web");
  }

  @Test
  void aResolvedAlertElsewhereDoesNotClaimAnEventAndItStaysWithTheKeysService() {
    storedAlert("db", "k", AlertStatus.RESOLVED, 6);

    assertThat(services(AlertPlacement.forProcessing(
        List.of(event("gateway", "resolve", "k", Map.of())), ROUTES, lookup)))
        .containsExactly("gateway");
  }

  @Test
  void aTriggerAndItsResolveInOneRunAgreeBeforeAnythingIsStored() {
    List<Placed> placed = AlertPlacement.forProcessing(List.of(
        event("gateway", "pagerduty.trigger", "k", Map.of("team", "web")),
        event("gateway", "pagerduty.acknowledge", "k", Map.of()),
        event("gateway", "pagerduty.resolve", "k", Map.of()),
        // resolved now: a later label-less resolve has no firing alert to follow
        event("gateway", "pagerduty.resolve", "k", Map.of())), ROUTES, lookup);

    assertThat(services(placed)).containsExactly("web", "web", "web", "gateway");
  }

  @Test
  void aReplayAfterACrashPlacesAnEventWhereItsAlertAlreadyAppliedIt() {
    StoredEvent resolve = event("gateway", "pagerduty.resolve", "k", Map.of());
    // The first pass resolved the db alert with this very event, then the process died.
    storedAlert("db", "k", AlertStatus.RESOLVED, resolve.seq());

    assertThat(services(AlertPlacement.forProcessing(List.of(resolve), ROUTES, lookup)))
        .containsExactly("db");
  }

  @Test
  void explainingAfterProcessingNamesTheAlertThatAppliedTheEventNotAnOlderOne() {
    storedAlert("gateway", "k", AlertStatus.RESOLVED, 3); // an old alert with the same key
    StoredEvent ack = event("gateway", "pagerduty.acknowledge", "k", Map.of());
    StoredEvent resolve = event("gateway", "pagerduty.resolve", "k", Map.of());
    storedAlert("db", "k", AlertStatus.RESOLVED, resolve.seq());

    assertThat(services(AlertPlacement.afterProcessing(List.of(ack, resolve), ROUTES, lookup)))
        .containsExactly("gateway", "db");
    // the acknowledgement changed no alert: the first reachable alert with the key answers
  }

  @Test
  void changeEventsAndServicesWithoutRoutesAreNeverLookedUp() {
    List<Placed> placed = AlertPlacement.forProcessing(List.of(
        event("gateway", "change", "deploy-1", Map.of("team", "db")),
        event("db", "resolve", "k", Map.of())), ROUTES, lookup);

    assertThat(services(placed)).containsExactly("gateway", "db");
    assertThat(placed.get(0).signal()).isEqualTo(AlertSignal.NONE);
    assertThat(reads).isEmpty();
  }
}
