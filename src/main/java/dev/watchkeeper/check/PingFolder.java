package dev.watchkeeper.check;

import dev.watchkeeper.obs.LogEvent;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the ping log into the checks table every {@code checks.fold_interval} ({@link
 * Checks#fold}), and once more when closed. A failed fold is logged and retried at the next
 * interval: nothing is lost meanwhile (the pings stay in the log, their states in memory).
 *
 * <p>Threading: one thread of its own.
 */
public final class PingFolder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PingFolder.class);

  private final Checks checks;
  private final Supplier<Duration> interval;
  private final Thread thread;
  private volatile boolean running = true;

  public PingFolder(Checks checks, Supplier<Duration> interval) {
    this.checks = checks;
    this.interval = interval;
    this.thread = new Thread(this::run, "wk-ping-folder");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(interval.get().toMillis());
      } catch (InterruptedException e) {
        return;
      }
      foldOnce();
    }
  }

  private void foldOnce() {
    try {
      int n = checks.fold();
      if (n > 0) {
        LogEvent.CHECK_PINGS_FOLDED.debug(log).addKeyValue("pings", n)
            .log("pings folded into the checks");
      }
    } catch (RuntimeException e) {
      LogEvent.CHECK_FOLD_FAILED.error(log).setCause(e)
          .log("folding pings into the checks failed; they stay in the ping log, retrying");
    }
  }

  /** Stops the thread and folds what is left (call after the ping writer is closed). */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    foldOnce();
  }
}
