package dev.watchkeeper.bench;

import dev.watchkeeper.bench.IngestBench.AmListStudy;
import dev.watchkeeper.bench.IngestBench.ListRow;
import dev.watchkeeper.bench.IngestBench.ListStudy;
import dev.watchkeeper.bench.IngestBench.Running;
import dev.watchkeeper.bench.IngestBench.Snapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The list scenarios: Watchkeeper's {@code GET /api/v1/incidents} over a SQLite database holding
 * N incidents (first page, and pages reached through cursors deep in the list), and, as the
 * product's comparison, Alertmanager's {@code GET /api/v2/alerts} full list with N alerts.
 */
final class IncidentsBench {
  private IncidentsBench() {}

  private static final Pattern NEXT_CURSOR = Pattern.compile("\"next_cursor\":\"([^\"]+)\"");
  private static final int PAGE = 50;

  static ListStudy run(IngestBench bench) throws Exception {
    IngestBench.Options opt = bench.opt();
    int n = opt.incidents();
    System.out.println("== Incidents list: " + n + " incidents, SQLite");
    Path tmp = Files.createTempDirectory("wk-bench-incidents-");
    try {
      // 1. Start once on an empty data dir so that the server creates and migrates the
      //    database, then stop it.
      Running first = bench.start("sqlite", "incidents-migrate", tmp);
      IngestBench.Startup migrate = first.startup();
      first.child().close();
      // 2. Fill the incidents table while the server is stopped.
      Path db = tmp.resolve("data").resolve("watchkeeper.db");
      long t0 = System.nanoTime();
      fill(db, n);
      double fillSecs = (System.nanoTime() - t0) / 1e9;
      long dbBytes = Files.size(db);
      System.out.printf(Locale.ROOT, "   filled %d incidents in %.1f s (database %d MiB)%n", n,
          fillSecs, dbBytes >> 20);
      // 3. Start again on the filled database and measure.
      Running srv = bench.start("sqlite", "incidents", tmp);
      try {
        System.out.printf(Locale.ROOT, "   started on the filled database: ready after %.0f ms,"
            + " idle RSS %d MiB%n", srv.startup().readyMs(), srv.startup().idleRssKib() / 1024);
        Walk walk = walk(srv.baseUrl());
        System.out.printf(Locale.ROOT, "   walked the whole list (cold): %d pages, %d incidents,"
                + " %.2f s, slowest page %.1f ms%n", walk.pages, walk.incidents, walk.secs,
            walk.maxPageMs);
        if (walk.incidents != n) {
          bench.note("incidents list: the walk over all pages returned " + walk.incidents
              + " incidents, expected " + n + ".");
        }
        List<ListRow> rows = new ArrayList<>();
        int port = srv.address().getPort();
        String auth = "Authorization: Bearer " + IngestBench.VIEWER_TOKEN;
        byte[][] firstPage = {get(port, "/api/v1/incidents?limit=" + PAGE, auth)};
        rows.add(measure(bench, srv, "first page (`?limit=50`)", firstPage,
            opt.listConnections(), opt.warmup()));
        // Cursors the server itself handed out during the walk, in random order: every page of
        // the list is equally likely, so most of them are deep.
        Random rnd = new Random(42);
        byte[][] deep = new byte[10_000][];
        for (int i = 0; i < deep.length; i++) {
          String c = walk.cursors.get(rnd.nextInt(walk.cursors.size()));
          deep[i] = get(port, "/api/v1/incidents?limit=" + PAGE + "&cursor=" + c, auth);
        }
        rows.add(measure(bench, srv, "random page via `next_cursor` (any of "
            + walk.cursors.size() + " pages, uniformly)", deep, opt.listConnections(),
            opt.warmup()));
        Walk warm = walk(srv.baseUrl());
        System.out.printf(Locale.ROOT, "   walked the whole list (warm): %d pages, %.2f s,"
            + " slowest page %.1f ms%n", warm.pages, warm.secs, warm.maxPageMs);
        return new ListStudy(n, fillSecs, migrate, srv.startup(), dbBytes, warm.pages,
            warm.incidents, warm.secs, warm.maxPageMs, walk.secs, rows);
      } finally {
        srv.child().close();
      }
    } finally {
      Proc.deleteTree(tmp);
    }
  }

  /**
   * N incidents in one transaction: ids 1..N, one opened per minute ending now; the newest 100
   * triggered, the 100 before them acknowledged, the rest resolved; severities in turn. No
   * timeline rows or alerts: the list reads only the incidents table.
   */
  static void fill(Path db, int n) throws Exception {
    Class.forName("org.sqlite.JDBC");
    long now = System.currentTimeMillis();
    long base = now - n * 60_000L;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      // Columns added by later versions of the schema: urgency (NOT NULL, as the server derives
      // it from the severity), priority and merged_into (NULL).
      List<String> cols = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA table_info(incidents)")) {
        while (rs.next()) {
          cols.add(rs.getString("name"));
        }
      }
      boolean urgency = cols.contains("urgency");
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
              + " INSERT INTO incidents (service, state, title, severity, group_key, opened_at,"
              + " acknowledged_at, acknowledged_by, resolved_at, resolved_by, snoozed_until,"
              + " assignee, alert_count, updated_at" + (urgency ? ", urgency" : "") + ")"
              + " SELECT 'bench',"
              + " CASE WHEN i > ? - 100 THEN 'triggered' WHEN i > ? - 200 THEN 'acknowledged'"
              + " ELSE 'resolved' END,"
              + " 'Bench: host h-' || i || ' is down',"
              + " CASE i % 4 WHEN 0 THEN 'critical' WHEN 1 THEN 'error' WHEN 2 THEN 'warning'"
              + " ELSE 'info' END,"
              + " 'alertname=Bench,instance=h-' || i,"
              + " ? + i * 60000,"
              + " CASE WHEN i > ? - 100 THEN NULL ELSE ? + i * 60000 + 120000 END,"
              + " CASE WHEN i > ? - 100 THEN NULL ELSE 'oncall' END,"
              + " CASE WHEN i > ? - 200 THEN NULL ELSE ? + i * 60000 + 1800000 END,"
              + " CASE WHEN i > ? - 200 THEN NULL ELSE 'auto-resolve' END,"
              + " NULL, CASE WHEN i % 3 = 0 THEN 'oncall' ELSE NULL END, 1,"
              + " ? + i * 60000 + 1800000"
              + (urgency ? ", CASE WHEN i % 4 < 2 THEN 'high' ELSE 'low' END" : "") + " FROM n")) {
        int p = 1;
        ps.setInt(p++, n);
        ps.setInt(p++, n);
        ps.setInt(p++, n);
        ps.setLong(p++, base);
        ps.setInt(p++, n);
        ps.setLong(p++, base);
        ps.setInt(p++, n);
        ps.setInt(p++, n);
        ps.setLong(p++, base);
        ps.setInt(p++, n);
        ps.setLong(p, base);
        ps.executeUpdate();
      }
      c.commit();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*), max(id) FROM incidents")) {
        rs.next();
        if (rs.getLong(1) != n) {
          throw new IllegalStateException("filled " + rs.getLong(1) + " incidents, not " + n);
        }
      }
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
  }

  private record Walk(int pages, long incidents, double secs, double maxPageMs,
      List<String> cursors) {}

  /** Follows next_cursor from the first page to the last, one request at a time. */
  private static Walk walk(String base) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<String> cursors = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    long incidents = 0;
    double maxMs = 0;
    long t0 = System.nanoTime();
    while (true) {
      long p0 = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
              + "/api/v1/incidents?limit=" + PAGE + (cursor == null ? "" : "&cursor=" + cursor)))
          .header("Authorization", "Bearer " + IngestBench.VIEWER_TOKEN)
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      maxMs = Math.max(maxMs, (System.nanoTime() - p0) / 1e6);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET /api/v1/incidents answered " + r.statusCode() + ": "
            + r.body());
      }
      pages++;
      incidents += count(r.body(), "\"group_key\":");
      Matcher m = NEXT_CURSOR.matcher(r.body());
      if (!m.find() || pages > 10_000_000) {
        break;
      }
      cursor = m.group(1);
      cursors.add(cursor);
    }
    return new Walk(pages, incidents, (System.nanoTime() - t0) / 1e9, maxMs, cursors);
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }

  private static byte[] get(int port, String pathAndQuery, String header) {
    return ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + (header == null ? "" : header + "\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static ListRow measure(IngestBench bench, Running srv, String name, byte[][] requests,
      int conns, double warmup) throws Exception {
    IngestBench.Options opt = bench.opt();
    System.out.println("   -- " + name + ", " + conns + " connection(s)");
    LoadGenerator gen = new LoadGenerator(srv.address(), requests, conns, 1, warmup,
        opt.duration(), opt.maxRequests());
    IngestBench.sleepUntil(gen.measureStartNanos());
    Snapshot a = IngestBench.snapshot(srv, false);
    IngestBench.sleepUntil(gen.measureEndNanos());
    Snapshot b = IngestBench.snapshot(srv, false);
    LoadGenerator.Result r = gen.await();
    ListRow row = new ListRow(name, conns, r, r.okRequests() / r.seconds(),
        IngestBench.cpu(a, b), warmup);
    var h = r.latencyMicros();
    System.out.printf(Locale.ROOT, "      %.0f requests/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms,"
            + " errors %d, CPU server %.2f machine %.2f%n", row.requestsPerSec(),
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0, r.errorRequests(), row.cpu().server(),
        row.cpu().machineBusy());
    return row;
  }

  /**
   * Alertmanager with N alerts (the same label sets as the ingest baseline, {@code instance}
   * h-0 .. h-(N-1)), then its full list {@code GET /api/v2/alerts} on one connection.
   */
  static AmListStudy runAlertmanager(IngestBench bench) throws Exception {
    IngestBench.Options opt = bench.opt();
    int n = opt.incidents();
    System.out.println("== Alertmanager GET /api/v2/alerts with " + n + " alerts");
    Path tmp = Files.createTempDirectory("wk-bench-amlist-");
    Running srv = null;
    try {
      srv = bench.start("am-list", "am-list", tmp);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      long t0 = System.nanoTime();
      for (int from = 0; from < n; from += 1000) {
        StringBuilder body = new StringBuilder(1000 * 130).append('[');
        for (int k = from; k < Math.min(n, from + 1000); k++) {
          body.append(k > from ? "," : "").append(IngestBench.alertJson(k, now));
        }
        body.append(']');
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create(srv.baseUrl() + "/api/v2/alerts"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("Alertmanager answered " + r.statusCode() + ": "
              + r.body());
        }
      }
      double loadSecs = (System.nanoTime() - t0) / 1e9;
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(
              URI.create(srv.baseUrl() + "/api/v2/alerts")).timeout(Duration.ofSeconds(120))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      long listed = count(list.body(), "\"fingerprint\":");
      long bytes = list.body().getBytes(StandardCharsets.UTF_8).length;
      System.out.printf(Locale.ROOT, "   posted %d alerts in %.1f s; the list has %d alerts,"
          + " %d MiB%n", n, loadSecs, listed, bytes >> 20);
      if (listed != n) {
        bench.note("Alertmanager full list: " + listed + " alerts listed, " + n + " posted.");
      }
      long rss = Proc.rssKib(srv.child().pid());
      // Alertmanager is compiled ahead of time: no JIT to warm up; 5 s at most is enough to get
      // past the first request.
      byte[][] req = {get(srv.address().getPort(), "/api/v2/alerts", null)};
      ListRow row = measure(bench, srv, "Alertmanager `GET /api/v2/alerts` (full list)", req, 1,
          Math.min(5, opt.warmup()));
      return new AmListStudy(n, listed, loadSecs, bytes, srv.startup(), rss, row);
    } finally {
      if (srv != null) {
        srv.child().close();
      }
      Proc.deleteTree(tmp);
    }
  }
}
