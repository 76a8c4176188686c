package dev.watchkeeper.bench;

import dev.watchkeeper.bench.IngestBench.Running;
import dev.watchkeeper.bench.IngestBench.Startup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory per active alert ({@code heap} target): Watchkeeper on SQLite and Alertmanager, each
 * fresh, are given the same N distinct firing alerts ({@code POST /api/v2/alerts}, 1000 per
 * request); the server's memory is read after a forced full GC before the alerts, after the first
 * 10%, after all N (once every one is processed and counted as firing), and once more after one
 * full {@code GET /api/v2/alerts} list.
 *
 * <p>Watchkeeper (JVM): {@code jcmd <pid> GC.run}, then {@code jcmd <pid> GC.class_histogram}
 * (which itself runs a full GC first) — its {@code Total} bytes are the live (retained) objects
 * on the heap; {@code jcmd <pid> GC.heap_info} gives the heap's used and committed size next to
 * it. Alertmanager (Go): {@code GET /debug/pprof/heap?gc=1} (runs {@code runtime.GC()}), then its
 * {@code /metrics} {@code go_memstats_heap_alloc_bytes} (live heap objects) and
 * {@code go_memstats_heap_inuse_bytes}. Both: VmRSS from {@code /proc/<pid>/status} two seconds
 * after the GC. Watchkeeper also: the size of {@code data/watchkeeper.db} plus its
 * {@code -wal} and {@code -shm} files.
 */
final class HeapBench {
  private HeapBench() {}

  /** Alerts per request, as Alertmanager gets them from Prometheus in bulk. */
  static final int BATCH = 1000;

  private static final Pattern HEAP_INFO =
      Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");
  private static final Pattern HISTO_TOTAL =
      Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  /**
   * Memory of the server at one point, all after a forced full GC. {@code heapLive}: live heap
   * objects (JVM: class histogram total; Go: heap_alloc); {@code heapUsed}: JVM heap used (after
   * the GC) / Go heap_inuse; {@code heapCommitted}: JVM committed heap (-1 for Go); the database
   * files (-1 for Alertmanager).
   */
  record Reading(String label, long alerts, long heapLive, long heapUsed, long heapCommitted,
      long rssKib, long dbBytes, long walBytes, long shmBytes) {
    long dbTotal() {
      return dbBytes < 0 ? -1 : dbBytes + Math.max(0, walBytes) + Math.max(0, shmBytes);
    }
  }

  /**
   * One server's run: start-up, the readings, how long posting and processing took, the count of
   * firing alerts before the "after" reading ({@code counted}, how: {@code countedBy}), and the
   * full list after it ({@code listed} alerts, bytes, seconds).
   */
  record Study(String server, String runtime, Startup startup, List<Reading> readings,
      double postSecs, double processSecs, long counted, String countedBy, long listed,
      long listBytes, double listSecs, String extra) {
    Reading at(String label) {
      return readings.stream().filter(r -> r.label().equals(label)).findFirst().orElse(null);
    }
  }

  /** Both servers ({@code alertmanager} null if it is not installed). */
  record HeapStudy(int alerts, Study watchkeeper, Study alertmanager) {}

  static final String BEFORE = "before (idle, after ready)";
  static final String TENTH = "after 10%";
  static final String AFTER = "after all";
  static final String LISTED = "after one full GET /api/v2/alerts";

  static HeapStudy run(IngestBench bench) throws Exception {
    int n = bench.opt().heapAlerts();
    Study wk = watchkeeper(bench, n);
    Study am = null;
    if (bench.alertmanager() != null) {
      am = alertmanager(bench, n);
    }
    return new HeapStudy(n, wk, am);
  }

  // ---- Watchkeeper ---------------------------------------------------------------------------

  private static Study watchkeeper(IngestBench bench, int n) throws Exception {
    System.out.println("== Heap per active alert: Watchkeeper SQLite, " + n + " alerts");
    Path tmp = Files.createTempDirectory("wk-bench-heap-");
    Running srv = null;
    try {
      srv = bench.start("sqlite-v2", "heap-watchkeeper", tmp);
      long pid = srv.child().pid();
      Path data = tmp.resolve("data");
      String runtime = jcmd(pid, "VM.flags").lines().filter(l -> l.contains("-XX:"))
          .findFirst().orElse("").trim();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      List<Reading> readings = new ArrayList<>();
      readings.add(jvmReading(BEFORE, 0, pid, data));
      print(readings.get(0));
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      double drainBound = Math.max(300, bench.opt().drainTimeout());
      int tenth = Math.max(BATCH, n / 10 / BATCH * BATCH);
      double postSecs = 0;
      double processSecs = 0;
      int posted = 0;
      for (int upTo : tenth < n ? new int[] {tenth, n} : new int[] {n}) {
        long t0 = System.nanoTime();
        post(http, srv.baseUrl(), IngestBench.INTEGRATION_KEY, posted, upTo, now);
        long t1 = System.nanoTime();
        awaitProcessed(srv.baseUrl(), upTo, drainBound);
        postSecs += (t1 - t0) / 1e9;
        processSecs += (System.nanoTime() - t1) / 1e9;
        posted = upTo;
        if (upTo < n) {
          readings.add(jvmReading(TENTH, upTo, pid, data));
          print(readings.get(readings.size() - 1));
        }
      }
      System.out.printf(Locale.ROOT, "   posted %d alerts (%.1f s), processed %.1f s after the"
          + " last response%n", n, postSecs, processSecs);
      // Count the firing alerts page by page (small pages, so no transient garbage of size N
      // on the heap before the reading).
      long counted = countV1(http, srv.baseUrl());
      System.out.println("   firing alerts via GET /api/v1/alerts?status=firing (paged): " + counted);
      if (counted != n) {
        bench.note("heap: Watchkeeper lists " + counted + " firing alerts after " + n
            + " were posted.");
      }
      HttpResponse<String> inc = http.send(HttpRequest.newBuilder(URI.create(srv.baseUrl()
              + "/api/v1/incidents?limit=500"))
          .header("Authorization", "Bearer " + IngestBench.VIEWER_TOKEN)
          .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
      String incidents = inc.statusCode() != 200 ? "" : "incidents built from them (default"
          + " grouping): " + count(inc.body(), "\"group_key\":")
          + (inc.body().contains("\"next_cursor\":\"") ? " or more" : "");
      inc = null;
      readings.add(jvmReading(AFTER, n, pid, data));
      print(readings.get(readings.size() - 1));
      long t0 = System.nanoTime();
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(
              URI.create(srv.baseUrl() + "/api/v2/alerts"))
          .header("Authorization", "Bearer " + IngestBench.VIEWER_TOKEN)
          .timeout(Duration.ofSeconds(300)).GET().build(), HttpResponse.BodyHandlers.ofString());
      double listSecs = (System.nanoTime() - t0) / 1e9;
      long listed = list.statusCode() == 200 ? count(list.body(), "\"fingerprint\":") : -1;
      long listBytes = list.body().length();
      System.out.printf(Locale.ROOT, "   GET /api/v2/alerts: %d, %d alerts, %d MiB, %.1f s%n",
          list.statusCode(), listed, listBytes >> 20, listSecs);
      if (listed != n) {
        bench.note("heap: Watchkeeper's GET /api/v2/alerts answered " + list.statusCode()
            + " with " + listed + " alerts after " + n + " were posted.");
      }
      list = null;
      readings.add(jvmReading(LISTED, n, pid, data));
      print(readings.get(readings.size() - 1));
      if (!srv.child().process.isAlive()) {
        bench.note("heap: the Watchkeeper process EXITED during the run; see " + srv.child().log);
      }
      return new Study("Watchkeeper (SQLite)", runtime, srv.startup(), readings, postSecs, processSecs,
          counted, "`GET /api/v1/alerts?status=firing` paged (1000 a page)", listed, listBytes,
          listSecs, incidents);
    } finally {
      if (srv != null) {
        srv.child().close();
      }
      Proc.deleteTree(tmp);
    }
  }

  /** Full GC, then the class histogram (full GC again, live objects) and heap_info; RSS; DB. */
  static Reading jvmReading(String label, long alerts, long pid, Path data)
      throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String histo = jcmd(pid, "GC.class_histogram");
    Matcher t = HISTO_TOTAL.matcher(histo);
    long live = -1;
    while (t.find()) {
      live = Long.parseLong(t.group(2));
    }
    if (live < 0) {
      throw new IllegalStateException("no Total line in jcmd GC.class_histogram:\n"
          + histo.lines().limit(5).reduce("", (a, b) -> a + b + "\n"));
    }
    Matcher h = HEAP_INFO.matcher(jcmd(pid, "GC.heap_info"));
    long committed = -1;
    long used = -1;
    if (h.find()) {
      committed = Long.parseLong(h.group(1)) * 1024;
      used = Long.parseLong(h.group(2)) * 1024;
    }
    Thread.sleep(2000);
    return new Reading(label, alerts, live, used, committed, Proc.rssKib(pid),
        size(data.resolve("watchkeeper.db")), size(data.resolve("watchkeeper.db-wal")),
        size(data.resolve("watchkeeper.db-shm")));
  }

  static String jcmd(long pid, String command) throws IOException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    return Proc.run(List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
        Long.toString(pid), command), 120);
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Polls /metrics until at least {@code n} events are processed and none is left over. */
  private static void awaitProcessed(String base, long n, double timeoutSecs)
      throws InterruptedException {
    long deadline = System.nanoTime() + (long) (timeoutSecs * 1e9);
    double s = Double.NaN;
    double p = Double.NaN;
    while (System.nanoTime() < deadline) {
      String m = Proc.get(base + "/metrics")[1];
      s = IngestBench.metric(m, IngestBench.STORED);
      p = IngestBench.metric(m, IngestBench.PROCESSED);
      if (p >= n && p >= s) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(String.format(Locale.ROOT, "after %.0f s only %.0f of %.0f"
        + " stored events were processed (expected %d)", timeoutSecs, p, s, n));
  }

  /** Firing alerts counted through GET /api/v1/alerts?status=firing, following next_cursor. */
  private static long countV1(HttpClient http, String base) throws Exception {
    Pattern next = Pattern.compile("\"next_cursor\":\"([^\"]+)\"");
    long total = 0;
    String cursor = null;
    for (int pages = 0; pages < 1_000_000; pages++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
              + "/api/v1/alerts?status=firing&limit=1000"
              + (cursor == null ? "" : "&cursor=" + cursor)))
          .header("Authorization", "Bearer " + IngestBench.VIEWER_TOKEN)
          .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET /api/v1/alerts answered " + r.statusCode() + ": "
            + r.body());
      }
      total += count(r.body(), "\"fingerprint\":");
      Matcher m = next.matcher(r.body());
      if (!m.find()) {
        break;
      }
      cursor = m.group(1);
    }
    return total;
  }

  // ---- Alertmanager --------------------------------------------------------------------------

  private static Study alertmanager(IngestBench bench, int n) throws Exception {
    System.out.println("== Heap per active alert: Alertmanager, " + n + " alerts");
    Path tmp = Files.createTempDirectory("wk-bench-heap-am-");
    Running srv = null;
    try {
      srv = bench.start("am", "heap-alertmanager", tmp);
      long pid = srv.child().pid();
      String runtime = Proc.get(srv.baseUrl() + "/metrics")[1].lines()
          .filter(l -> l.startsWith("go_info{")).findFirst().orElse("");
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      List<Reading> readings = new ArrayList<>();
      readings.add(goReading(BEFORE, 0, pid, srv.baseUrl()));
      print(readings.get(0));
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      int tenth = Math.max(BATCH, n / 10 / BATCH * BATCH);
      double postSecs = 0;
      double processSecs = 0;
      int posted = 0;
      long active = 0;
      for (int upTo : tenth < n ? new int[] {tenth, n} : new int[] {n}) {
        long t0 = System.nanoTime();
        post(http, srv.baseUrl(), null, posted, upTo, now);
        long t1 = System.nanoTime();
        // Stored alerts start "unprocessed"; Alertmanager works out each one's status (active,
        // silenced, inhibited) when its dispatcher flushes the group (group_wait 30 s, then every
        // group_interval, 5 m) or when the API lists it. A list with a filter that matches
        // nothing does it for every alert without building a large response.
        awaitStates(srv.baseUrl(), upTo, false, 60);
        String[] mark = Proc.get(srv.baseUrl() + "/api/v2/alerts?filter="
            + java.net.URLEncoder.encode("alertname=\"no-such-alert\"",
                java.nio.charset.StandardCharsets.UTF_8));
        if (!"200".equals(mark[0])) {
          throw new IllegalStateException("Alertmanager GET /api/v2/alerts?filter=… answered "
              + mark[0] + ": " + mark[1]);
        }
        active = awaitStates(srv.baseUrl(), upTo, true, 60);
        postSecs += (t1 - t0) / 1e9;
        processSecs += (System.nanoTime() - t1) / 1e9;
        posted = upTo;
        if (upTo < n) {
          readings.add(goReading(TENTH, upTo, pid, srv.baseUrl()));
          print(readings.get(readings.size() - 1));
        }
      }
      System.out.printf(Locale.ROOT, "   posted %d alerts (%.1f s); alertmanager_alerts{state="
          + "\"active\"} = %d after %.1f s%n", n, postSecs, active, processSecs);
      if (active != n) {
        bench.note("heap: Alertmanager reports " + active + " active alerts after " + n
            + " were posted.");
      }
      readings.add(goReading(AFTER, n, pid, srv.baseUrl()));
      print(readings.get(readings.size() - 1));
      long t0 = System.nanoTime();
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(
              URI.create(srv.baseUrl() + "/api/v2/alerts")).timeout(Duration.ofSeconds(300))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      double listSecs = (System.nanoTime() - t0) / 1e9;
      long listed = list.statusCode() == 200 ? count(list.body(), "\"fingerprint\":") : -1;
      long listBytes = list.body().length();
      System.out.printf(Locale.ROOT, "   GET /api/v2/alerts: %d, %d alerts, %d MiB, %.1f s%n",
          list.statusCode(), listed, listBytes >> 20, listSecs);
      if (listed != n) {
        bench.note("heap: Alertmanager's GET /api/v2/alerts answered " + list.statusCode()
            + " with " + listed + " alerts after " + n + " were posted.");
      }
      list = null;
      readings.add(goReading(LISTED, n, pid, srv.baseUrl()));
      print(readings.get(readings.size() - 1));
      return new Study("Alertmanager", runtime, srv.startup(), readings, postSecs, processSecs, active,
          "`alertmanager_alerts{state=\"active\"}` in `/metrics` (after a `GET /api/v2/alerts` with"
              + " a filter matching nothing, which sets every alert's status as a group flush"
              + " does)", listed, listBytes, listSecs, "");
    } finally {
      if (srv != null) {
        srv.child().close();
      }
      Proc.deleteTree(tmp);
    }
  }

  /** runtime.GC() through pprof, then the Go heap figures from /metrics; RSS. */
  private static Reading goReading(String label, long alerts, long pid, String base)
      throws InterruptedException {
    String[] gc = Proc.get(base + "/debug/pprof/heap?gc=1");
    if (!"200".equals(gc[0])) {
      throw new IllegalStateException("Alertmanager's /debug/pprof/heap?gc=1 answered " + gc[0]);
    }
    String m = Proc.get(base + "/metrics")[1];
    long alloc = (long) IngestBench.metric(m, "go_memstats_heap_alloc_bytes");
    long inuse = (long) IngestBench.metric(m, "go_memstats_heap_inuse_bytes");
    Thread.sleep(2000);
    return new Reading(label, alerts, alloc, inuse, -1, Proc.rssKib(pid), -1, -1, -1);
  }

  /**
   * Polls {@code alertmanager_alerts} until {@code n} alerts are active ({@code activeOnly}) or
   * held in any state (active, suppressed, unprocessed: every alert not resolved); returns the
   * last count.
   */
  private static long awaitStates(String base, long n, boolean activeOnly, double timeoutSecs)
      throws InterruptedException {
    long deadline = System.nanoTime() + (long) (timeoutSecs * 1e9);
    long count = -1;
    while (System.nanoTime() < deadline) {
      String m = Proc.get(base + "/metrics")[1];
      count = 0;
      for (String line : m.split("\n")) {
        if (line.startsWith(activeOnly ? "alertmanager_alerts{state=\"active\"}"
            : "alertmanager_alerts{")) {
          count += (long) Double.parseDouble(line.substring(line.lastIndexOf('}') + 1).trim());
        }
      }
      if (count >= n) {
        return count;
      }
      Thread.sleep(100);
    }
    return count;
  }

  // ---- shared --------------------------------------------------------------------------------

  /** Posts alerts {@code from} .. {@code to - 1} (instance h-k), 1000 a request, one at a time. */
  private static void post(HttpClient http, String base, String bearer, int from, int to,
      String startsAt) throws Exception {
    for (int start = from; start < to; start += BATCH) {
      StringBuilder body = new StringBuilder(BATCH * 130).append('[');
      for (int k = start; k < Math.min(to, start + BATCH); k++) {
        body.append(k > start ? "," : "").append(IngestBench.alertJson(k, startsAt));
      }
      body.append(']');
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts"))
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("POST /api/v2/alerts answered " + r.statusCode() + ": "
            + r.body());
      }
    }
  }

  private static long count(String s, String what) {
    long n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }

  private static void print(Reading r) {
    System.out.printf(Locale.ROOT, "   %-34s %,7d alerts: heap live %s, used %s, committed %s,"
            + " RSS %.1f MiB%s%n", r.label(), r.alerts(), mib(r.heapLive()), mib(r.heapUsed()),
        mib(r.heapCommitted()), r.rssKib() / 1024.0,
        r.dbBytes() < 0 ? "" : ", database files " + mib(r.dbTotal()));
  }

  static String mib(long bytes) {
    return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
