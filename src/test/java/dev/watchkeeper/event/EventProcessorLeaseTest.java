package dev.watchkeeper.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcEventStore;
import dev.watchkeeper.web.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor handles events only while it holds its lease, and starts once it gets it. */
class EventProcessorLeaseTest {
  @TempDir Path dir;
  Database db;
  EventProcessor processor;

  @AfterEach
  void close() {
    if (processor != null) {
      processor.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void processesOnlyWhileItHoldsTheLease() throws Exception {
    db = Database.open(new Storage("", null, null, dir, 2, 1), null);
    db.migrate();
    JdbcEventStore store = new JdbcEventStore(db, Json.create());
    store.append(List.of(new IngestBatch("r1", "svc", "k", null, Instant.now(), List.of(
        new Event("e1", "src", "t", Instant.now(), Severity.ERROR, "dk", "s", Map.of(), null)))));
    AtomicBoolean held = new AtomicBoolean(false);
    AtomicInteger asked = new AtomicInteger();
    AtomicBoolean closed = new AtomicBoolean();
    AtomicInteger handled = new AtomicInteger();
    processor = new EventProcessor(store, List.of(events -> handled.addAndGet(events.size())),
        new SimpleMeterRegistry(), new ProcessorLease() {
          @Override
          public boolean hold() {
            asked.incrementAndGet();
            return held.get();
          }

          @Override
          public void close() {
            closed.set(true);
          }
        });
    processor.start();
    processor.wake();

    await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() >= 3);
    assertThat(handled.get()).as("events handled without the lease").isZero();
    assertThat(store.processedPosition()).isZero();

    held.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.get() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.processedPosition() == 1);

    processor.close();
    assertThat(closed.get()).as("the lease is given up at shutdown").isTrue();
  }
}
