package dev.watchkeeper.incident;

import dev.watchkeeper.obs.LogEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the durable incident timers when they come due: acknowledgement timeouts, snooze ends,
 * auto-resolve deadlines and flap settling ({@link IncidentEngine#fireDueTimers}). Sleeps until
 * the earliest pending timer, at most {@link #POLL} at a time so that timers set by API calls or
 * another node are seen within it. Timers that came due while the server was down fire at start.
 * A failure (database away) is logged and retried after a pause; nothing is lost, because a timer
 * row is removed only in the transaction that applies it.
 *
 * <p>Threading: one thread of its own.
 */
public final class IncidentTimers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IncidentTimers.class);
  /** The longest sleep between looks at the timer table. */
  public static final Duration POLL = Duration.ofMillis(250);
  static final Duration RETRY_PAUSE = Duration.ofSeconds(2);
  static final int BATCH = 200;
  static final Duration BUSY_PAUSE = Duration.ofMillis(20);

  private final IncidentEngine engine;
  private final IncidentStore store;
  private final Clock clock;
  private final Counter fired;
  private final Thread thread;
  private volatile boolean running = true;

  public IncidentTimers(IncidentEngine engine, IncidentStore store, Clock clock,
      MeterRegistry meters) {
    this.engine = engine;
    this.store = store;
    this.clock = clock;
    this.fired = Counter.builder("watchkeeper.incident.timers.fired")
        .description("Incident timers fired (ack timeouts, snooze ends, auto-resolves)")
        .register(meters);
    this.thread = new Thread(this::run, "wk-incident-timers");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        Optional<Instant> next = store.nextTimerDue(); // a plain read: no write lock while idle
        Instant now = clock.instant();
        if (next.isPresent() && !next.get().isAfter(now)) {
          int n = engine.fireDueTimers(BATCH);
          fired.increment(n);
          if (n == 0) {
            Thread.sleep(BUSY_PAUSE.toMillis()); // due, but their incidents are busy right now
          }
          LogEvent.INCIDENT_TIMERS_FIRED.debug(log).addKeyValue("timers", n).log("timers fired");
          continue;
        }
        long wait = next.map(t -> Duration.between(now, t).toMillis()).orElse(Long.MAX_VALUE);
        Thread.sleep(Math.max(1, Math.min(wait, POLL.toMillis())));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LogEvent.INCIDENT_TIMERS_FAILED.error(log).setCause(e)
            .log("firing incident timers failed; retrying");
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
