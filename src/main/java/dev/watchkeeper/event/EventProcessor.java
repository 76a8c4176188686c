package dev.watchkeeper.event;

import dev.watchkeeper.obs.LogEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the event log in order after the recorded position, hands events to the handlers, then
 * records the new position. Woken after every commit (then waits {@link #LINGER} for more);
 * also polls, so events committed by another node are seen. A handler failure stops progress
 * (nothing is skipped) and is retried after a pause. Only while it holds the {@link
 * ProcessorLease} (on PostgreSQL, one node of those sharing the database); otherwise it asks
 * again every {@link #POLL}.
 *
 * <p>Threading: one thread of its own; {@link #wake} from any thread.
 */
public final class EventProcessor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);
  static final int BATCH = 1000;
  static final Duration POLL = Duration.ofMillis(500);
  static final Duration LINGER = Duration.ofMillis(20);
  static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

  private final EventStore store;
  private final List<EventHandler> handlers;
  private final ProcessorLease lease;
  private final Semaphore signal = new Semaphore(0);
  private final Counter processed;
  private final Thread thread;
  private volatile boolean running = true;

  /** A processor that always processes (one node). */
  public EventProcessor(EventStore store, List<EventHandler> handlers, MeterRegistry meters) {
    this(store, handlers, meters, ProcessorLease.ALWAYS);
  }

  /** @param lease held by at most one node at a time; this one processes only while it holds it */
  public EventProcessor(EventStore store, List<EventHandler> handlers, MeterRegistry meters,
      ProcessorLease lease) {
    this.store = store;
    this.handlers = List.copyOf(handlers);
    this.lease = lease;
    this.processed = Counter.builder("watchkeeper.events.processed")
        .description("Events handed to routing and alerting").register(meters);
    this.thread = new Thread(this::run, "wk-event-processor");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public void wake() {
    signal.release();
  }

  private void run() {
    while (running) {
      try {
        if (!lease.hold() || !step()) {
          if (signal.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            // Let the commits of the next LINGER join this batch: each batch costs its own
            // write transactions (the alerts, the position) whatever its size, so under load
            // fewer, larger batches leave more of the CPU to ingest. An incident opens at most
            // LINGER later for it.
            Thread.sleep(LINGER.toMillis());
          }
          signal.drainPermits();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LogEvent.EVENT_PROCESSOR_FAILED.error(log).setCause(e)
            .log("event processing failed; retrying from the same position");
        try {
          Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Processes one batch; returns true if there may be more. Visible for tests. */
  boolean step() {
    long pos = store.processedPosition();
    List<StoredEvent> events = store.after(pos, BATCH);
    if (events.isEmpty()) {
      return false;
    }
    for (EventHandler h : handlers) {
      h.handle(events);
    }
    store.markProcessed(events.get(events.size() - 1).seq());
    processed.increment(events.size());
    return events.size() == BATCH;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lease.close();
  }
}
