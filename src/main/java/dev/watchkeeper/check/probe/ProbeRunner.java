package dev.watchkeeper.check.probe;

import dev.watchkeeper.check.Check;
import dev.watchkeeper.check.CheckStatus;
import dev.watchkeeper.check.CheckStore;
import dev.watchkeeper.check.Ping;
import dev.watchkeeper.check.PingKind;
import dev.watchkeeper.check.PingWriter;
import dev.watchkeeper.obs.LogEvent;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the probes (the config file's and those made through the API) every {@code interval} and reports each run as a ping of
 * transport {@code probe} (through the same {@link PingWriter} as HTTP pings), after the
 * thresholds of {@link ProbeState}. A probe check is also a heartbeat of the prober itself: if
 * the prober stops, the check goes late and down like a silent job. {@link #reschedule} follows
 * config reloads.
 *
 * <p>Threading: a small pool runs probes (they wait on the network); one probe's runs never
 * overlap (fixed delay).
 */
public final class ProbeRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProbeRunner.class);
  static final int THREADS = 4;

  /** A probe of the config, with the service and slug of its check. */
  public record Scheduled(String service, String slug, Probe probe) {}

  private final CheckStore store;
  private final PingWriter writer;
  private final Supplier<Prober> prober;
  private final Clock clock;
  private final ScheduledExecutorService pool = Executors.newScheduledThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "wk-probe");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, ScheduledFuture<?>> running = new HashMap<>();
  private final Map<String, Scheduled> current = new HashMap<>();

  /** @param prober the prober of the config in force (its allow-list follows reloads) */
  public ProbeRunner(CheckStore store, PingWriter writer, Supplier<Prober> prober, Clock clock) {
    this.store = store;
    this.writer = writer;
    this.prober = prober;
    this.clock = clock;
  }

  /** Starts, stops and restarts probes so that exactly these run. */
  public synchronized void reschedule(List<Scheduled> probes) {
    Map<String, Scheduled> wanted = new HashMap<>();
    for (Scheduled s : probes) {
      wanted.put(s.service() + "/" + s.slug(), s);
    }
    for (var it = running.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.containsKey(e.getKey()) || !wanted.get(e.getKey()).equals(
          current.get(e.getKey()))) {
        e.getValue().cancel(false);
        it.remove();
        current.remove(e.getKey());
      }
    }
    wanted.forEach((key, s) -> {
      if (!running.containsKey(key)) {
        current.put(key, s);
        Runner r = new Runner(s);
        running.put(key, pool.scheduleWithFixedDelay(r::runOnce, 0,
            s.probe().interval().toMillis(), TimeUnit.MILLISECONDS));
      }
    });
  }

  /** One probe's loop state. */
  private final class Runner {
    private final Scheduled s;
    private ProbeState state;

    Runner(Scheduled s) {
      this.s = s;
    }

    void runOnce() {
      try {
        Check c = store.findBySlug(s.service(), s.slug()).orElse(null);
        if (c == null || c.status() == CheckStatus.PAUSED) {
          return;
        }
        if (state == null) {
          CheckStore.ProbeCounters saved = store.probeCounters(c.id());
          state = new ProbeState(s.probe().failureThreshold(), s.probe().successThreshold(),
              c.status() == CheckStatus.DOWN, saved.failures(), saved.successes());
        }
        Prober.Result r = prober.get().run(s.probe());
        PingKind kind = state.next(r.ok());
        // Saved before the ping is: after a crash between the two, the run still counts.
        store.saveProbeCounters(c.id(),
            new CheckStore.ProbeCounters(state.failures(), state.successes()));
        String body = s.probe().type().wire() + " " + (r.ok() ? "ok" : "failed") + ": "
            + r.message() + " (" + r.latency().toMillis() + " ms)";
        writer.submit(new Ping(c.id(), clock.instant(), kind, null, "probe", null, null, null,
            null, body, false, r.latency().toMillis()));
        LogEvent.PROBE_RUN.debug(log).addKeyValue("check", c.id()).addKeyValue("ok", r.ok())
            .log("probe ran");
      } catch (RuntimeException e) {
        LogEvent.PROBE_FAILED_UNEXPECTEDLY.error(log).setCause(e)
            .addKeyValue("check", s.service() + "/" + s.slug()).log("probe run failed");
      }
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
