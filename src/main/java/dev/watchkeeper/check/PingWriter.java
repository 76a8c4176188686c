package dev.watchkeeper.check;

import dev.watchkeeper.obs.LogEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for pings: concurrent pings wait on a queue; one writer thread stores everything
 * waiting (up to {@link #MAX_BATCH}) in one transaction and completes their futures once it is
 * on disk. So "OK" is answered only for a ping that is durably stored, at one fsync per batch
 * instead of one per ping; on SQLite the fsync runs on the WAL syncer while the writer stores the
 * next batch ({@link CheckStore#inPipelinedTransaction}). A failed transaction fails every ping in it (the sender gets a 503 and may retry).
 *
 * <p>Threading: {@link #submit} from any thread; one writer thread of its own. The futures are
 * completed on another thread ({@code wk-ping-answer}): what depends on them (writing the HTTP
 * answers) must not hold up the next commit.
 */
public final class PingWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PingWriter.class);
  static final int MAX_BATCH = 2000;

  /** Why a ping was not stored. */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message);
    }
  }

  private record Pending(Ping ping, CompletableFuture<Boolean> future) {}

  private final Checks checks;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final java.util.concurrent.ExecutorService answers =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wk-ping-answer");
        t.setDaemon(true);
        return t;
      });
  private final DistributionSummary batchSize;
  private final Counter stored;
  /** Batches committed and not yet on disk. */
  private final java.util.Set<CompletableFuture<?>> syncing =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  public PingWriter(Checks checks, MeterRegistry meters) {
    this.checks = checks;
    this.batchSize = DistributionSummary.builder("watchkeeper.checks.ping.batch")
        .description("Pings stored per database commit").register(meters);
    this.stored = Counter.builder("watchkeeper.checks.pings.stored")
        .description("Pings durably stored").register(meters);
    meters.gauge("watchkeeper.checks.ping.queue", queue, LinkedBlockingQueue::size);
    this.writer = new Thread(this::run, "wk-ping-writer");
    writer.start();
  }

  /** Queues a ping; completes with true once stored, false if its check no longer exists. */
  public CompletableFuture<Boolean> submit(Ping ping) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    if (closing) {
      f.completeExceptionally(new Unavailable("the server is shutting down"));
      return f;
    }
    queue.add(new Pending(ping, f));
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
      queue.drainTo(group, MAX_BATCH - 1);
      commit(group);
    }
  }

  private void commit(List<Pending> group) {
    List<Ping> pings = new ArrayList<>(group.size());
    for (Pending p : group) {
      pings.add(p.ping());
    }
    List<Pending> done = List.copyOf(group);
    CompletableFuture<List<Boolean>> durable;
    try {
      durable = checks.recordPipelined(pings);
    } catch (RuntimeException e) {
      failed(done, e);
      return;
    }
    syncing.add(durable);
    // On SQLite the WAL syncer completes this while the next batch is being stored (WalSync).
    durable.whenComplete((found, err) -> {
      syncing.remove(durable);
      if (err != null) {
        failed(done, err);
        return;
      }
      batchSize.record(done.size());
      stored.increment(done.size());
      answer(() -> {
        for (int i = 0; i < done.size(); i++) {
          done.get(i).future().complete(found.get(i));
        }
      });
    });
  }

  private void failed(List<Pending> group, Throwable e) {
    LogEvent.CHECK_PINGS_FAILED.error(log).addKeyValue("pings", group.size()).setCause(e)
        .log("storing pings failed; they were answered 503");
    answer(() -> {
      for (Pending p : group) {
        p.future().completeExceptionally(new Unavailable("the ping could not be stored"));
      }
    });
  }

  private void answer(Runnable r) {
    try {
      answers.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      r.run(); // closed: answer here
    }
  }

  /** Stops taking pings, stores everything already queued, and waits for the writer. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Pending> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) {
      commit(rest);
    }
    for (CompletableFuture<?> f : List.copyOf(syncing)) {
      try {
        f.get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // failed: answered 503; timed out: the database close syncs it
      }
    }
    answers.shutdown();
    try {
      answers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
