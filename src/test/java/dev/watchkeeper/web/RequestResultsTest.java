package dev.watchkeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.AlertHandler;
import dev.watchkeeper.alert.LabelRoutes;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.IngestBatch;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAlertStore;
import dev.watchkeeper.store.JdbcEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request view reads a bounded number of events, whatever the size of the request. */
class RequestResultsTest {
  static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");

  @TempDir Path dir;
  Database db;
  JdbcEventStore events;
  JdbcAlertStore alerts;

  @BeforeEach
  void open() {
    db = Database.open(new Storage("", null, null, dir, 4, 1), null);
    db.migrate();
    events = new JdbcEventStore(db, Json.create());
    alerts = new JdbcAlertStore(db, Json.create());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aRequestLargerThanTheCapIsExplainedForItsFirstThousandEventsAndSaysSo() {
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < RequestResults.MAX_EVENTS + 5; i++) {
      batch.add(new Event("e" + i, "src", "t", T0, Severity.WARNING, "k" + i, null,
          Map.of("team", i % 2 == 0 ? "db" : "api"), null));
    }
    events.append(List.of(new IngestBatch("big", "gateway", "default", null, T0, batch)));
    LabelRoutes routes = new LabelRoutes(Map.of("gateway",
        List.of(new LabelRoutes.Route(Map.of("team", "db"), Map.of(), "db"))));
    new AlertHandler(alerts, null, () -> routes, new SimpleMeterRegistry())
        .handle(events.after(0, 2000));

    RequestResults.Results r =
        new RequestResults(events, alerts, null, () -> routes).of("big");

    assertThat(r.truncated()).isTrue();
    assertThat(r.events()).hasSize(RequestResults.MAX_EVENTS);
    assertThat(r.events().get(0).get("event_id")).isEqualTo("e0");
    assertThat(((Map<?, ?>) r.events().get(0).get("alert")).get("service")).isEqualTo("db");
    assertThat(((Map<?, ?>) r.events().get(1).get("alert")).get("service")).isEqualTo("gateway");
    assertThat(new RequestResults(events, alerts, null, () -> routes).of("none").events())
        .isEmpty();
  }
}
