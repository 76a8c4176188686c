package dev.watchkeeper.bench;

import dev.watchkeeper.bench.IngestBench.Cpu;
import dev.watchkeeper.bench.IngestBench.Running;
import dev.watchkeeper.bench.IngestBench.Snapshot;
import dev.watchkeeper.bench.IngestBench.Startup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Escalation timers at scale ({@code timers} target): a SQLite database filled, with the server
 * stopped, with N triggered incidents, each at level 1 of a two-level policy with its {@code
 * escalate} timer pending, the timers due evenly over a window that starts {@code --timer-lead}
 * seconds after the fill. The server is started on it and fires them (pages level 2); the
 * lateness of each firing is {@code incident_pages.at} of the level-2 page minus the timer's due
 * time. Also: how far the committed count lags behind the due count ({@code /metrics}, sampled),
 * CPU, GC, and the live heap after a full GC with N timers pending and after all fired.
 */
final class TimersBench {
  private TimersBench() {}

  /** The policy's second level waits this long: its timers stay pending through the run. */
  private static final String LEVEL_2_DELAY = "1h";
  static final String FIRED = "watchkeeper_incident_timers_fired_total";
  private static final long SAMPLE_MS = 100;

  /** Lateness of the firings in one slice of the window. */
  record Slice(int index, double fromSecs, double toSecs, int fired, long p50, long p99,
      long max) {}

  /**
   * The run. Times are epoch ms. {@code lateness}: sorted, one per fired timer (page time minus
   * due time, ms). {@code lagMaxMs}: the largest, over the /metrics samples, of (sample time −
   * due time of the oldest timer not yet counted as fired), i.e. how long the oldest due timer
   * had waited for its commit.
   */
  record TimersStudy(int timers, double windowSecs, double fillSecs, long dbBytes,
      Startup startup, long readyAt, long firstDue, long lastDue, long fired, long missing,
      long duplicates, long dueLeft, long[] lateness, long early, List<Slice> slices,
      long overGoal, double overGoalFromSecs, double overGoalToSecs,
      long lagMaxMs, double lagP99Ms, int samples, Cpu cpu, double cpuSecs, double gcPauses,
      double gcPauseSecs, double gcPauseMaxSecs, long heapUsedMaxBytes,
      HeapBench.Reading pending, HeapBench.Reading done, String runtime, String note) {}

  static TimersStudy run(IngestBench bench) throws Exception {
    IngestBench.Options opt = bench.opt();
    int n = opt.timers();
    long window = (long) (opt.timerWindow() * 1000);
    System.out.println("== Escalation timers: " + n + " pending, due over " + opt.timerWindow()
        + " s, SQLite");
    Path tmp = Files.createTempDirectory("wk-bench-timers-");
    try {
      writeConfig(tmp);
      // 1. Start once on the empty data dir (creates and migrates the database), stop it.
      Running first = bench.start("sqlite", "timers-migrate", tmp);
      first.child().close();
      // 2. Fill it while the server is stopped: the window starts `lead` after the fill began.
      Path db = tmp.resolve("data").resolve("watchkeeper.db");
      long t0 = System.currentTimeMillis();
      long firstDue = t0 + (long) (opt.timerLead() * 1000);
      fill(db, n, firstDue, window, t0);
      double fillSecs = (System.currentTimeMillis() - t0) / 1000.0;
      long dbBytes = Files.size(db);
      System.out.printf(Locale.ROOT, "   filled %d incidents with escalate timers in %.1f s"
          + " (database %d MiB); first due in %.1f s%n", n, fillSecs, dbBytes >> 20,
          (firstDue - System.currentTimeMillis()) / 1000.0);
      // 3. Start on the filled database; heap with everything pending (before the window).
      Running srv = bench.start("sqlite", "timers", tmp);
      long readyAt = System.currentTimeMillis();
      try {
        long pid = srv.child().pid();
        Path data = tmp.resolve("data");
        String runtime = HeapBench.jcmd(pid, "VM.flags").lines()
            .filter(l -> l.contains("-XX:")).findFirst().orElse("").trim();
        String note = "";
        if (readyAt > firstDue) {
          note = "The server was ready " + (readyAt - firstDue) + " ms after the first timer was"
              + " due: raise --timer-lead.";
          bench.note("timers: " + note);
        }
        HeapBench.Reading pending = null;
        if (System.currentTimeMillis() + 8000 < firstDue) {
          pending = HeapBench.jvmReading("idle, " + n + " timers pending", n, pid, data);
          System.out.printf(Locale.ROOT, "   heap with %d timers pending: live %s, RSS %.1f"
              + " MiB%n", n, HeapBench.mib(pending.heapLive()), pending.rssKib() / 1024.0);
        } else {
          bench.note("timers: no heap reading before the window (not enough time before the"
              + " first due timer; raise --timer-lead).");
        }
        // 4. Sample /metrics until every timer has fired (or the bound), CPU over the window.
        long lastDue = firstDue + (long) (n - 1) * window / n;
        IngestBench.sleepUntil(System.nanoTime()
            + Math.max(0, firstDue - 200 - System.currentTimeMillis()) * 1_000_000L);
        Snapshot a = IngestBench.snapshot(srv, false);
        String m0 = Proc.get(srv.baseUrl() + "/metrics")[1];
        double fired0 = IngestBench.metric(m0, FIRED);
        long deadline = lastDue + 120_000;
        List<Long> lags = new ArrayList<>();
        long lagMax = 0;
        long heapMax = 0;
        double fired = fired0;
        String m = m0;
        int samples = 0;
        while (System.currentTimeMillis() < deadline) {
          long t = System.currentTimeMillis();
          m = Proc.get(srv.baseUrl() + "/metrics")[1];
          samples++;
          double f = IngestBench.metric(m, FIRED);
          if (!Double.isNaN(f)) {
            fired = f;
          }
          heapMax = Math.max(heapMax, heapUsed(m));
          long k = (long) (fired - fired0); // timers 1..k have fired (they fire in due order)
          if (k < n) {
            long oldestDue = firstDue + k * window / n;
            if (oldestDue <= t) {
              lags.add(t - oldestDue);
              lagMax = Math.max(lagMax, t - oldestDue);
            } else {
              lags.add(0L);
            }
          }
          if (k >= n && t > lastDue) {
            break;
          }
          Thread.sleep(Math.max(1, SAMPLE_MS - (System.currentTimeMillis() - t)));
        }
        Snapshot b = IngestBench.snapshot(srv, false);
        Cpu cpu = IngestBench.cpu(a, b);
        double cpuSecs = (b.nanos() - a.nanos()) / 1e9;
        double gcPauses = IngestBench.metric(m, "jvm_gc_pause_seconds_count")
            - IngestBench.metric(m0, "jvm_gc_pause_seconds_count");
        double gcSecs = IngestBench.metric(m, "jvm_gc_pause_seconds_sum")
            - IngestBench.metric(m0, "jvm_gc_pause_seconds_sum");
        double gcMax = IngestBench.metric(m, "jvm_gc_pause_seconds_max");
        System.out.printf(Locale.ROOT, "   fired %d of %d (per /metrics) in %.1f s; CPU server"
                + " %.2f cores, machine %.2f; GC pauses %.0f (%.3f s)%n", (long) (fired - fired0),
            n, cpuSecs, cpu.server(), cpu.machineBusy(), gcPauses, gcSecs);
        HeapBench.Reading done = HeapBench.jvmReading("after all fired", n, pid, data);
        System.out.printf(Locale.ROOT, "   heap after all fired: live %s, RSS %.1f MiB%n",
            HeapBench.mib(done.heapLive()), done.rssKib() / 1024.0);
        if (!srv.child().process.isAlive()) {
          bench.note("timers: the server process EXITED during the run; see " + srv.child().log);
        }
        srv.child().close();
        // 5. What users see: the level-2 pages, from the database.
        TimersStudy s = analyse(db, n, firstDue, window, lastDue, fillSecs, dbBytes,
            srv.startup(), readyAt, lagMax, lags, samples, cpu, cpuSecs, gcPauses, gcSecs, gcMax,
            heapMax, pending, done, runtime, note);
        System.out.printf(Locale.ROOT, "   lateness: p50 %d ms, p99 %d ms, max %d ms; missing %d,"
                + " doubled %d; commit lag max %d ms%n", pct(s.lateness(), 50),
            pct(s.lateness(), 99), s.lateness().length == 0 ? -1
                : s.lateness()[s.lateness().length - 1], s.missing(), s.duplicates(), lagMax);
        return s;
      } finally {
        srv.child().close();
      }
    } finally {
      Proc.deleteTree(tmp);
    }
  }

  private static void writeConfig(Path tmp) throws Exception {
    Files.writeString(tmp.resolve("watchkeeper.yml"), String.join("\n",
        "server: {host: 127.0.0.1, port: " + Proc.freePort() + "}",
        "storage: {url: \"\", data_dir: " + IngestBench.yaml(tmp.resolve("data").toString())
            + "}",
        "api_tokens: [{name: bench, role: admin, token_sha256: "
            + IngestBench.sha256("bench-admin-token") + "}, {name: viewer, role: viewer,"
            + " token_sha256: " + IngestBench.sha256(IngestBench.VIEWER_TOKEN) + "}]",
        "users: [{id: u1}, {id: u2}]",
        "escalation_policies:",
        "  - id: bench",
        "    levels:",
        "      - {targets: [{user: u1}], delay: 1m}",
        "      - {targets: [{user: u2}], delay: " + LEVEL_2_DELAY + "}",
        "services: [{id: bench, escalation_policy: bench, integration_keys: [{name: k,"
            + " key_sha256: " + IngestBench.sha256(IngestBench.INTEGRATION_KEY) + "}]}]",
        ""));
  }

  /**
   * N incidents (ids 1..N), triggered at {@code now}, each at level 1 of policy {@code bench}
   * (its escalation state and the level-1 page to u1, as the server writes them), and an {@code
   * escalate} timer due at {@code firstDue + (id - 1) * window / N}: the same spacing as {@link
   * #due}.
   */
  static void fill(Path db, int n, long firstDue, long window, long now) throws Exception {
    Class.forName("org.sqlite.JDBC");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
              + " INSERT INTO incidents (id, service, state, title, severity, group_key, opened_at,"
              + " urgency, alert_count, updated_at)"
              + " SELECT i, 'bench', 'triggered', 'Bench: host h-' || i || ' is down', 'critical',"
              + " 'alertname=Bench,instance=h-' || i, ?, 'high', 1, ? FROM n")) {
        ps.setInt(1, n);
        ps.setLong(2, now);
        ps.setLong(3, now);
        ps.executeUpdate();
      }
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO incident_escalations (incident_id, policy_id, level, round,"
            + " fired_at, exhausted) SELECT id, 'bench', 1, 0, opened_at, 0 FROM incidents");
        st.executeUpdate("INSERT INTO incident_pages (incident_id, level, user_id, at, reason)"
            + " SELECT id, 1, 'u1', opened_at, 'incident triggered by alert (bench fill)'"
            + " FROM incidents");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident_timers (incident_id,"
          + " kind, due_at, set_at) SELECT id, 'escalate', ? + (id - 1) * ? / ?, opened_at"
          + " FROM incidents")) {
        ps.setLong(1, firstDue);
        ps.setLong(2, window);
        ps.setLong(3, n);
        ps.executeUpdate();
      }
      c.commit();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*), min(due_at), max(due_at)"
              + " FROM incident_timers")) {
        rs.next();
        if (rs.getLong(1) != n || rs.getLong(2) != firstDue || rs.getLong(3) != due(n, firstDue,
            window, n)) {
          throw new IllegalStateException("filled " + rs.getLong(1) + " timers due "
              + rs.getLong(2) + ".." + rs.getLong(3) + ", not " + n + " due " + firstDue + ".."
              + due(n, firstDue, window, n));
        }
      }
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
  }

  /** The due time the fill gave incident {@code id}. */
  static long due(long id, long firstDue, long window, int n) {
    return firstDue + (id - 1) * window / n;
  }

  private static TimersStudy analyse(Path db, int n, long firstDue, long window, long lastDue,
      double fillSecs, long dbBytes, Startup startup, long readyAt, long lagMax, List<Long> lags,
      int samples, Cpu cpu, double cpuSecs, double gcPauses, double gcSecs, double gcMax,
      long heapMax, HeapBench.Reading pending, HeapBench.Reading done, String runtime,
      String note) throws Exception {
    int[] pages = new int[n + 1];
    long[] late = new long[n + 1];
    long duplicates = 0;
    long early = 0;
    long overGoal = 0;
    long overFrom = -1;
    long overTo = -1;
    int slices = 6;
    List<List<Long>> bySlice = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      bySlice.add(new ArrayList<>());
    }
    long dueLeft;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT incident_id, at FROM incident_pages"
              + " WHERE level = 2 ORDER BY id")) {
        while (rs.next()) {
          int id = (int) rs.getLong(1);
          if (id < 1 || id > n) {
            continue;
          }
          long l = rs.getLong(2) - due(id, firstDue, window, n);
          if (pages[id]++ > 0) {
            duplicates++;
            continue;
          }
          late[id] = l;
          if (l < 0) {
            early++;
          }
          if (l >= Report.TIMER_GOAL_P99_MS) {
            overGoal++;
            long at = due(id, firstDue, window, n) - firstDue;
            overFrom = overFrom < 0 ? at : Math.min(overFrom, at);
            overTo = Math.max(overTo, at);
          }
          int s = (int) Math.min(slices - 1, (long) (id - 1) * slices / n);
          bySlice.get(s).add(l);
        }
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM incident_timers WHERE due_at <= "
              + lastDue)) {
        rs.next();
        dueLeft = rs.getLong(1);
      }
    }
    long[] fired = new long[n];
    int k = 0;
    long missing = 0;
    for (int id = 1; id <= n; id++) {
      if (pages[id] == 0) {
        missing++;
      } else {
        fired[k++] = late[id];
      }
    }
    long[] lateness = Arrays.copyOf(fired, k);
    Arrays.sort(lateness);
    List<Slice> sliceRows = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      long[] v = bySlice.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
      sliceRows.add(new Slice(i, window / 1000.0 * i / slices, window / 1000.0 * (i + 1) / slices,
          v.length, pct(v, 50), pct(v, 99), v.length == 0 ? -1 : v[v.length - 1]));
    }
    long[] lagArr = lags.stream().mapToLong(Long::longValue).sorted().toArray();
    return new TimersStudy(n, window / 1000.0, fillSecs, dbBytes, startup, readyAt, firstDue,
        lastDue, k, missing, duplicates, dueLeft, lateness, early, sliceRows, overGoal,
        overFrom / 1000.0, overTo / 1000.0, lagMax,
        pct(lagArr, 99), samples, cpu, cpuSecs, gcPauses, gcSecs, gcMax, heapMax, pending, done,
        runtime, note);
  }

  /** Nearest-rank percentile of sorted values; -1 when empty. */
  static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Heap in use (all heap pools, not after a GC) from Micrometer's jvm_memory_used_bytes. */
  private static long heapUsed(String metrics) {
    long sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf('}') + 1).trim()
            .split("\\s+")[0]);
      }
    }
    return sum;
  }
}
