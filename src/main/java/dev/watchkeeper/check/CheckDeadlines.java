package dev.watchkeeper.check;

import dev.watchkeeper.obs.LogEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the clock to checks whose deadline has passed (late, then down), as
 * {@code IncidentTimers} does for incident timers: sleeps until the earliest deadline, at most
 * {@link #POLL} at a time so that deadlines moved by pings, the API or another node are seen
 * within it. Deadlines that passed while the server was down are applied at start. A failure is
 * logged and retried after a pause; the deadline stays in its row until applied.
 *
 * <p>Threading: one thread of its own.
 */
public final class CheckDeadlines implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CheckDeadlines.class);
  /** The longest sleep between looks at the deadlines. */
  public static final Duration POLL = Duration.ofMillis(250);
  static final Duration RETRY_PAUSE = Duration.ofSeconds(2);
  static final int BATCH = 500;

  private final Checks checks;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean running = true;

  public CheckDeadlines(Checks checks, Clock clock) {
    this.checks = checks;
    this.clock = clock;
    this.thread = new Thread(this::run, "wk-check-deadlines");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Applies every deadline due now; returns how many checks were due. Visible for tests. */
  public int runDue() {
    int total = 0;
    int n;
    do {
      n = checks.advanceDue(BATCH);
      total += n;
    } while (n == BATCH);
    return total;
  }

  private void run() {
    while (running) {
      try {
        Optional<Instant> next = checks.store().nextDue(); // a plain read: no write lock
        Instant now = clock.instant();
        if (next.isPresent() && !next.get().isAfter(now)) {
          int n = runDue();
          LogEvent.CHECK_DEADLINES_APPLIED.debug(log).addKeyValue("checks", n)
              .log("check deadlines applied");
          continue;
        }
        long wait = next.map(t -> Duration.between(now, t).toMillis()).orElse(Long.MAX_VALUE);
        Thread.sleep(Math.max(1, Math.min(wait, POLL.toMillis())));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LogEvent.CHECK_DEADLINES_FAILED.error(log).setCause(e)
            .log("applying check deadlines failed; retrying");
        try {
          Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
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
  }
}
