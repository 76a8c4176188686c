package dev.watchkeeper.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ingest load harness: starts the real Watchkeeper jar (SQLite, then PostgreSQL) and, as the
 * baseline, Prometheus Alertmanager, drives each with the same closed-loop HTTP client, and writes
 * bench/RESULTS.md. See bench/README.md.
 */
public final class IngestBench {

  static final String INTEGRATION_KEY = "bench-integration-key";
  static final String VIEWER_TOKEN = "bench-viewer-token";
  private static final Pattern LISTENING =
      Pattern.compile("^Watchkeeper listening on (http://[A-Za-z0-9.:\\[\\]-]+)/?\\s*$");

  /** Command-line settings (see {@link #usage()}). */
  record Options(Path jar, List<String> targets, List<Integer> batches, List<Integer> connections,
      double warmup, double duration, int keys, long maxRequests, int loops,
      List<String> serverJavaOpts, String pgParams, Path out, Path logDir, int incidents,
      int listConnections, double drainTimeout, int heapAlerts, int timers, double timerWindow,
      double timerLead) {}

  /** All targets, in the order they run by default. */
  static final List<String> ALL_TARGETS =
      List.of("sqlite", "pg", "am", "sqlite-v2", "incidents", "am-list", "heap", "timers",
          "notify");

  /** One measured scenario. */
  record Row(String target, int batch, int conns, LoadGenerator.Result r, double eventsPerSec,
      double requestsPerSec, Metrics commits, Cpu cpu, Startup startup, Drain drain) {}

  /**
   * The asynchronous alert/incident processing of a Watchkeeper scenario: events stored and
   * processed per second over the measurement window (/metrics), the backlog (stored minus
   * processed) when the load ended, and how long it took to reach 0 after that (NaN if it did
   * not within the bound; then {@code backlogLeft} says how much was left).
   */
  record Drain(double storedPerSec, double processedPerSec, long backlogAtEnd, double drainSecs,
      long backlogLeft, double timeoutSecs) {}

  /** One latency measurement of a list endpoint (incidents list or Alertmanager's full list). */
  record ListRow(String name, int conns, LoadGenerator.Result r, double requestsPerSec, Cpu cpu,
      double warmup) {}

  /** The incidents-list study: how the database was filled, the walk, and the measurements. */
  record ListStudy(int incidents, double fillSecs, Startup migrateStartup, Startup startup,
      long dbBytes, int walkPages, long walkIncidents, double walkSecs, double walkMaxPageMs,
      double coldWalkSecs, List<ListRow> rows) {}

  /** Alertmanager's GET /api/v2/alerts with N alerts loaded. */
  record AmListStudy(int alerts, long listed, double loadSecs, long responseBytes, Startup startup,
      long rssKibLoaded, ListRow row) {}

  /** Group-commit figures from /metrics over the measurement window (NaN for Alertmanager). */
  record Metrics(double avgBatchEvents, double avgBatchRequests, double commitsPerSec,
      double avgCommitMs, double commitBusy) {
    static final Metrics NONE = new Metrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN);
  }

  /**
   * CPU used over the measurement window, in cores; {@code threads} = the server's busiest
   * threads (name → cores), {@code writer} = its group-commit writer threads (wk-commit-*).
   */
  record Cpu(double server, double db, double client, double machineBusy, double iowait,
      Map<String, Double> threads, double writer) {}

  /** Start-up figures: ms from process start to the listening line / to ready; idle RSS. */
  record Startup(double listeningMs, double readyMs, long idleRssKib) {}

  /** A started server under test. */
  record Running(Proc.Child child, InetSocketAddress address, String baseUrl,
      long dbPid, Startup startup) {}

  private final Options opt;
  private final List<String> notes = new ArrayList<>();
  private Postgres postgres;
  private Path alertmanager;
  private ListStudy listStudy;
  private AmListStudy amListStudy;
  private HeapBench.HeapStudy heapStudy;
  private TimersBench.TimersStudy timersStudy;
  private NotifyBench.Study notifyStudy;

  private IngestBench(Options opt) {
    this.opt = opt;
  }

  Options opt() {
    return opt;
  }

  void note(String note) {
    notes.add(note);
  }

  /** Alertmanager's executable, or null if it is not installed. */
  Path alertmanager() {
    return alertmanager;
  }

  public static void main(String[] args) throws Exception {
    Options opt;
    try {
      opt = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    new IngestBench(opt).run();
  }

  private void run() throws Exception {
    if (!Files.isRegularFile(opt.jar())) {
      throw new IllegalStateException("server jar not found: " + opt.jar()
          + " (build it first: mvn -q -o package -DskipTests in the project root, or --jar PATH)");
    }
    Files.createDirectories(opt.logDir());
    System.out.printf(Locale.ROOT, "Watchkeeper ingest bench: targets %s, events/request %s,"
            + " connections %s, warm-up %.0f s, measure %.0f s, %d keys%n", opt.targets(),
        opt.batches(), opt.connections(), opt.warmup(), opt.duration(), opt.keys());
    String machine = Report.machineFacts();
    List<Row> rows = new ArrayList<>();
    try {
      if (opt.targets().contains("pg")) {
        try {
          postgres = Postgres.open();
          System.out.println("PostgreSQL: " + postgres.description);
        } catch (IllegalStateException e) {
          notes.add("PostgreSQL scenarios SKIPPED: " + e.getMessage() + ".");
          System.out.println("PostgreSQL scenarios SKIPPED: " + e.getMessage());
        }
      }
      if (opt.targets().contains("am") || opt.targets().contains("am-list")
          || opt.targets().contains("heap") || opt.targets().contains("notify")) {
        alertmanager = Proc.onPath("alertmanager");
        if (alertmanager == null) {
          alertmanager = Proc.onPath("prometheus-alertmanager");
        }
        if (alertmanager == null) {
          notes.add("Alertmanager baseline SKIPPED: no `alertmanager` (or Debian's"
              + " `prometheus-alertmanager`) on the PATH; install it with"
              + " `apt-get install prometheus-alertmanager`. No ratios can be given.");
          System.out.println("Alertmanager baseline SKIPPED: not on the PATH");
        }
      }
      for (String target : opt.targets()) {
        if (target.equals("pg") && postgres == null
            || target.startsWith("am") && alertmanager == null) {
          continue;
        }
        if (target.equals("incidents")) {
          listStudy = IncidentsBench.run(this);
          continue;
        }
        if (target.equals("am-list")) {
          amListStudy = IncidentsBench.runAlertmanager(this);
          continue;
        }
        if (target.equals("heap")) {
          heapStudy = HeapBench.run(this);
          continue;
        }
        if (target.equals("timers")) {
          timersStudy = TimersBench.run(this);
          continue;
        }
        if (target.equals("notify")) {
          notifyStudy = NotifyBench.run(this, 300, 20);
          continue;
        }
        for (int batch : opt.batches()) {
          for (int conns : opt.connections()) {
            rows.add(scenario(target, batch, conns));
          }
        }
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
    String md = Report.markdown(opt, machine, rows, listStudy, amListStudy, heapStudy,
        timersStudy, notes,
        postgres == null ? null : postgres.description,
        alertmanager == null ? null : Proc.runQuietly(List.of(alertmanager.toString(), "--version"))
            .lines().findFirst().orElse(""));
    if (notifyStudy != null) {
      md += NotifyBench.markdown(notifyStudy);
    }
    Files.createDirectories(opt.out().toAbsolutePath().getParent());
    Files.writeString(opt.out(), md);
    System.out.println();
    System.out.println(md);
    System.out.println("Written to " + opt.out().toAbsolutePath());
  }

  private Row scenario(String target, int batch, int conns) throws Exception {
    String name = Report.targetName(target) + ", " + batch + " event(s)/request, " + conns
        + " connections";
    System.out.println("== " + name);
    Path tmp = Files.createTempDirectory("wk-bench-");
    Running srv = null;
    try {
      srv = start(target, target + "-" + batch + "-" + conns, tmp);
      System.out.printf(Locale.ROOT, "   started: listening line after %.0f ms, ready after %.0f ms,"
              + " idle RSS %d MiB%n", srv.startup().listeningMs(), srv.startup().readyMs(),
          srv.startup().idleRssKib() / 1024);
      byte[][] requests = target.equals("am")
          ? alertmanagerRequests(srv.address().getPort(), batch, null)
          : target.equals("sqlite-v2")
              ? alertmanagerRequests(srv.address().getPort(), batch, INTEGRATION_KEY)
              : watchkeeperRequests(srv.address().getPort(), batch);
      LoadGenerator gen = new LoadGenerator(srv.address(), requests, conns, opt.loops(),
          opt.warmup(), opt.duration(), opt.maxRequests());
      sleepUntil(gen.measureStartNanos());
      Snapshot a = snapshot(srv, !target.equals("am"));
      sleepUntil(gen.measureEndNanos());
      Snapshot b = snapshot(srv, !target.equals("am"));
      LoadGenerator.Result r = gen.await();
      if (!srv.child().process.isAlive()) {
        notes.add(name + ": the server process EXITED during the run (exit "
            + srv.child().process.exitValue() + "); see " + srv.child().log);
      }
      double secs = (b.nanos - a.nanos) / 1e9;
      Cpu cpu = cpu(a, b);
      Drain drain = target.equals("am") || !srv.child().process.isAlive() ? null
          : drain(srv, a.metrics, b.metrics, secs);
      Metrics m = target.equals("am") ? Metrics.NONE : commitMetrics(a.metrics, b.metrics, secs);
      double rps = r.okRequests() / r.seconds();
      Row row = new Row(target, batch, conns, r, rps * batch, rps, m, cpu, srv.startup(), drain);
      System.out.println("   " + Report.oneLine(row));
      return row;
    } finally {
      if (srv != null) {
        srv.child().close();
      }
      Proc.deleteTree(tmp);
    }
  }

  /**
   * Starts a server: {@code target} "am" (or "am-list") = Alertmanager; "pg" = Watchkeeper on
   * PostgreSQL; anything else = Watchkeeper on SQLite in {@code tmp}/data (a second start with the
   * same {@code tmp} reuses the config and the database).
   */
  Running start(String target, String logName, Path tmp) throws Exception {
    Path log = opt.logDir().resolve(logName + ".log");
    if (target.startsWith("am")) {
      int port = Proc.freePort();
      Path cfg = tmp.resolve("alertmanager.yml");
      Files.writeString(cfg, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
      Files.createDirectories(tmp.resolve("data"));
      Proc.Child child = new Proc.Child(List.of(alertmanager.toString(),
          "--config.file=" + cfg, "--storage.path=" + tmp.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="), log, null);
      String base = "http://127.0.0.1:" + port;
      try {
        long ready = Proc.awaitOk(base + "/-/ready", 60);
        return new Running(child, new InetSocketAddress("127.0.0.1", port), base, -1,
            new Startup(Double.NaN, (ready - child.startNanos) / 1e6, idleRss(child.pid())));
      } catch (RuntimeException e) {
        child.close();
        throw new IllegalStateException(e.getMessage() + "\n" + child.tail(), e);
      }
    }
    String url = "";
    String user = "";
    String password = "";
    long dbPid = -1;
    if (target.equals("pg")) {
      Postgres.Db db = postgres.newDatabase();
      url = opt.pgParams().isEmpty() ? db.url()
          : db.url() + (db.url().contains("?") ? "&" : "?") + opt.pgParams();
      user = db.user();
      password = db.password();
      dbPid = postgres.postmasterPid();
    }
    Path cfg = tmp.resolve("watchkeeper.yml");
    if (!Files.exists(cfg)) {
      Files.writeString(cfg, String.join("\n",
        "server: {host: 127.0.0.1, port: " + Proc.freePort() + "}",
        "storage: {url: " + yaml(url) + ", username: " + yaml(user) + ", password: "
            + yaml(password) + ", data_dir: " + yaml(tmp.resolve("data").toString()) + "}",
        "ingest: {rate_limit: {events_per_second: 10000000, burst: 10000000}}",
        "api_tokens: [{name: bench, role: admin, token_sha256: " + sha256("bench-admin-token")
            + "}, {name: viewer, role: viewer, token_sha256: " + sha256(VIEWER_TOKEN) + "}]",
        "services: [{id: bench, integration_keys: [{name: k, key_sha256: "
            + sha256(INTEGRATION_KEY) + "}]}]",
        ""));
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(opt.serverJavaOpts());
    cmd.addAll(List.of("-jar", opt.jar().toString(), "serve", "--config", cfg.toString()));
    Proc.Child child = new Proc.Child(cmd, log, LISTENING);
    try {
      Matcher m = child.awaitLine(120);
      long listening = System.nanoTime();
      String base = m.group(1).replaceAll("/+$", "");
      long ready = Proc.awaitOk(base + "/readyz", 60);
      java.net.URI uri = java.net.URI.create(base);
      return new Running(child, new InetSocketAddress(uri.getHost(), uri.getPort()), base, dbPid,
          new Startup((listening - child.startNanos) / 1e6, (ready - child.startNanos) / 1e6,
              idleRss(child.pid())));
    } catch (RuntimeException e) {
      child.close();
      throw e;
    }
  }

  /** VmRSS one second after ready, with no load. */
  private static long idleRss(long pid) throws InterruptedException {
    Thread.sleep(1000);
    return Proc.rssKib(pid);
  }

  record Snapshot(long nanos, long serverTicks, long dbTicks, long clientTicks,
      long[] machine, Map<String, Long> threads, String metrics) {}

  static Snapshot snapshot(Running srv, boolean scrape) {
    long now = System.nanoTime();
    long pid = srv.child().pid();
    long serverTicks = Proc.cpuTicks(pid);
    Map<String, Long> threads = Proc.threadTicks(pid);
    long dbTicks = srv.dbPid() > 0 ? Proc.cpuTicksWithChildren(srv.dbPid()) : 0;
    long clientTicks = Proc.cpuTicks(ProcessHandle.current().pid());
    long[] machine = Proc.machineTicks();
    String metrics = scrape ? Proc.get(srv.baseUrl() + "/metrics")[1] : "";
    return new Snapshot(now, serverTicks, dbTicks, clientTicks, machine, threads, metrics);
  }

  /** CPU over the window between two snapshots. */
  static Cpu cpu(Snapshot a, Snapshot b) {
    double secs = (b.nanos - a.nanos) / 1e9;
    return new Cpu(
        (b.serverTicks - a.serverTicks) / Proc.TICKS / secs,
        (b.dbTicks - a.dbTicks) / Proc.TICKS / secs,
        (b.clientTicks - a.clientTicks) / Proc.TICKS / secs,
        (b.machine[0] - a.machine[0]) / Proc.TICKS / secs,
        (b.machine[1] - a.machine[1]) / Proc.TICKS / secs,
        threadCores(a.threads, b.threads, secs), writerCores(a.threads, b.threads, secs));
  }

  /** The server's busiest thread groups over the window, at least 0.02 cores, busiest first. */
  static Map<String, Double> threadCores(Map<String, Long> a, Map<String, Long> b,
      double secs) {
    Map<String, Double> out = new LinkedHashMap<>();
    b.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), (e.getValue() - a.getOrDefault(e.getKey(), 0L))
            / Proc.TICKS / secs))
        .filter(e -> e.getValue() >= 0.02)
        .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
        .limit(6)
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static double writerCores(Map<String, Long> a, Map<String, Long> b, double secs) {
    long ticks = 0;
    for (var e : b.entrySet()) {
      if (e.getKey().startsWith("wk-commit")) {
        ticks += e.getValue() - a.getOrDefault(e.getKey(), 0L);
      }
    }
    return ticks / Proc.TICKS / secs;
  }

  /**
   * After the load: polls /metrics until every stored event has been processed (alerts and
   * incidents built), at most {@code --drain-timeout} seconds.
   */
  private Drain drain(Running srv, String before, String after, double secs)
      throws InterruptedException {
    double stored = (metric(after, STORED) - metric(before, STORED)) / secs;
    double processed = (metric(after, PROCESSED) - metric(before, PROCESSED)) / secs;
    long start = System.nanoTime();
    long deadline = start + (long) (opt.drainTimeout() * 1e9);
    long backlogAtEnd = -1;
    while (true) {
      String m = Proc.get(srv.baseUrl() + "/metrics")[1];
      double s = metric(m, STORED);
      double p = metric(m, PROCESSED);
      if (Double.isNaN(s) || Double.isNaN(p)) {
        notes.add("the server's /metrics has no " + STORED + " or " + PROCESSED
            + ": processing not measured");
        return null;
      }
      long backlog = (long) (s - p);
      if (backlogAtEnd < 0) {
        backlogAtEnd = backlog;
      }
      long now = System.nanoTime();
      if (backlog <= 0) {
        return new Drain(stored, processed, backlogAtEnd, (now - start) / 1e9, 0,
            opt.drainTimeout());
      }
      if (now >= deadline) {
        return new Drain(stored, processed, backlogAtEnd, Double.NaN, backlog,
            opt.drainTimeout());
      }
      Thread.sleep(100);
    }
  }

  static final String STORED = "watchkeeper_ingest_events_stored_total";
  static final String PROCESSED = "watchkeeper_events_processed_total";

  private static Metrics commitMetrics(String before, String after, double secs) {
    double events = metric(after, "watchkeeper_commit_batch_events_sum")
        - metric(before, "watchkeeper_commit_batch_events_sum");
    double commits = metric(after, "watchkeeper_commit_batch_events_count")
        - metric(before, "watchkeeper_commit_batch_events_count");
    double requests = metric(after, "watchkeeper_commit_batch_requests_sum")
        - metric(before, "watchkeeper_commit_batch_requests_sum");
    double commitSecs = metric(after, "watchkeeper_commit_duration_seconds_sum")
        - metric(before, "watchkeeper_commit_duration_seconds_sum");
    if (commits <= 0) {
      return Metrics.NONE;
    }
    return new Metrics(events / commits, requests / commits, commits / secs,
        commitSecs / commits * 1000, commitSecs / secs);
  }

  /** Sum of a Prometheus metric's samples over all its label sets; NaN if absent. */
  static double metric(String text, String name) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        // "name value" or "name{labels} value"
        String rest = line.indexOf('{') >= 0 ? line.substring(line.lastIndexOf('}') + 1)
            : line.substring(name.length());
        sum += Double.parseDouble(rest.trim().split("\\s+")[0]);
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  // ---- request bodies ---------------------------------------------------------------------

  /** Requests cycling over all keys: request r carries keys r*batch .. r*batch+batch-1 (mod keys). */
  private byte[][] watchkeeperRequests(int port, int batch) {
    return requests(batch, k -> "{\"source\":\"bench\",\"type\":\"bench.event\","
            + "\"severity\":\"error\",\"dedup_key\":\"key-" + k + "\",\"summary\":\"Bench event"
            + " for host h-" + k + "\",\"labels\":{\"env\":\"bench\",\"host\":\"h-" + k + "\"}}",
        batch > 1, "POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:" + port
            + "\r\nAuthorization: Bearer " + INTEGRATION_KEY
            + "\r\nContent-Type: application/json\r\n");
  }

  /**
   * Alertmanager postableAlerts, identical bodies for Alertmanager and for Watchkeeper's
   * POST /api/v2/alerts; {@code bearer} adds {@code Authorization: Bearer} (Watchkeeper only).
   */
  private byte[][] alertmanagerRequests(int port, int batch, String bearer) {
    return alertmanagerRequests(port, batch, bearer, opt.keys());
  }

  byte[][] alertmanagerRequests(int port, int batch, String bearer, int keys) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return requests(batch, k -> alertJson(k, now), true, "POST /api/v2/alerts HTTP/1.1\r\nHost: 127.0.0.1:" + port
            + (bearer == null ? "" : "\r\nAuthorization: Bearer " + bearer)
            + "\r\nContent-Type: application/json\r\n", keys);
  }

  /** One postableAlert with labels {alertname: Bench, instance: h-k}. */
  static String alertJson(int k, String startsAt) {
    return "{\"labels\":{\"alertname\":\"Bench\",\"instance\":\"h-" + k
        + "\"},\"annotations\":{\"summary\":\"Bench alert for host h-" + k + "\"},"
        + "\"startsAt\":\"" + startsAt + "\"}";
  }

  private byte[][] requests(int batch, java.util.function.IntFunction<String> item,
      boolean array, String head) {
    return requests(batch, item, array, head, opt.keys());
  }

  private static byte[][] requests(int batch, java.util.function.IntFunction<String> item,
      boolean array, String head, int keys) {
    int n = Math.max(1, (keys + batch - 1) / batch);
    byte[][] out = new byte[n][];
    for (int r = 0; r < n; r++) {
      StringBuilder body = new StringBuilder(batch * 200);
      if (array) {
        body.append('[');
      }
      for (int i = 0; i < batch; i++) {
        if (i > 0) {
          body.append(',');
        }
        body.append(item.apply((int) (((long) r * batch + i) % keys)));
      }
      if (array) {
        body.append(']');
      }
      byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
      byte[] h = (head + "Content-Length: " + b.length + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
      byte[] req = new byte[h.length + b.length];
      System.arraycopy(h, 0, req, 0, h.length);
      System.arraycopy(b, 0, req, h.length, b.length);
      out[r] = req;
    }
    return out;
  }

  static String sha256(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String yaml(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static void sleepUntil(long nanos) throws InterruptedException {
    long ms;
    while ((ms = (nanos - System.nanoTime()) / 1_000_000) > 0) {
      Thread.sleep(Math.min(ms, 1000));
    }
  }

  // ---- options ------------------------------------------------------------------------------

  static String usage() {
    return String.join("\n",
        "usage: java -jar bench/target/ingest-bench.jar [options]",
        "  --jar PATH            server jar (default: <project>/target/watchkeeper.jar)",
        "  --targets LIST        any of sqlite,pg,am,sqlite-v2,incidents,am-list,heap,timers,notify"
            + " (default all):",
        "                        sqlite/pg = POST /api/v1/events, am = Alertmanager baseline,",
        "                        sqlite-v2 = Watchkeeper POST /api/v2/alerts (SQLite, same bodies",
        "                        as am), incidents = GET /api/v1/incidents with --incidents rows,",
        "                        am-list = Alertmanager GET /api/v2/alerts with --incidents alerts,",
        "                        heap = retained heap and RSS per active alert with --heap-alerts",
        "                        firing alerts, Watchkeeper (SQLite) and Alertmanager;",
        "                        timers = lateness of --timers escalation timers due over",
        "                        --timer-window s, and the heap with them pending (SQLite)",
        "  --batches LIST        events per request (default 1,100)",
        "  --connections LIST    concurrent keep-alive connections (default 64; e.g. 16,64,128)",
        "  --warmup SECONDS      warm-up before measuring (default 20; the server JIT needs it)",
        "  --duration SECONDS    measurement window (default 15)",
        "  --keys N              distinct dedup keys / label sets (default 10000)",
        "  --max-requests N      stop issuing after N requests per scenario (default 50000000)",
        "  --loops N             client selector threads (default 1)",
        "  --server-java-opts S  JVM options for the server, space-separated (default none)",
        "  --pg-params S         extra JDBC URL parameters for PostgreSQL, e.g."
            + " reWriteBatchedInserts=true (default none)",
        "  --incidents N         incidents (and Alertmanager alerts for am-list) (default 100000)",
        "  --list-connections N  connections for the list scenarios (default 4)",
        "  --drain-timeout S     max wait for the event backlog to drain after load (default 60)",
        "  --heap-alerts N       distinct firing alerts for the heap target (default 100000)",
        "  --timers N            pending escalation timers for the timers target (default 100000)",
        "  --timer-window S      the timers come due evenly over this many seconds (default 60)",
        "  --timer-lead S        the first is due this long after the fill starts (default 30)",
        "  --out PATH            Markdown results (default bench/RESULTS.md)",
        "  --log-dir PATH        server logs (default bench/target/bench-logs)");
  }

  static Options parse(String[] args) {
    Path benchDir = benchDir();
    Map<String, String> o = new LinkedHashMap<>();
    o.put("jar", benchDir.getParent().resolve("target/watchkeeper.jar").toString());
    o.put("targets", String.join(",", ALL_TARGETS));
    o.put("batches", "1,100");
    o.put("connections", "64");
    o.put("warmup", "20");
    o.put("duration", "15");
    o.put("keys", "10000");
    o.put("max-requests", "50000000");
    o.put("loops", "1");
    o.put("server-java-opts", "");
    o.put("pg-params", "");
    o.put("incidents", "100000");
    o.put("list-connections", "4");
    o.put("drain-timeout", "60");
    o.put("heap-alerts", "100000");
    o.put("timers", "100000");
    o.put("timer-window", "60");
    o.put("timer-lead", "30");
    o.put("out", benchDir.resolve("RESULTS.md").toString());
    o.put("log-dir", benchDir.resolve("target/bench-logs").toString());
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println(usage());
        System.exit(0);
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String key = a.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("missing value for " + a);
      }
      if (!o.containsKey(key)) {
        throw new IllegalArgumentException("unknown option: --" + key);
      }
      o.put(key, value);
    }
    List<String> targets = List.of(o.get("targets").split(","));
    for (String t : targets) {
      if (!ALL_TARGETS.contains(t)) {
        throw new IllegalArgumentException("unknown target: " + t);
      }
    }
    Options opt = new Options(Path.of(o.get("jar")).toAbsolutePath().normalize(), targets,
        ints(o.get("batches"), 1, 1000), ints(o.get("connections"), 1, 4096),
        Double.parseDouble(o.get("warmup")), Double.parseDouble(o.get("duration")),
        ints(o.get("keys"), 1, 10_000_000).get(0), Long.parseLong(o.get("max-requests")),
        ints(o.get("loops"), 1, 64).get(0),
        o.get("server-java-opts").isBlank() ? List.of()
            : List.of(o.get("server-java-opts").trim().split("\\s+")),
        o.get("pg-params").trim(),
        Path.of(o.get("out")).toAbsolutePath().normalize(),
        Path.of(o.get("log-dir")).toAbsolutePath().normalize(),
        ints(o.get("incidents"), 1, 10_000_000).get(0),
        ints(o.get("list-connections"), 1, 1024).get(0),
        Double.parseDouble(o.get("drain-timeout")),
        ints(o.get("heap-alerts"), 1000, 10_000_000).get(0),
        ints(o.get("timers"), 1, 10_000_000).get(0), Double.parseDouble(o.get("timer-window")),
        Double.parseDouble(o.get("timer-lead")));
    if (opt.warmup() < 0 || opt.duration() <= 0 || opt.duration() > 3600 || opt.warmup() > 3600) {
      throw new IllegalArgumentException("warm-up must be 0..3600 s and duration 0..3600 s");
    }
    if (opt.timerWindow() < 1 || opt.timerWindow() > 3600 || opt.timerLead() < 10
        || opt.timerLead() > 3600) {
      throw new IllegalArgumentException("--timer-window must be 1..3600 s and --timer-lead"
          + " 10..3600 s");
    }
    return opt;
  }

  private static List<Integer> ints(String list, int min, int max) {
    List<Integer> out = new ArrayList<>();
    for (String s : list.split(",")) {
      int v = Integer.parseInt(s.trim());
      if (v < min || v > max) {
        throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
      }
      out.add(v);
    }
    return out;
  }

  /** bench/ itself: the jar runs from bench/target/, so bench/ is two levels up. */
  private static Path benchDir() {
    try {
      Path code = Path.of(IngestBench.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI()).toAbsolutePath();
      Path dir = code.getParent().getParent();
      if (Files.isRegularFile(dir.resolve("pom.xml")) && dir.getFileName().toString().equals("bench")) {
        return dir;
      }
    } catch (Exception e) {
      // fall through
    }
    Path cwd = Path.of("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve("bench")) ? cwd.resolve("bench") : cwd;
  }
}
