package dev.watchkeeper.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.AppendResult;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.EventQuery;
import dev.watchkeeper.event.IngestBatch;
import dev.watchkeeper.event.RequestStatus;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.web.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One behaviour contract for {@link JdbcEventStore}, run against every supported database. */
abstract class EventStoreContract {
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

  Database db;
  JdbcEventStore store;

  abstract Storage storage() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = Database.open(storage(), null);
    db.migrate();
    store = new JdbcEventStore(db, Json.create());
  }

  @AfterEach
  void close() {
    if (db != null) { // null when PostgreSQL tests are skipped
      db.close();
    }
  }

  static Event event(String id, String source, Severity severity, Instant time) {
    return new Event(id, source, "test.type", time, severity, "dk-" + id, "summary " + id,
        Map.of("env", "prod"), "{\"n\":1}");
  }

  static IngestBatch batch(String requestId, String service, Event... events) {
    return new IngestBatch(requestId, service, "default", "trace-" + requestId, T0,
        List.of(events));
  }

  @Test
  void aPipelinedAppendCompletesOnceStoredAndOnlyThenReachesTheProcessor() throws Exception {
    long before = store.processedPosition();
    var f = store.appendPipelined(List.of(batch("req-p1", "svc", event("p1", "src",
        Severity.ERROR, T0)), batch("req-p2", "svc", event("p2", "src", Severity.ERROR, T0),
        event("p1", "src", Severity.ERROR, T0))));
    List<AppendResult> results = f.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(results).hasSize(2);
    assertThat(results.get(1).duplicates()).as("p1 again in the second request").isEqualTo(1);
    assertThat(store.after(before, 10)).extracting(e -> e.event().id())
        .containsExactly("p1", "p2");
    // A synchronous append after it is seen too.
    store.append(List.of(batch("req-p3", "svc", event("p3", "src", Severity.ERROR, T0))));
    assertThat(store.after(before, 10)).extracting(e -> e.event().id())
        .containsExactly("p1", "p2", "p3");
  }

  @Test
  void storesEveryFieldAndReadsItBack() {
    store.append(List.of(batch("r1", "svc", event("e1", "web-1", Severity.ERROR, T0))));

    List<StoredEvent> found = store.find(new EventQuery(null, null, null, null, null, null, null,
        10));
    assertThat(found).hasSize(1);
    StoredEvent se = found.get(0);
    assertThat(se.service()).isEqualTo("svc");
    assertThat(se.requestId()).isEqualTo("r1");
    assertThat(se.event()).isEqualTo(event("e1", "web-1", Severity.ERROR, T0));
  }

  @Test
  void sameEventIdInOneServiceIsStoredOnceAndReportedAsDuplicate() {
    store.append(List.of(batch("r1", "svc", event("e1", "a", null, T0))));
    List<AppendResult> again = store.append(List.of(
        batch("r2", "svc", event("e1", "a", null, T0), event("e2", "a", null, T0)),
        batch("r3", "other", event("e1", "a", null, T0))));

    assertThat(again.get(0).duplicate()).containsExactly(true, false);
    assertThat(again.get(1).duplicate()).containsExactly(false);
    assertThat(store.find(new EventQuery("svc", null, null, null, null, null, null, 10)))
        .hasSize(2);
    assertThat(store.request("r2").orElseThrow().duplicates()).isEqualTo(1);
  }

  @Test
  void filtersBySourceSeverityAndTimeRange() {
    store.append(List.of(batch("r1", "svc",
        event("e1", "web", Severity.ERROR, T0),
        event("e2", "db", Severity.ERROR, T0.plusSeconds(60)),
        event("e3", "web", Severity.INFO, T0.plusSeconds(120)))));

    assertThat(ids(new EventQuery(null, "web", null, null, null, null, null, 10)))
        .containsExactly("e3", "e1");
    assertThat(ids(new EventQuery(null, null, null, Severity.ERROR, null, null, null, 10)))
        .containsExactly("e2", "e1");
    assertThat(ids(new EventQuery(null, null, null, null, T0.plusSeconds(60),
        T0.plusSeconds(120), null, 10))).containsExactly("e2");
  }

  @Test
  void pagesThroughEveryEventNewestFirstWithoutGapsOrRepeats() {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      events.add(event("e" + i, "s", null, T0));
    }
    store.append(List.of(batch("r1", "svc", events.toArray(Event[]::new))));

    List<String> seen = new ArrayList<>();
    Long cursor = null;
    while (true) {
      List<StoredEvent> page = store.find(new EventQuery(null, null, null, null, null, null,
          cursor, 10));
      page.forEach(se -> seen.add(se.event().id()));
      if (page.size() < 10) {
        break;
      }
      cursor = page.get(page.size() - 1).seq();
    }
    assertThat(seen).hasSize(25).doesNotHaveDuplicates().startsWith("e24").endsWith("e0");
  }

  @Test
  void requestIsProcessedOnlyAfterTheProcessorPassesItsLastEvent() {
    store.append(List.of(batch("r1", "svc", event("e1", "s", null, T0), event("e2", "s", null,
        T0))));
    RequestStatus before = store.request("r1").orElseThrow();
    assertThat(before.events()).isEqualTo(2);
    assertThat(before.processed()).isFalse();

    List<StoredEvent> pending = store.after(store.processedPosition(), 1);
    store.markProcessed(pending.get(0).seq());
    assertThat(store.request("r1").orElseThrow().processed()).isFalse();

    store.markProcessed(store.after(store.processedPosition(), 10).get(0).seq());
    assertThat(store.request("r1").orElseThrow().processed()).isTrue();
    assertThat(store.after(store.processedPosition(), 10)).isEmpty();
  }

  @Test
  void eventsOfOneRequestAreReadInLogOrderUpToALimit() {
    store.append(List.of(batch("r1", "svc", event("e1", "s", null, T0), event("e2", "s", null,
        T0), event("e3", "s", null, T0)), batch("r2", "svc", event("e4", "s", null, T0))));

    assertThat(store.ofRequest("r1", 10)).extracting(se -> se.event().id())
        .containsExactly("e1", "e2", "e3");
    assertThat(store.ofRequest("r1", 2)).extracting(se -> se.event().id())
        .containsExactly("e1", "e2");
    assertThat(store.ofRequest("r2", 10)).extracting(StoredEvent::requestId)
        .containsExactly("r2");
    assertThat(store.ofRequest("nope", 10)).isEmpty();
  }

  @Test
  void requestsSharingACommitEachSeeOnlyTheirOwnEventsAndARequestOfDuplicatesIsDone() {
    store.append(List.of(batch("r0", "svc", event("e0", "s", null, T0))));
    store.markProcessed(store.after(0, 10).get(0).seq());
    // One commit: r1 and r3 store events around r2, whose only event is a duplicate.
    store.append(List.of(batch("r1", "svc", event("e1", "s", null, T0), event("e2", "s", null,
        T0)), batch("r2", "svc", event("e0", "s", null, T0)),
        batch("r3", "svc", event("e3", "s", null, T0))));

    assertThat(store.ofRequest("r1", 10)).extracting(se -> se.event().id())
        .containsExactly("e1", "e2");
    assertThat(store.ofRequest("r2", 10)).as("stored nothing").isEmpty();
    assertThat(store.ofRequest("r3", 10)).extracting(se -> se.event().id())
        .containsExactly("e3");
    assertThat(store.ofRequest("r0", 10)).extracting(se -> se.event().id())
        .containsExactly("e0");
    assertThat(store.request("r2").orElseThrow().processed())
        .as("nothing of it to process").isTrue();
    assertThat(store.request("r1").orElseThrow().processed()).isFalse();
    assertThat(store.request("r3").orElseThrow().processed()).isFalse();

    store.markProcessed(store.after(store.processedPosition(), 10).get(2).seq());
    assertThat(store.request("r1").orElseThrow().processed()).isTrue();
    assertThat(store.request("r3").orElseThrow().processed()).isTrue();
  }

  @Test
  void processorPositionNeverMovesBackward() {
    store.append(List.of(batch("r1", "svc", event("e1", "s", null, T0), event("e2", "s", null,
        T0))));
    List<StoredEvent> all = store.after(0, 10);
    store.markProcessed(all.get(1).seq());
    store.markProcessed(all.get(0).seq());
    assertThat(store.processedPosition()).isEqualTo(all.get(1).seq());
  }

  @Test
  void unknownRequestIsEmptyAndDatabaseIsReady() {
    assertThat(store.request("nope")).isEmpty();
    assertThat(store.ping()).isTrue();
    assertThat(db.ready()).isTrue();
  }

  private List<String> ids(EventQuery q) {
    return store.find(q).stream().map(se -> se.event().id()).toList();
  }
}
