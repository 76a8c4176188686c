package dev.watchkeeper.event;

import dev.watchkeeper.obs.LogEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: concurrent requests put their batches on a queue; writer threads take everything
 * waiting (up to a maximum number of events) and store it in ONE transaction, then complete every
 * request's future. A request's future completes only after its commit is on disk, so "202
 * Accepted" always means "durably stored"; on SQLite the fsync is pipelined ({@link
 * EventStore#appendPipelined}): the writer commits the next group while the last one syncs. A failed commit fails every request in it (they get a 503 and may retry
 * with the same event ids).
 *
 * <p>Threading: {@link #submit} from any thread; {@code writers} threads call the store. SQLite
 * must use one writer (it has one write lock anyway).
 */
public final class GroupCommitter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

  private record Pending(IngestBatch batch, CompletableFuture<AppendResult> future) {}

  private final EventStore store;
  private final int maxEvents;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final List<Thread> writers = new ArrayList<>();
  private final Runnable afterCommit;
  private final DistributionSummary batchEvents;
  private final DistributionSummary batchRequests;
  private final Timer commitTimer;
  private final Counter storedEvents;
  private final Counter duplicateEvents;
  private final Counter failedCommits;
  /** Commits not yet on disk (their requests not yet answered). */
  private final java.util.Set<CompletableFuture<?>> syncing =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  /**
   * @param afterCommit called on the writer thread after each successful commit (wakes the
   *     processor)
   */
  public GroupCommitter(EventStore store, int writerThreads, int maxEvents, MeterRegistry meters,
      Runnable afterCommit) {
    this.store = store;
    this.maxEvents = maxEvents;
    this.afterCommit = afterCommit;
    this.batchEvents = DistributionSummary.builder("watchkeeper.commit.batch.events")
        .description("Events stored per database commit (group commit batch size)")
        .publishPercentiles(0.5, 0.99).register(meters);
    this.batchRequests = DistributionSummary.builder("watchkeeper.commit.batch.requests")
        .description("Ingest requests sharing one database commit")
        .publishPercentiles(0.5, 0.99).register(meters);
    this.commitTimer = Timer.builder("watchkeeper.commit.duration")
        .description("Time to store and commit one group").register(meters);
    this.storedEvents = Counter.builder("watchkeeper.ingest.events.stored")
        .description("Events durably stored").register(meters);
    this.duplicateEvents = Counter.builder("watchkeeper.ingest.events.duplicate")
        .description("Events not stored again because their id was already stored")
        .register(meters);
    this.failedCommits = Counter.builder("watchkeeper.commit.failures")
        .description("Group commits that failed (their requests got 503)").register(meters);
    meters.gauge("watchkeeper.commit.queue.requests", queue, LinkedBlockingQueue::size);
    for (int i = 0; i < writerThreads; i++) {
      Thread t = new Thread(this::run, "wk-commit-" + i);
      t.setDaemon(false);
      writers.add(t);
      t.start();
    }
  }

  /** Queues a batch; the future completes after it is committed, or fails. */
  public CompletableFuture<AppendResult> submit(IngestBatch batch) {
    CompletableFuture<AppendResult> f = new CompletableFuture<>();
    if (closing) {
      f.completeExceptionally(new StorageUnavailableException("the server is shutting down"));
      return f;
    }
    queue.add(new Pending(batch, f));
    return f;
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    while (true) {
      Pending first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        if (closing && queue.isEmpty()) {
          return;
        }
        continue;
      }
      group.clear();
      group.add(first);
      int events = first.batch().events().size();
      while (events < maxEvents) {
        Pending next = queue.poll();
        if (next == null) {
          break;
        }
        group.add(next);
        events += next.batch().events().size();
      }
      commit(group, events);
    }
  }

  private void commit(List<Pending> group, int events) {
    List<IngestBatch> batches = new ArrayList<>(group.size());
    for (Pending p : group) {
      batches.add(p.batch());
    }
    long start = System.nanoTime();
    CompletableFuture<List<AppendResult>> durable;
    try {
      durable = store.appendPipelined(batches);
    } catch (RuntimeException e) {
      failed(group, events, e);
      return;
    }
    long nanos = System.nanoTime() - start;
    commitTimer.record(nanos, TimeUnit.NANOSECONDS);
    List<Pending> done = List.copyOf(group);
    syncing.add(durable);
    // Answered once durable: on SQLite by the WAL syncer's thread, while this one commits the
    // next group (see WalSync); elsewhere at once.
    durable.whenComplete((results, err) -> {
      syncing.remove(durable);
      if (err != null) {
        failed(done, events, err);
      } else {
        committed(done, events, results, nanos);
      }
    });
  }

  private void failed(List<Pending> group, int events, Throwable e) {
    failedCommits.increment();
    LogEvent.EVENT_COMMIT_FAILED.error(log)
        .addKeyValue("requests", group.size())
        .addKeyValue("events", events)
        .setCause(e)
        .log("storing a group of events failed; its requests were answered 503");
    for (Pending p : group) {
      p.future().completeExceptionally(
          new StorageUnavailableException("the event could not be stored: " + e.getMessage()));
    }
  }

  private void committed(List<Pending> group, int events, List<AppendResult> results,
      long nanos) {
    batchEvents.record(events);
    batchRequests.record(group.size());
    int dups = 0;
    for (int i = 0; i < group.size(); i++) {
      AppendResult r = results.get(i);
      dups += r.duplicates();
      group.get(i).future().complete(r);
    }
    storedEvents.increment(events - dups);
    duplicateEvents.increment(dups);
    if (log.isDebugEnabled()) {
      LogEvent.EVENT_BATCH_COMMITTED.debug(log)
          .addKeyValue("requests", group.size())
          .addKeyValue("events", events)
          .addKeyValue("duplicates", dups)
          .addKeyValue("commit_ms", nanos / 1_000_000.0)
          .log("event batch committed");
    }
    afterCommit.run();
  }

  /** Stops taking batches, commits everything already queued, and waits for the writers. */
  @Override
  public void close() {
    closing = true;
    for (Thread t : writers) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Anything that slipped in after the writers stopped is committed here.
    List<Pending> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) {
      commit(rest, rest.stream().mapToInt(p -> p.batch().events().size()).sum());
    }
    // ... and answered once synced.
    for (CompletableFuture<?> f : List.copyOf(syncing)) {
      try {
        f.get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // failed: its requests were answered 503; timed out: the database close syncs it
      }
    }
  }
}
