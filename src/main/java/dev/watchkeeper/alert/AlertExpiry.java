package dev.watchkeeper.alert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.IngestBatch;
import dev.watchkeeper.event.Rfc3339;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.obs.LogEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alertmanager's end time: an alert reported through the Alertmanager API that is not reported
 * again by its {@code endsAt} resolves then, as in Alertmanager (Prometheus sets {@code endsAt} a
 * few evaluation intervals ahead and re-sends firing alerts, so a deleted rule or a Prometheus
 * that stopped leaves no alert firing forever). An alert sent without {@code endsAt} ends
 * {@link #RESOLVE_TIMEOUT} after its last report, Alertmanager's default {@code resolve_timeout}.
 *
 * <p>Every {@link #POLL} this thread looks for firing alerts whose end time has passed and
 * stores, for each, an event of type {@link #TYPE} in the event log through the group committer,
 * so the resolution is processed in log order like any other event, and is replayed after a
 * crash. It resolves the alert only if, when processed, the alert is still firing with an end
 * time at or before the event's: a report stored before it has moved the end time on, and the
 * expiry then changes nothing. Event ids name the alert and the end time, so an expiry sent twice
 * (a poll before the first was processed, or two nodes) is stored once.
 *
 * <p>Threading: one scheduled thread of its own ({@code wk-alert-expiry}); {@link #endsAt} from
 * any thread.
 */
public final class AlertExpiry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertExpiry.class);
  /** The type of the events this sends. */
  public static final String TYPE = "alertmanager.expired";
  public static final String SOURCE = "watchkeeper.expiry";
  /** The type the Alertmanager API gives firing alerts; only these alerts get an end time. */
  public static final String FIRING_TYPE = "alertmanager.firing";
  public static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration POLL = Duration.ofSeconds(5);
  static final int BATCH = 1000;
  private static final JsonFactory JSON = new JsonFactory();

  private final AlertStore store;
  private final Function<IngestBatch, CompletableFuture<?>> commit;
  private final Clock clock;
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "wk-alert-expiry");
    t.setDaemon(true);
    return t;
  });

  /** @param commit stores a batch durably in the event log; completes after the commit */
  public AlertExpiry(AlertStore store, Function<IngestBatch, CompletableFuture<?>> commit,
      Clock clock) {
    this.store = store;
    this.commit = commit;
    this.clock = clock;
  }

  public void start() {
    poller.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      sendExpired();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Caught: an exception would end the schedule. The next poll tries again.
      LogEvent.ALERT_EXPIRY_FAILED.error(log).setCause(e)
          .log("sending the expiry of alerts past their endsAt failed; retrying");
    }
  }

  /**
   * Stores an expiry event for every firing alert whose end time has passed; returns how many.
   * Visible for tests.
   */
  public int sendExpired() throws InterruptedException {
    Instant now = clock.instant();
    int sent = 0;
    long after = 0;
    while (true) {
      List<AlertStore.Expiring> due = store.expiring(now, after, BATCH);
      if (due.isEmpty()) {
        return sent;
      }
      Map<String, List<Event>> byService = new LinkedHashMap<>();
      for (AlertStore.Expiring a : due) {
        byService.computeIfAbsent(a.service(), k -> new ArrayList<>()).add(event(a));
        after = a.id();
      }
      List<CompletableFuture<?>> pending = new ArrayList<>();
      byService.forEach((service, events) -> pending.add(commit.apply(new IngestBatch(
          "expiry-" + UUID.randomUUID(), service, "expiry", null, now, events))));
      try {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("the event log refused alert expiries", e.getCause());
      }
      sent += due.size();
      if (due.size() < BATCH) {
        return sent;
      }
    }
  }

  /** The expiry event of one alert: its labels (its identity), at its end time. */
  public static Event event(AlertStore.Expiring a) {
    return new Event("expired-" + a.endsAt().toEpochMilli() + "-" + a.fingerprint(), SOURCE,
        TYPE, a.endsAt(), null, null, "not reported again by its end time " + a.endsAt(),
        a.labels(), null);
  }

  /**
   * The end time an event gives its alert: for a firing alert of the Alertmanager API its
   * {@code endsAt}, else {@link #RESOLVE_TIMEOUT} after it was received; null for every other
   * event (it never expires).
   */
  public static Instant endsAt(StoredEvent se) {
    if (!FIRING_TYPE.equals(se.event().type())) {
      return null;
    }
    Instant given = payloadEndsAt(se.event().payloadJson());
    return given != null ? given : se.receivedAt().plus(RESOLVE_TIMEOUT);
  }

  /** The top-level {@code endsAt} of a payload, or null (none, or not a time). */
  static Instant payloadEndsAt(String payloadJson) {
    if (payloadJson == null) {
      return null;
    }
    try (JsonParser p = JSON.createParser(payloadJson)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("endsAt".equals(name) && v == JsonToken.VALUE_STRING) {
          try {
            return Rfc3339.parse(p.getText());
          } catch (RuntimeException e) {
            return null;
          }
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      poller.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
