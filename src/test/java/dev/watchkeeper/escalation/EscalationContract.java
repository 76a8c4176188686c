package dev.watchkeeper.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.AlertHandler;
import dev.watchkeeper.config.ConfigLoader;
import dev.watchkeeper.config.ConfigResult;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.incident.Grouping;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentEngine;
import dev.watchkeeper.incident.IncidentQuery;
import dev.watchkeeper.incident.IncidentState;
import dev.watchkeeper.incident.Lifecycle;
import dev.watchkeeper.incident.Outcome;
import dev.watchkeeper.incident.Page;
import dev.watchkeeper.incident.TimelineEntry;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAlertStore;
import dev.watchkeeper.store.JdbcIncidentStore;
import dev.watchkeeper.web.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.watchkeeper.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The classic escalation map, written in the config, on durable timers with a settable clock: level 1 first responders
 * get 15 minutes, level 2 engineers until T+60, level 3 seniors 30 more minutes, then
 * developers, and the CTO only if all else failed. Run against every supported database.
 */
abstract class EscalationContract {
  static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");

  /** The classic map, written in the config as an operator would. */
  static final WatchkeeperConfig CONFIG = load("""
      users:
        - {id: ann}
        - {id: ben}
        - {id: eve}
        - {id: ed}
        - {id: sam}
        - {id: dev1}
        - {id: dev2}
        - {id: dev3}
        - {id: cto}
      teams:
        - {id: first, members: [ann, ben]}
        - {id: engineers, members: [eve, ed]}
        - {id: developers, members: [dev1, dev2, dev3]}
      escalation_policies:
        - id: classic
          levels:
            - {targets: [{team: first}], delay: 15m}       # first responders: 15 minutes
            - {targets: [{team: engineers}], delay: 45m}   # engineers until T+60
            - {targets: [{user: sam}], delay: 30m}         # seniors, 30 more minutes
            - {targets: [{team: developers}], delay: 30m}  # then developers
            - {targets: [{user: cto}], delay: 30m}         # the CTO only if all else failed
        - id: rotating
          repeat: 1
          levels:
            - {targets: [{team: first}], delay: 5m, round_robin: true}
      services:
        - {id: classic, integration_keys: [{name: k, key: classic-key-1}],
           escalation_policy: classic}
        - {id: rotating, integration_keys: [{name: k, key: rotating-key-1}],
           escalation_policy: rotating}
      """);
  static final EscalationPolicy CLASSIC = CONFIG.oncall().policy("classic").orElseThrow();
  static final EscalationPolicy ROTATING = CONFIG.oncall().policy("rotating").orElseThrow();

  static WatchkeeperConfig load(String yaml) {
    ConfigResult r = ConfigLoader.parse(yaml, name -> null);
    assertThat(r).isInstanceOf(ConfigResult.Valid.class);
    return ((ConfigResult.Valid) r).config();
  }

  Database db;
  JdbcIncidentStore incidents;
  IncidentEngine engine;
  AlertHandler handler;
  Instant now = T0;
  long seq;

  abstract Storage storage();

  @BeforeEach
  void open() {
    db = Database.open(storage(), null);
    db.migrate();
    incidents = new JdbcIncidentStore(db, Json.create());
    Clock clock = SettableClock.following(() -> now);
    Escalator escalator = new Escalator(
        service -> CONFIG.service(service).map(WatchkeeperConfig.Service::escalationPolicy)
            .flatMap(id -> CONFIG.oncall().policy(id)),
        target -> target.kind() == Target.Kind.TEAM
            ? CONFIG.oncall().team(target.id()).orElseThrow().members()
            : List.of(target.id()));
    engine = new IncidentEngine(incidents, clock, service -> Grouping.DEFAULT,
        () -> (service, labels) -> List.of(), () -> labels -> List.of(),
        service -> service.equals("classic")
            ? new Lifecycle(Duration.ofMinutes(10), Duration.ZERO, true, 0, Duration.ofMinutes(30))
            : Lifecycle.DEFAULT,
        escalator);
    handler = new AlertHandler(new JdbcAlertStore(db, Json.create()), engine,
        new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    if (db != null) { // null when PostgreSQL tests are skipped
      db.close();
    }
  }

  long trigger(String service, String key) {
    seq++;
    handler.handle(List.of(new StoredEvent(seq, service, "r" + seq, now, new Event("e" + seq,
        "src", "alert.firing", now, Severity.CRITICAL, key, "summary of " + key, Map.of(),
        null))));
    return incidents.list(new IncidentQuery(null, null, null, null, null, null, null, 1)).get(0)
        .id();
  }

  /** Moves the clock and fires what came due, as the timer thread does. */
  void advance(Duration d) {
    now = now.plus(d);
    while (engine.fireDueTimers(100) > 0) {
      // fire until nothing is due
    }
  }

  /** Who was paged, as "level:user@minutes after T0". */
  List<String> pages(long id) {
    return incidents.pages(id).stream().map(p -> p.level() + ":" + p.userId() + "@"
        + Duration.between(T0, p.at()).toMinutes()).toList();
  }

  List<String> messages(long id, String kind) {
    return incidents.timeline(id).stream().filter(t -> t.kind().equals(kind))
        .map(TimelineEntry::message).toList();
  }

  @Test
  void theClassicMapEscalatesLevelByLevelWhenNobodyAcknowledges() {
    long id = trigger("classic", "db-down");
    assertThat(pages(id)).containsExactly("1:ann@0", "1:ben@0");

    advance(Duration.ofMinutes(14));
    assertThat(pages(id)).hasSize(2);
    advance(Duration.ofMinutes(1)); // T+15
    assertThat(pages(id)).endsWith("2:eve@15", "2:ed@15");
    advance(Duration.ofMinutes(45)); // T+60
    assertThat(pages(id)).endsWith("3:sam@60");
    advance(Duration.ofMinutes(30)); // T+90
    assertThat(pages(id)).endsWith("4:dev1@90", "4:dev2@90", "4:dev3@90");
    advance(Duration.ofMinutes(30)); // T+120: the CTO, only now
    assertThat(pages(id)).endsWith("5:cto@120").hasSize(9);
    advance(Duration.ofHours(5));
    assertThat(pages(id)).hasSize(9);
    assertThat(incidents.escalation(id).orElseThrow().exhausted()).isTrue();
    assertThat(messages(id, "incident.escalated")).element(1).isEqualTo("escalated to level 2 of"
        + " policy classic (targets: team engineers; paged eve, ed): not acknowledged within"
        + " 15 min; next level unless acknowledged within 45 min");
    assertThat(messages(id, "incident.escalation_exhausted")).containsExactly("escalation"
        + " policy classic exhausted: every level paged 1 time and nobody acknowledged");
  }

  @Test
  void acknowledgingStopsTheEscalationAndAnAckTimeoutStartsItOver() {
    long id = trigger("classic", "db-down");
    advance(Duration.ofMinutes(20)); // level 2 paged at T+15
    assertThat(engine.acknowledge(id, "eve")).isInstanceOf(Outcome.Done.class);
    advance(Duration.ofMinutes(9));
    assertThat(pages(id)).hasSize(4);
    assertThat(incidents.escalation(id).orElseThrow().level()).isEqualTo(2);
    // The acknowledgement times out after 10 min (T+30): back to triggered, level 1 again.
    advance(Duration.ofMinutes(1));
    assertThat(incidents.find(id).orElseThrow().state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(pages(id)).endsWith("1:ann@30", "1:ben@30");
    assertThat(incidents.escalation(id).orElseThrow().level()).isEqualTo(1);
  }

  @Test
  void resolvingStopsEverything() {
    long id = trigger("classic", "db-down");
    engine.resolve(id, "ann");
    advance(Duration.ofHours(3));
    assertThat(pages(id)).containsExactly("1:ann@0", "1:ben@0");
  }

  @Test
  void escalateNowPagesTheNextLevelAndRestartsItsClock() {
    long id = trigger("classic", "db-down");
    advance(Duration.ofMinutes(5));
    engine.acknowledge(id, "ann");
    Outcome o = engine.escalate(id, "token:ann");
    assertThat(o).isInstanceOf(Outcome.Done.class);
    assertThat(((Outcome.Done) o).incident().state()).isEqualTo(IncidentState.TRIGGERED);
    assertThat(pages(id)).endsWith("2:eve@5", "2:ed@5");
    assertThat(incidents.pages(id).get(2).reason()).isEqualTo("escalated by token:ann");
    advance(Duration.ofMinutes(44));
    assertThat(pages(id)).hasSize(4);
    advance(Duration.ofMinutes(1)); // 45 min after the manual escalation
    assertThat(pages(id)).endsWith("3:sam@50");
  }

  @Test
  void escalatingAResolvedIncidentOrOneWithoutAPolicyIsAConflict() {
    long none = trigger("no-policy", "x");
    assertThat(incidents.pages(none)).isEmpty();
    assertThat(messages(none, "incident.not_paged"))
        .containsExactly("service no-policy has no escalation policy; nobody was paged");
    assertThat(engine.escalate(none, "token:ann")).isEqualTo(
        new Outcome.Conflict("service no-policy has no escalation policy"));
    long id = trigger("classic", "db-down");
    engine.resolve(id, "ann");
    assertThat(engine.escalate(id, "token:ann"))
        .isEqualTo(new Outcome.Conflict("incident " + id + " is resolved; it cannot be escalated"));
  }

  @Test
  void roundRobinPagesTheNextPersonEachTimeAndThePolicyRepeats() {
    long id = trigger("rotating", "a");
    advance(Duration.ofMinutes(5)); // repeat 1: the policy runs a second time
    advance(Duration.ofMinutes(5)); // exhausted
    assertThat(pages(id)).containsExactly("1:ann@0", "1:ben@5");
    assertThat(incidents.escalation(id).orElseThrow().exhausted()).isTrue();
    engine.resolve(id, "ann");
    long next = trigger("rotating", "b");
    assertThat(pages(next)).containsExactly("1:ann@10");
  }

  @Test
  void aLevelFiresOnceEvenWhenItsTimerIsOverdueByHours() {
    long id = trigger("classic", "db-down");
    now = now.plus(Duration.ofHours(6)); // nothing ran meanwhile (the server was down)
    assertThat(engine.fireDueTimers(100)).isEqualTo(1);
    assertThat(pages(id)).endsWith("2:eve@360", "2:ed@360").hasSize(4);
    // The next level's delay counts from when level 2 actually fired.
    assertThat(engine.fireDueTimers(100)).isZero();
  }
}
