package dev.watchkeeper.web;

import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Ingest;
import dev.watchkeeper.event.AppendResult;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.GroupCommitter;
import dev.watchkeeper.event.Ids;
import dev.watchkeeper.event.IngestBatch;
import dev.watchkeeper.event.StorageUnavailableException;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one way into the event log for every ingest format (native, CloudEvents, Alertmanager,
 * PagerDuty): the per-key rate limit (shared by all formats), then the durable group commit.
 *
 * <p>Thread-safe.
 */
public final class IngestGate {
  private final LiveConfig config;
  private final GroupCommitter committer;
  private final Clock clock;
  private final RateLimiter limiter;
  private final MeterRegistry meters;
  private final Counter acceptedEvents;

  IngestGate(LiveConfig config, GroupCommitter committer, Clock clock, MeterRegistry meters) {
    this.config = config;
    this.committer = committer;
    this.clock = clock;
    this.meters = meters;
    Ingest ingest = config.get().ingest();
    this.limiter = new RateLimiter(clock, ingest.rateLimit().eventsPerSecond(),
        ingest.rateLimit().burst());
    config.onChange(c -> limiter.configure(c.ingest().rateLimit().eventsPerSecond(),
        c.ingest().rateLimit().burst()));
    this.acceptedEvents = Counter.builder("watchkeeper.ingest.events.accepted")
        .description("Events answered 2xx (stored)").register(meters);
  }

  /** The ingest limits in force. */
  public Ingest limits() {
    return config.get().ingest();
  }

  /**
   * Takes {@code events.size()} tokens from the key's bucket, or throws a 429 {@link ApiException}
   * carrying the seconds to wait.
   */
  public void checkRate(Credentials.KeyRef key, int events) {
    Duration wait = limiter.acquire(key.service() + "/" + key.keyName(), events);
    if (!wait.isZero()) {
      meters.counter("watchkeeper.ingest.rate_limited", "service", key.service()).increment();
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      throw new ApiException(429, "rate_limited", "integration key '" + key.keyName()
          + "' is over its rate limit of " + (long) limits().rateLimit().eventsPerSecond()
          + " events/s; retry after " + seconds + " s", List.of(), seconds);
    }
  }

  /** The 503 answer for a failed commit (nothing of the request was stored). */
  public static ApiException unavailable(Throwable err) {
    Throwable cause = err instanceof CompletionException ? err.getCause() : err;
    String msg = cause instanceof StorageUnavailableException ? cause.getMessage()
        : "the events could not be stored";
    return new ApiException(503, "unavailable",
        msg + "; nothing was stored, retry with the same event ids", List.of(), 1L);
  }

  /** Queues the events for the durable commit; the future completes once they are committed. */
  public CompletableFuture<AppendResult> submit(Context ctx, Credentials.KeyRef key,
      List<Event> events) {
    return submit((String) ctx.attribute(HttpServer.TRACE_ID), key, events);
  }

  /** {@link #submit(Context, Credentials.KeyRef, List)} for a request with this trace id. */
  public CompletableFuture<AppendResult> submit(String traceId, Credentials.KeyRef key,
      List<Event> events) {
    IngestBatch batch = new IngestBatch(Ids.newId(clock), key.service(), key.keyName(),
        traceId, clock.instant(), events);
    return committer.submit(batch).thenApply(r -> {
      acceptedEvents.increment(events.size());
      return r;
    });
  }
}
