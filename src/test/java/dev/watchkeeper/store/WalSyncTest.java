package dev.watchkeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelined WAL fsync: a commit is answered only by a sync that began after it, the caller
 * never waits for a sync in progress, and a failed sync fails everything after it.
 */
class WalSyncTest {
  @TempDir Path dir;

  @Test
  void aRequestIsCompletedOnlyByASyncThatBeganAfterIt() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    Semaphore release = new Semaphore(0);
    AtomicInteger syncs = new AtomicInteger();
    try (WalSync sync = new WalSync(() -> {
      syncs.incrementAndGet();
      firstStarted.countDown();
      release.acquireUninterruptibly();
    }, null)) {
      CompletableFuture<Void> a = sync.afterCommits();
      assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
      // The first sync is in progress: asking again returns at once, and waits for a second one.
      CompletableFuture<Void> b = sync.afterCommits();
      CompletableFuture<Void> c = sync.afterCommits();
      assertThat(a).isNotDone();
      release.release();
      a.get(5, TimeUnit.SECONDS);
      Thread.sleep(50);
      assertThat(b).as("asked during the first sync: not covered by it").isNotDone();
      assertThat(c).isNotDone();
      release.release();
      b.get(5, TimeUnit.SECONDS);
      c.get(5, TimeUnit.SECONDS);
      assertThat(syncs.get()).as("b and c share the second sync").isEqualTo(2);
    }
  }

  @Test
  void aFailedSyncFailsItsRequestsAndEveryLaterOne() throws Exception {
    AtomicInteger syncs = new AtomicInteger();
    try (WalSync sync = new WalSync(() -> {
      syncs.incrementAndGet();
      throw new IOException("Input/output error");
    }, null)) {
      assertThatThrownBy(() -> sync.afterCommits().get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("Input/output error");
      assertThatThrownBy(() -> sync.afterCommits().get(5, TimeUnit.SECONDS))
          .as("a later success after a failed fsync would prove nothing")
          .isInstanceOf(ExecutionException.class).hasMessageContaining("Input/output error");
      assertThat(syncs.get()).isEqualTo(1);
    }
  }

  @Test
  void syncsTheWalFileAndToleratesItsAbsence() throws Exception {
    Path wal = dir.resolve("db.sqlite-wal");
    try (WalSync missing = WalSync.of(wal, null)) {
      missing.afterCommits().get(5, TimeUnit.SECONDS); // no WAL: nothing to sync
    }
    Files.write(wal, new byte[8192]);
    try (WalSync sync = WalSync.of(wal, null)) {
      sync.afterCommits().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void closingSyncsWhatIsWaitingAndLaterRequestsSyncOnTheirCaller() throws Exception {
    AtomicInteger syncs = new AtomicInteger();
    WalSync sync = new WalSync(syncs::incrementAndGet, null);
    CompletableFuture<Void> a = sync.afterCommits();
    sync.close();
    a.get(5, TimeUnit.SECONDS);
    CompletableFuture<Void> late = sync.afterCommits();
    assertThat(late).isDone();
    late.get();
    assertThat(syncs.get()).isGreaterThanOrEqualTo(2);
  }
}
