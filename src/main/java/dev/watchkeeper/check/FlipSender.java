package dev.watchkeeper.check;

import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.GroupCommitter;
import dev.watchkeeper.event.IngestBatch;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.obs.LogEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns flips into events of the event log, so that a check's alert goes through the same
 * pipeline as any other (dedup, grouping into incidents, silences, escalation). A check going
 * down is a {@code check.down} event with dedup key {@code check:<id>} in the check's service; it
 * coming back is {@code check.resolved} with the same key. Event ids are {@code check-flip-<id>}:
 * a flip sent twice (a crash between the commit and marking it sent, or two nodes) is stored once.
 * A down check whose parent was down is sent with severity {@code info} and the label
 * {@code suppressed_by}: recorded as an alert, never paging.
 *
 * <p>Threading: one thread of its own; {@link #wake} from any thread.
 */
public final class FlipSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlipSender.class);
  static final int BATCH = 1000;
  static final Duration POLL = Duration.ofSeconds(1);
  static final Duration RETRY_PAUSE = Duration.ofSeconds(2);
  public static final String SOURCE = "watchkeeper.checks";

  private final CheckStore store;
  private final Function<IngestBatch, CompletableFuture<?>> commit;
  private final Clock clock;
  private final Semaphore signal = new Semaphore(0);
  private final Thread thread;
  private volatile boolean running = true;

  public FlipSender(CheckStore store, GroupCommitter committer, Clock clock) {
    this(store, b -> committer.submit(b), clock);
  }

  /** @param commit stores a batch durably in the event log; completes after the commit */
  public FlipSender(CheckStore store, Function<IngestBatch, CompletableFuture<?>> commit,
      Clock clock) {
    this.store = store;
    this.commit = commit;
    this.clock = clock;
    this.thread = new Thread(this::run, "wk-check-flips");
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
        if (sendPending() < BATCH) {
          signal.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
          signal.drainPermits();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LogEvent.CHECK_FLIPS_FAILED.error(log).setCause(e)
            .log("sending check state changes to the event log failed; retrying");
        try {
          Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Sends one batch of unsent flips; returns how many there were. Visible for tests. */
  public int sendPending() throws InterruptedException {
    List<Flip> flips = store.unsentFlips(BATCH);
    if (flips.isEmpty()) {
      return 0;
    }
    Map<String, List<Event>> byService = new LinkedHashMap<>();
    List<Long> ids = new ArrayList<>();
    for (Flip f : flips) {
      ids.add(f.id());
      Event e = event(f);
      if (e != null) {
        byService.computeIfAbsent(f.service(), k -> new ArrayList<>()).add(e);
      }
    }
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (Map.Entry<String, List<Event>> e : byService.entrySet()) {
      pending.add(commit.apply(new IngestBatch("checks-" + UUID.randomUUID(), e.getKey(),
          "checks", null, clock.instant(), e.getValue())));
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the event log refused check events", e.getCause());
    }
    store.markSent(ids);
    return flips.size();
  }

  /** The event of a flip, or null for flips that neither trigger nor resolve (up, late). */
  static Event event(Flip f) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("check", f.checkId());
    labels.put("check_name", f.checkName());
    String key = "check:" + f.checkId();
    if (f.triggers()) {
      Severity sev = f.severity();
      String summary = "check " + f.checkName() + " is down: " + f.reason();
      if (f.suppressedBy() != null) {
        labels.put("suppressed_by", f.suppressedBy());
        sev = Severity.INFO;
        summary += " (suppressed: its parent check " + f.suppressedBy() + " is down)";
      }
      return new Event("check-flip-" + f.id(), SOURCE, "check.down", f.at(), sev, key, summary,
          labels, null);
    }
    if (f.resolves()) {
      return new Event("check-flip-" + f.id(), SOURCE, "check.resolved", f.at(), null, key,
          "check " + f.checkName() + " is " + f.to().wire() + ": " + f.reason(), labels, null);
    }
    return null;
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
