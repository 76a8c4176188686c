package dev.watchkeeper.notify;

import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentState;
import dev.watchkeeper.notify.Notification.State;
import dev.watchkeeper.people.ContactMethod;
import dev.watchkeeper.people.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery workers: claim due rows of the notifications outbox, send each through the
 * {@link Channel} of its contact method's type, and record the outcome with a line on the
 * incident timeline (channel, user, result, latency; never the address).
 *
 * <ul>
 *   <li>{@link Delivery.Delivered} → delivered.
 *   <li>{@link Delivery.RetryLater} → pending again after an exponential backoff with jitter
 *       ({@link #BASE_BACKOFF} doubling up to {@link #MAX_BACKOFF}), or after the receiver's
 *       {@code Retry-After} (at most {@link #MAX_RETRY_AFTER}); dead after {@code maxAttempts}.
 *   <li>{@link Delivery.Failed} → dead at once.
 *   <li>No channel for the type, or the contact method is gone from the config → dead at once:
 *       a dead letter is visible and can be retried through the API once a channel exists,
 *       whereas a page held back silently and sent hours later would mislead.
 * </ul>
 *
 * <p>A claimed row is leased ({@link #LEASE} by default, {@code notifications.delivery_lease});
 * if this node dies mid-send, another worker
 * takes the row when the lease ends (the receiver can drop the duplicate by idempotency key).
 *
 * <p>Threading: {@link #runOnce} may be called from several threads; {@link #start} runs
 * {@code threads} workers of its own that call it. Tests call {@link #runOnce} with a settable
 * clock and never start threads.
 */
public final class Deliveries implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

  public static final Duration BASE_BACKOFF = Duration.ofSeconds(10);
  public static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  /** The longest {@code Retry-After} honoured: a receiver cannot park a page for days. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  public static final int DEFAULT_MAX_ATTEMPTS = 8;
  /** How long a worker owns a claimed row; longer than any channel's timeout. */
  public static final Duration LEASE = Duration.ofMinutes(2);
  /** Jitter: a backoff is scaled by a factor in [1 - JITTER, 1 + JITTER). */
  static final double JITTER = 0.2;
  static final Duration POLL = Duration.ofMillis(500);
  static final int BATCH = 20;
  /** The most incidents a digest lists one by one. */
  static final int DIGEST_LINES = 50;

  private final NotificationStore store;
  private final Map<ContactMethod.Type, Channel> channels;
  private final Function<String, Optional<User>> users;
  private final LongFunction<Optional<Incident>> incidents;
  private final Clock clock;
  private final DoubleSupplier random;
  private final int maxAttempts;
  private final ActionLinks links;
  private volatile java.util.function.Supplier<Duration> lease = () -> LEASE;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;
  /** Wake-ups for idle workers: a notification due at once was committed. */
  private final java.util.concurrent.Semaphore wakeups = new java.util.concurrent.Semaphore(0);

  /**
   * @param users a user in the config in force (contact addresses are read from here)
   * @param incidents an incident by id (title, service, severity for the message)
   * @param random uniform in [0, 1): the jitter (tests pass a constant)
   */
  public Deliveries(NotificationStore store, Map<ContactMethod.Type, Channel> channels,
      Function<String, Optional<User>> users, LongFunction<Optional<Incident>> incidents,
      Clock clock, DoubleSupplier random, int maxAttempts) {
    this(store, channels, users, incidents, clock, random, maxAttempts, null);
  }

  /**
   * As above; messages carry the incident's link and signed one-click acknowledge and resolve
   * links made by {@code links} (null: no links).
   */
  public Deliveries(NotificationStore store, Map<ContactMethod.Type, Channel> channels,
      Function<String, Optional<User>> users, LongFunction<Optional<Incident>> incidents,
      Clock clock, DoubleSupplier random, int maxAttempts, ActionLinks links) {
    this.links = links;
    this.store = store;
    this.channels = Map.copyOf(channels);
    this.users = users;
    this.incidents = incidents;
    this.clock = clock;
    this.random = random;
    this.maxAttempts = maxAttempts;
  }

  /** How long a claimed row is owned (read at each claim, so a reload applies). */
  public Deliveries lease(java.util.function.Supplier<Duration> lease) {
    this.lease = lease;
    return this;
  }

  /**
   * Wakes an idle worker at once (a notification due now was committed); without it, workers
   * find due rows at their next poll ({@link #POLL}).
   */
  public void wake() {
    if (wakeups.availablePermits() < Math.max(1, threads.size())) {
      wakeups.release();
    }
  }

  /** Starts {@code n} worker threads. */
  public void start(int n) {
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(this::loop, "wk-deliveries-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Claims due rows and sends them; returns how many were attempted. */
  public int runOnce() {
    List<Notification> claimed = store.claimDue(clock.instant(), lease.get(), BATCH);
    for (Notification n : claimed) {
      attempt(n);
    }
    return claimed.size();
  }

  private void attempt(Notification n) {
    String who = n.channel().wire() + " to " + n.userId();
    String attempt = " (attempt " + n.attempts() + " of " + maxAttempts + ")";
    Channel channel = channels.get(n.channel());
    Optional<ContactMethod> method = users.apply(n.userId())
        .filter(u -> n.methodIndex() < u.contactMethods().size())
        .map(u -> u.contactMethods().get(n.methodIndex()))
        .filter(m -> m.type() == n.channel());
    if (channel == null) {
      dead(n, "no channel for type " + n.channel().wire() + " yet", who, attempt);
      return;
    }
    if (method.isEmpty()) {
      dead(n, "contact method " + n.methodIndex() + " of " + n.userId()
          + " is no longer in the config", who, attempt);
      return;
    }
    String address = method.get().address();
    Optional<Incident> incident = incidents.apply(n.incidentId());
    Message message;
    List<Notification> carried = List.of();
    if (n.kind().equals("digest")) {
      carried = store.digestRows(n);
      if (carried.isEmpty()) {
        Instant now = clock.instant();
        store.complete(n, State.CANCELLED, now, "nothing left to digest", now,
            "notification.cancelled", "digest " + who + " not sent: an earlier digest carried"
                + " every held notification");
        return;
      }
      message = digest(n, address, carried);
    } else {
      if (incident.isPresent() && incident.get().state() != IncidentState.TRIGGERED
          && (n.kind().equals("triggered") || n.kind().equals("escalated"))) {
        // A delayed rule, quiet hours or retries: the page is moot once someone acted.
        Instant now = clock.instant();
        store.complete(n, State.CANCELLED, now, "incident " + incident.get().state().wire()
            + " before it was sent", now, "notification.cancelled", "notification " + who
            + " not sent: the incident was " + incident.get().state().wire() + " first");
        return;
      }
      long id = n.incidentId();
      message = new Message(n.idempotencyKey(), n.userId(), address, id,
          n.kind(), incident.map(Incident::service).orElse(null),
          incident.map(i -> i.severity() == null ? null : i.severity().wire()).orElse(null),
          incident.map(Incident::urgency).orElse(null),
          incident.map(Incident::title).orElse("incident " + id),
          incident.map(Incident::title).orElse(null), clock.instant(),
          links == null ? null : links.incident(id),
          links == null ? null : links.link(id, ActionLinks.Action.ACKNOWLEDGE, n.userId()),
          links == null ? null : links.link(id, ActionLinks.Action.RESOLVE, n.userId()),
          Map.of("notification", Long.toString(n.id())));
    }
    Instant started = clock.instant();
    Delivery d;
    try {
      d = channel.send(message);
    } catch (RuntimeException e) {
      // A channel must not throw; if one does, treat it as retryable rather than lose the page.
      d = new Delivery.RetryLater("channel error: " + e.getClass().getSimpleName(), null);
    }
    Instant now = clock.instant();
    Duration latency = Duration.between(started, now);
    if (d instanceof Delivery.Delivered ok) {
      Duration l = ok.latency() == null ? latency : ok.latency();
      String what = carried.isEmpty() ? "" : " (a digest of " + carried.size()
          + (carried.size() == 1 ? " page)" : " pages)");
      if (store.complete(n, State.DELIVERED, now, null, now, "notification.delivered",
          "notified " + who + what + ": delivered in " + l.toMillis() + " ms" + attempt)
          && !carried.isEmpty()) {
        store.markDigested(n.id(), now);
      }
    } else if (d instanceof Delivery.RetryLater later) {
      String reason = scrub(later.reason(), address);
      if (n.attempts() >= maxAttempts) {
        dead(n, reason, who, attempt + " after " + latency.toMillis() + " ms");
        return;
      }
      Duration wait = later.after() != null
          ? min(later.after(), MAX_RETRY_AFTER)
          : backoff(n.attempts());
      store.complete(n, State.PENDING, now.plus(wait), reason, now, "notification.retrying",
          "notifying " + who + " failed after " + latency.toMillis() + " ms" + attempt + ": "
              + reason + "; retrying in " + wait.toSeconds() + " s");
    } else if (d instanceof Delivery.Failed failed) {
      dead(n, scrub(failed.reason(), address), who,
          attempt + " after " + latency.toMillis() + " ms");
    }
  }

  /**
   * One message for the pages a digest carries: the title counts them, the summary lists each
   * incident (at most {@link #DIGEST_LINES}) with its state now.
   */
  private Message digest(Notification n, String address, List<Notification> carried) {
    java.util.LinkedHashMap<Long, Integer> byIncident = new java.util.LinkedHashMap<>();
    for (Notification c : carried) {
      byIncident.merge(c.incidentId(), 1, Integer::sum);
    }
    StringBuilder lines = new StringBuilder();
    int shown = 0;
    for (long id : byIncident.keySet()) {
      if (shown++ == DIGEST_LINES) {
        lines.append("… and ").append(byIncident.size() - DIGEST_LINES).append(" more\n");
        break;
      }
      Optional<Incident> i = incidents.apply(id);
      lines.append("#").append(id).append(" [")
          .append(i.map(x -> x.state().wire()).orElse("unknown")).append("] ")
          .append(i.map(Incident::title).orElse("incident " + id)).append('\n');
    }
    String title = carried.size() + " pages for " + n.userId() + " across " + byIncident.size()
        + (byIncident.size() == 1 ? " incident" : " incidents") + " (storm control digest)";
    return new Message(n.idempotencyKey(), n.userId(), address, n.incidentId(), "digest", null,
        null, null, title, lines.toString().strip(), clock.instant(),
        links == null ? null : links.incident(n.incidentId()), null, null,
        Map.of("notification", Long.toString(n.id()), "pages", Integer.toString(carried.size()),
            "incidents", Integer.toString(byIncident.size())));
  }

  private void dead(Notification n, String reason, String who, String attempt) {
    Instant now = clock.instant();
    store.complete(n, State.DEAD, now, reason, now, "notification.dead",
        "notifying " + who + " failed for good" + attempt + ": " + reason);
  }

  /**
   * The wait after the {@code attempts}-th failed attempt: {@link #BASE_BACKOFF} × 2^(attempts-1),
   * at most {@link #MAX_BACKOFF}, scaled by a random factor in [0.8, 1.2) so that many rows
   * failing together do not retry together (never above the maximum).
   */
  Duration backoff(int attempts) {
    long base = BASE_BACKOFF.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
    long capped = Math.min(base, MAX_BACKOFF.toMillis());
    double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
    return Duration.ofMillis(Math.min((long) (capped * factor), MAX_BACKOFF.toMillis()));
  }

  /** A channel's reason must not carry the address, but never trust that it does not. */
  private static String scrub(String reason, String address) {
    String r = reason == null ? "unknown error" : reason;
    if (address != null && !address.isEmpty()) {
      r = r.replace(address, "<address>");
    }
    return r.length() > 500 ? r.substring(0, 500) : r;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void loop() {
    while (running) {
      try {
        if (runOnce() == 0) {
          wakeups.tryAcquire(POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("delivering notifications failed; retrying", e);
        try {
          Thread.sleep(POLL.toMillis() * 4);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
