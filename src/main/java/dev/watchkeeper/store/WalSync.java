package dev.watchkeeper.store;

import dev.watchkeeper.obs.LogEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipelined fsync of SQLite's write-ahead log. A hot-path writer (group commits of events and of
 * pings) commits at {@code synchronous=NORMAL}, so the commit writes its WAL frames without
 * waiting for the disk, and then asks {@link #afterCommits()} when it is durable; this thread
 * {@code fdatasync}s the WAL file and completes every request made before the sync began. The
 * writer meanwhile runs the next transaction, so the fsync (1–2 ms under load, 60% of a commit
 * at one alert per request: bench/RESULTS.md) no longer holds the write lock.
 *
 * <p>Why this is as durable as {@code synchronous=FULL}: {@code fdatasync} on any descriptor of
 * a file writes all of that file's dirty pages, whichever descriptor wrote them, and a request
 * is answered only by a sync that began after its commit returned. A crash before the sync can
 * only cut the WAL at a frame boundary (frames carry cumulative checksums), so what is lost is a
 * suffix of commits none of whose requests were answered; later commits cannot survive without
 * earlier ones. A checkpoint syncs the WAL itself before copying it into the database file.
 *
 * <p>A failed sync fails its requests and every later one (they answer 503): after a failed
 * {@code fsync} Linux may have dropped the dirty pages, so a later success would prove nothing.
 * The server must be restarted (recovery reads the WAL as it is on disk).
 *
 * <p>Threading: {@link #afterCommits} from any thread; the futures complete on the
 * {@code wk-db-sync} thread (callers hand long work elsewhere).
 */
public final class WalSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalSync.class);

  /** Forces a file's data to disk (the production one opens the WAL and fdatasyncs it). */
  @FunctionalInterface
  interface Syncer {
    void sync() throws IOException;
  }

  private final Syncer syncer;
  private final Thread thread;
  private final Timer syncTimer;
  /** Requests not yet covered by a sync, in order. Guarded by this. */
  private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  private IOException failure; // guarded by this; sticky
  private boolean closing; // guarded by this
  private boolean stopped; // guarded by this: the thread takes no more requests

  /** Syncs {@code walFile} (a missing file has nothing to sync: SQLite removed it on close). */
  static WalSync of(Path walFile, MeterRegistry meters) {
    return new WalSync(() -> {
      try (FileChannel ch = FileChannel.open(walFile, StandardOpenOption.READ)) {
        ch.force(false);
      } catch (NoSuchFileException e) {
        // No WAL: everything was checkpointed into the database file and synced there.
      }
    }, meters);
  }

  WalSync(Syncer syncer, MeterRegistry meters) {
    this.syncer = syncer;
    this.syncTimer = meters == null ? null : Timer.builder("watchkeeper.db.wal.sync")
        .description("fdatasync of the SQLite write-ahead log for group commits (one per batch"
            + " of commits)").register(meters);
    this.thread = new Thread(this::run, "wk-db-sync");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Completes once every commit that returned before this call is on disk; fails with the
   * {@link IOException} if that cannot be made so.
   */
  public CompletableFuture<Void> afterCommits() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
      if (failure != null) {
        f.completeExceptionally(failure);
        return f;
      }
      if (stopped) {
        syncNowLocked(f);
        return f;
      }
      waiting.add(f);
      notifyAll();
    }
    return f;
  }

  private void syncNowLocked(CompletableFuture<Void> f) {
    try {
      syncer.sync();
      f.complete(null);
    } catch (IOException | RuntimeException e) {
      failure = e instanceof IOException io ? io : new IOException(e);
      f.completeExceptionally(failure);
    }
  }

  private void run() {
    List<CompletableFuture<Void>> batch = new ArrayList<>();
    while (true) {
      synchronized (this) {
        while (waiting.isEmpty() && !closing) {
          try {
            wait();
          } catch (InterruptedException e) {
            closing = true;
          }
        }
        if (waiting.isEmpty()) {
          stopped = true; // closing, nothing left
          return;
        }
        // Everything waiting now was asked for after its commit returned, hence before this sync.
        batch.clear();
        batch.addAll(waiting);
        waiting.clear();
      }
      IOException failed = null;
      long start = System.nanoTime();
      synchronized (this) {
        failed = failure;
      }
      if (failed == null) {
        try {
          syncer.sync();
        } catch (IOException | RuntimeException e) {
          failed = e instanceof IOException io ? io : new IOException(e);
          LogEvent.DATABASE_SYNC_FAILED.error(log).setCause(e).addKeyValue("requests",
              batch.size()).log("the write-ahead log could not be synced to disk; storing"
                  + " anything more is refused until the server is restarted");
          synchronized (this) {
            failure = failed;
          }
        }
      }
      if (syncTimer != null) {
        syncTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      for (CompletableFuture<Void> f : batch) {
        if (failed == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(failed);
        }
      }
    }
  }

  /** Syncs what is waiting, then stops the thread; later requests are synced on their caller. */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
