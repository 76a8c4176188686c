package dev.watchkeeper.web.ui;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.incident.IncidentStore;
import dev.watchkeeper.obs.LogEvent;
import dev.watchkeeper.web.Auth;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live updates of the incidents list (server-sent events). While browsers are connected, one
 * thread polls the newest incident timeline entry every {@link #POLL}; when there are new
 * entries, every browser that may see one of the changed incidents gets an event
 * {@code changed} whose data is the ids (comma-separated), and reloads its rows. Polling the
 * database (one indexed read) instead of listening inside this JVM also brings changes made by
 * other nodes sharing a PostgreSQL database.
 *
 * <p>Threading: clients are added by request threads and removed by the poll thread (on a failed
 * send) or by Jetty (on close); only the poll thread sends, apart from the one event a new
 * client may get while being added.
 */
final class LiveIncidents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveIncidents.class);
  static final Duration POLL = Duration.ofMillis(500);
  /** A comment this often lets proxies and the server notice dead connections. */
  static final Duration HEARTBEAT = Duration.ofSeconds(20);
  static final int MAX_ENTRIES_PER_POLL = 1000;

  /** A browser, and the newest timeline entry it had seen when it connected. */
  private record Client(SseClient sse, Principal principal, long from) {}

  private final IncidentStore store;
  private final Auth auth;
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private long last = -1; // poll thread only
  private long polls; // poll thread only

  LiveIncidents(IncidentStore store, Auth auth) {
    this.store = store;
    this.auth = auth;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "wk-ui-live");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Keeps {@code sse} open and sends it changes from now on; {@code since} (the newest timeline
   * entry when the page was made, or null) makes it refresh at once if something changed between
   * the page and this connection.
   */
  void add(SseClient sse, Principal principal, Long since) {
    long newest = store.lastTimelineId();
    Client c = new Client(sse, principal, since == null ? newest : Math.min(since, newest));
    sse.onClose(() -> clients.remove(c));
    if (newest > c.from()) {
      send(c, "changed", "*");
    }
    clients.add(c);
    sse.keepAlive();
  }

  int clients() {
    return clients.size();
  }

  private void poll() {
    try {
      if (clients.isEmpty()) {
        last = -1;
        return;
      }
      if (last < 0) {
        // from where the earliest browser connected: nothing since then is missed
        last = clients.stream().mapToLong(Client::from).min().orElse(0);
      }
      IncidentStore.Changes changes = store.changesSince(last, MAX_ENTRIES_PER_POLL);
      last = changes.lastTimelineId();
      boolean beat = ++polls % (HEARTBEAT.toMillis() / POLL.toMillis()) == 0;
      for (Client c : clients) {
        if (c.sse().terminated()) {
          clients.remove(c);
          continue;
        }
        List<String> visible = changes.services().entrySet().stream()
            .filter(e -> auth.canSee(c.principal(), e.getValue()))
            .map(e -> Long.toString(e.getKey())).toList();
        if (!visible.isEmpty()) {
          send(c, "changed", String.join(",", visible));
        } else if (beat) {
          c.sse().sendComment("heartbeat");
        }
      }
    } catch (RuntimeException e) {
      // The next poll tries again; browsers keep their rows meanwhile.
      LogEvent.LIVE_UPDATES_FAILED.warn(log).setCause(e).log("live incident updates failed");
    }
  }

  private void send(Client c, String event, String data) {
    try {
      c.sse().sendEvent(event, data);
    } catch (RuntimeException e) {
      clients.remove(c);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    clients.forEach(c -> c.sse().close());
    clients.clear();
  }
}
