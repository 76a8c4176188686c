package dev.watchkeeper.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * New alert → first webhook delivered, Watchkeeper (SQLite) next to Alertmanager with {@code
 * group_wait: 0s}, idle and under full ingest load (PRODUCT.md §4, issue 5).
 *
 * <p>A probe is one {@code POST /api/v2/alerts} with a new alert ({@code alertname=probe-N},
 * label {@code probe=1}); the clock starts just before the request is sent and stops when a
 * webhook receiver in this process gets the notification naming {@code probe-N}. Watchkeeper:
 * the probe's integration key belongs to service {@code probe}, whose policy pages user {@code
 * hook} (a webhook contact method) at level 1; storm control is off (every probe pages the same
 * person). Alertmanager: a route matching {@code probe="1"} with {@code group_by: [alertname]},
 * {@code group_wait: 0s} to a webhook receiver. The load is {@code POST /api/v2/alerts} with 100
 * alerts per request over 64 connections (to a service without a policy / a receiver without
 * integrations), started before and running through the loaded probes.
 */
final class NotifyBench {
  static final String PROBE_KEY = "bench-probe-key";
  private static final Pattern PROBE = Pattern.compile("probe-(\\d+)");
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  /** One side's figures, microseconds; {@code lost} probes never notified within the timeout. */
  record Figures(int probes, int lost, long p50, long p99, long max, double loadAlertsPerSec) {}

  record Study(Figures wkIdle, Figures wkLoad, Figures amIdle, Figures amLoad, int probes) {}

  private final Map<Integer, Long> arrived = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();

  static Study run(IngestBench bench, int probes, double loadSeconds) throws Exception {
    NotifyBench n = new NotifyBench();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    var pool = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "notify-receiver");
      t.setDaemon(true);
      return t;
    });
    receiver.setExecutor(pool);
    receiver.createContext("/", ex -> {
      long at = System.nanoTime();
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = PROBE.matcher(body);
      while (m.find()) {
        n.arrived.putIfAbsent(Integer.parseInt(m.group(1)), at);
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
    int port = receiver.getAddress().getPort();
    try {
      System.out.println("== notify: new alert → first webhook, Watchkeeper (SQLite)");
      Figures[] wk = n.watchkeeper(bench, port, probes, loadSeconds);
      Figures[] am = new Figures[2];
      if (bench.alertmanager() != null) {
        System.out.println("== notify: new alert → first webhook, Alertmanager group_wait 0s");
        am = n.alertmanager(bench, port, probes, loadSeconds);
      }
      return new Study(wk[0], wk[1], am[0], am[1], probes);
    } finally {
      receiver.stop(0);
      pool.shutdownNow();
    }
  }

  private Figures[] watchkeeper(IngestBench bench, int hookPort, int probes, double loadSeconds)
      throws Exception {
    Path tmp = Files.createTempDirectory("wk-notify-");
    Files.writeString(tmp.resolve("watchkeeper.yml"), String.join("\n",
        "server: {host: 127.0.0.1, port: " + Proc.freePort() + "}",
        "storage: {url: \"\", data_dir: " + IngestBench.yaml(tmp.resolve("data").toString()) + "}",
        "ingest: {rate_limit: {events_per_second: 10000000, burst: 10000000}}",
        "api_tokens: [{name: bench, role: admin, token_sha256: "
            + IngestBench.sha256("bench-admin-token") + "}]",
        "users: [{id: hook, contact_methods: [{type: webhook, address: \"http://127.0.0.1:"
            + hookPort + "/wk\"}]}]",
        "escalation_policies: [{id: probe, levels: [{targets: [{user: hook}], delay: 1h}]}]",
        "notifications:",
        "  allow_private_networks: [127.0.0.0/8]",
        "  webhook: {signing_secret: bench-signing-secret-0123456789}",
        "  storm_control: {threshold: 0}",
        "services:",
        "  - {id: bench, integration_keys: [{name: k, key_sha256: "
            + IngestBench.sha256(IngestBench.INTEGRATION_KEY) + "}]}",
        "  - {id: probe, escalation_policy: probe, grouping: {by: [alertname]},"
            + " integration_keys: [{name: p, key_sha256: " + IngestBench.sha256(PROBE_KEY)
            + "}]}",
        ""));
    IngestBench.Running srv = bench.start("sqlite", "notify-wk", tmp);
    try {
      return measure(bench, srv, "Bearer " + PROBE_KEY, IngestBench.INTEGRATION_KEY, probes,
          loadSeconds, 0);
    } finally {
      srv.child().close();
      Proc.deleteTree(tmp);
    }
  }

  private Figures[] alertmanager(IngestBench bench, int hookPort, int probes, double loadSeconds)
      throws Exception {
    Path tmp = Files.createTempDirectory("am-notify-");
    int port = Proc.freePort();
    Path cfg = tmp.resolve("alertmanager.yml");
    Files.writeString(cfg, String.join("\n",
        "route:",
        "  receiver: 'null'",
        "  routes:",
        "    - receiver: hook",
        "      matchers: ['probe=\"1\"']",
        "      group_by: [alertname]",
        "      group_wait: 0s",
        "      group_interval: 5m",
        "      repeat_interval: 4h",
        "receivers:",
        "  - name: 'null'",
        "  - name: hook",
        "    webhook_configs: [{url: 'http://127.0.0.1:" + hookPort + "/am',"
            + " send_resolved: false}]",
        ""));
    Files.createDirectories(tmp.resolve("data"));
    Proc.Child child = new Proc.Child(List.of(bench.alertmanager().toString(),
        "--config.file=" + cfg, "--storage.path=" + tmp.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="),
        bench.opt().logDir().resolve("notify-am.log"), null);
    try {
      String base = "http://127.0.0.1:" + port;
      long ready = Proc.awaitOk(base + "/-/ready", 60);
      IngestBench.Running srv = new IngestBench.Running(child,
          new InetSocketAddress("127.0.0.1", port), base, -1,
          new IngestBench.Startup(Double.NaN, (ready - child.startNanos) / 1e6, 0));
      return measure(bench, srv, null, null, probes, loadSeconds, 1_000_000);
    } finally {
      child.close();
      Proc.deleteTree(tmp);
    }
  }

  /** Idle probes, then probes under load; probe numbers start at {@code base}. */
  private Figures[] measure(IngestBench bench, IngestBench.Running srv, String auth,
      String loadBearer, int probes, double loadSeconds, int base) throws Exception {
    // Warm-up: a few probes whose figures are dropped (first requests, JIT, connections).
    probes(srv, auth, base + 900_000, 30, 20);
    Figures idle = probes(srv, auth, base, probes, 20);
    print("idle", idle);
    byte[][] load = bench.alertmanagerRequests(srv.address().getPort(), 100, loadBearer,
        bench.opt().keys());
    double warm = 3;
    LoadGenerator gen = new LoadGenerator(srv.address(), load, 64, bench.opt().loops(), warm,
        loadSeconds, Long.MAX_VALUE);
    IngestBench.sleepUntil(gen.measureStartNanos());
    long gap = Math.max(5, (long) (loadSeconds * 1000 / probes / 2));
    Figures loaded = probes(srv, auth, base + 100_000, probes, gap);
    LoadGenerator.Result r = gen.await();
    loaded = new Figures(loaded.probes(), loaded.lost(), loaded.p50(), loaded.p99(),
        loaded.max(), r.okRequests() * 100.0 / r.seconds());
    print("under load (" + Math.round(loaded.loadAlertsPerSec()) + " load alerts/s)", loaded);
    return new Figures[] {idle, loaded};
  }

  private Figures probes(IngestBench.Running srv, String auth, int first, int count, long gapMs)
      throws Exception {
    long[] lat = new long[count];
    int lost = 0;
    int got = 0;
    String startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    for (int i = 0; i < count; i++) {
      int id = first + i;
      String body = "[{\"labels\":{\"alertname\":\"probe-" + id + "\",\"probe\":\"1\"},"
          + "\"annotations\":{\"summary\":\"probe-" + id + "\"},\"startsAt\":\"" + startsAt
          + "\"}]";
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(srv.baseUrl() + "/api/v2/alerts"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
      if (auth != null) {
        b.header("Authorization", auth);
      }
      long t0 = System.nanoTime();
      HttpResponse<Void> resp = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
      if (resp.statusCode() / 100 != 2) {
        throw new IllegalStateException("probe answered " + resp.statusCode());
      }
      long deadline = t0 + PROBE_TIMEOUT.toNanos();
      Long at;
      while ((at = arrived.get(id)) == null && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      if (at == null) {
        lost++;
      } else {
        lat[got++] = (at - t0) / 1000;
      }
      Thread.sleep(gapMs);
    }
    long[] sorted = Arrays.copyOf(lat, got);
    Arrays.sort(sorted);
    return new Figures(count, lost, pct(sorted, 50), pct(sorted, 99),
        got == 0 ? -1 : sorted[got - 1], 0);
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static void print(String what, Figures f) {
    System.out.printf(Locale.ROOT, "   %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, lost %d of %d%n",
        what, f.p50() / 1000.0, f.p99() / 1000.0, f.max() / 1000.0, f.lost(), f.probes());
  }

  static String markdown(Study s) {
    StringBuilder sb = new StringBuilder("\n## New alert → first webhook (issue 5)\n\n");
    sb.append("One `POST /api/v2/alerts` with a new alert; the clock runs from just before the"
        + " request is sent until a webhook receiver in the harness gets the notification. "
        + s.probes() + " probes each, sequential (20 ms apart idle); under load, probes run"
        + " while 64 connections post 100 alerts per request to the same server. Watchkeeper:"
        + " SQLite (synchronous=FULL), the page written with the incident, the outbox row"
        + " committed with it, a delivery worker woken on commit, HMAC-signed webhook;"
        + " storm control off. Alertmanager: `group_wait: 0s`, in memory.\n\n");
    sb.append("| | idle p50 ms | idle p99 ms | idle max ms | loaded p50 ms | loaded p99 ms"
        + " | loaded max ms | load alerts/s | lost |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    row(sb, "Watchkeeper", s.wkIdle(), s.wkLoad());
    if (s.amIdle() != null) {
      row(sb, "Alertmanager", s.amIdle(), s.amLoad());
      sb.append(String.format(Locale.ROOT, "%nRatios (Watchkeeper / Alertmanager; goal ≤ 1):"
              + " idle p50 %.2f×, loaded p99 %.2f×. Goal idle p99 ≤ 10 ms: %s.%n",
          s.wkIdle().p50() / (double) s.amIdle().p50(),
          s.wkLoad().p99() / (double) s.amLoad().p99(),
          s.wkIdle().p99() <= 10_000 ? "met" : "missed"));
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, Figures idle, Figures load) {
    sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.2f | %.2f | %.1f | %.0f"
            + " | %d |%n", name, idle.p50() / 1000.0, idle.p99() / 1000.0, idle.max() / 1000.0,
        load.p50() / 1000.0, load.p99() / 1000.0, load.max() / 1000.0, load.loadAlertsPerSec(),
        idle.lost() + load.lost()));
  }

  private NotifyBench() {}
}
