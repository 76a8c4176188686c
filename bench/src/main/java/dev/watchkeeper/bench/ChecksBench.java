package dev.watchkeeper.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Health checks at scale (issue 6), SQLite, one node: with {@code --checks} heartbeat checks
 * (default 100k) in the database,
 * <ol>
 *   <li><b>durable pings/s and latency</b>: {@link LoadGenerator} sends {@code GET /ping/<uuid>}
 *       for random checks over keep-alive connections; "OK" is answered only after the ping is
 *       committed (group commit). The stored ping count is read back afterwards.
 *   <li><b>missed-heartbeat detection delay</b>: every check's deadline (period 60 s, grace 0) is
 *       spread evenly over {@code --window} seconds starting {@code --lead} seconds after the
 *       restart; the delay of each is the time of its recorded flip to {@code down} minus its
 *       deadline.
 * </ol>
 * The checks are written into the database while the server is stopped (creating 100k through
 * the API would dominate the run). Results are printed and written to {@code --out}.
 *
 * <p>Run: {@code mvn -q -o package -DskipTests && mvn -q -f bench/pom.xml package &&
 * java -cp bench/target/ingest-bench.jar dev.watchkeeper.bench.ChecksBench [options]}.
 * {@code -Dbench.server.java.opts="-XX:StartFlightRecording=filename=/tmp/p.jfr"} passes JVM
 * options to the server (space-separated), e.g. to profile it. Give it {@code --warmup 30}: with
 * the default 5 s the JIT is still compiling and every figure is low.
 */
final class ChecksBench {
  private static final Pattern LISTENING =
      Pattern.compile("Watchkeeper listening on (http://127\\.0\\.0\\.1:(\\d+))");

  private ChecksBench() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(arg(args, "--jar", "target/watchkeeper.jar"));
    int checks = Integer.parseInt(arg(args, "--checks", "100000"));
    int connections = Integer.parseInt(arg(args, "--connections", "64"));
    double warmup = Double.parseDouble(arg(args, "--warmup", "5"));
    double duration = Double.parseDouble(arg(args, "--duration", "20"));
    double lead = Double.parseDouble(arg(args, "--lead", "15"));
    double window = Double.parseDouble(arg(args, "--window", "30"));
    Path out = Path.of(arg(args, "--out", "bench/CHECKS-RESULTS.md"));
    String foldInterval = arg(args, "--fold-interval", null); // the server's default if none

    Path tmp = Files.createTempDirectory("wk-bench-checks-");
    Path config = tmp.resolve("watchkeeper.yml");
    Files.writeString(config, """
        server: {host: 127.0.0.1, port: 0}
        storage: {data_dir: "%s"}
        logging: {level: warn}
        api_tokens:
          - {name: bench, role: admin, token: bench-admin-token}
        services:
          - id: jobs
            integration_keys: [{name: k, key: bench-jobs-key}]
        checks:
          keep_pings: 10
          ping_rate_limit: {pings_per_second: 1000000, burst: 1000000}
        """.formatted(tmp.resolve("data"))
        + (foldInterval == null ? "" : "  fold_interval: " + foldInterval + "\n"));
    Path db = tmp.resolve("data").resolve("watchkeeper.db");

    // 1. Create and migrate the database, then fill it while the server is stopped.
    stop(start(jar, config, tmp.resolve("migrate.log")));
    List<String> ids = fill(db, checks);
    System.out.printf(Locale.ROOT, "filled %d checks%n", checks);

    // 2. Pings, after a reference: the server's trivial /healthz handler (Javalin, a JSON map)
    // measured the same way in the same process just before. Server CPU per request comes from
    // the server process's CPU time over each measured window (robust on a shared machine).
    Server s = start(jar, config, tmp.resolve("pings.log"));
    byte[][] trivial = {("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII)};
    new LoadGenerator(new InetSocketAddress("127.0.0.1", s.port), trivial, connections, 2,
        0, warmup, Long.MAX_VALUE).await();
    Duration cpu0 = cpu(s);
    LoadGenerator.Result t = new LoadGenerator(new InetSocketAddress("127.0.0.1", s.port),
        trivial, connections, 2, 0, duration / 2, Long.MAX_VALUE).await();
    double trivialCpu = (cpu(s).minus(cpu0).toNanos() / 1e3) / Math.max(1, t.okRequests());
    String reference = String.format(Locale.ROOT, "| reference GET /healthz (trivial handler),"
            + " %d conns | %.0f req/s | p50 %.2f ms | p99 %.2f ms | server CPU %.0f µs/req |",
        connections, t.okRequests() / t.seconds(),
        t.latencyMicros().getValueAtPercentile(50) / 1000.0,
        t.latencyMicros().getValueAtPercentile(99) / 1000.0, trivialCpu);
    System.out.println(reference);
    byte[][] requests = new byte[Math.min(checks, 20_000)][];
    for (int i = 0; i < requests.length; i++) {
      String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
      requests[i] = ("GET /ping/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "User-Agent: bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }
    new LoadGenerator(new InetSocketAddress("127.0.0.1", s.port), requests, connections, 2,
        0, warmup, Long.MAX_VALUE).await();
    cpu0 = cpu(s);
    LoadGenerator.Result r = new LoadGenerator(new InetSocketAddress("127.0.0.1", s.port),
        requests, connections, 2, 0, duration, Long.MAX_VALUE).await();
    double pingCpu = (cpu(s).minus(cpu0).toNanos() / 1e3) / Math.max(1, r.okRequests());
    stop(s);
    long stored = count(db, "SELECT COUNT(*) FROM check_pings");
    double rate = r.okRequests() / r.seconds();
    String pings = String.format(Locale.ROOT, "| pings (GET /ping/<uuid>), %d checks, %d conns |"
            + " %.0f pings/s (%.2f× /healthz) | p50 %.2f ms | p99 %.2f ms | max %.1f ms |"
            + " server CPU %.0f µs/ping (%.1f× /healthz) | errors %d | stored %d (incl. warm-up,"
            + " pruned to keep_pings) | statuses %s |",
        checks, connections, rate, rate / (t.okRequests() / t.seconds()),
        r.latencyMicros().getValueAtPercentile(50) / 1000.0,
        r.latencyMicros().getValueAtPercentile(99) / 1000.0,
        r.latencyMicros().getMaxValue() / 1000.0, pingCpu, pingCpu / trivialCpu,
        r.errorRequests(), stored, r.statuses());
    System.out.println(pings);

    if (arg(args, "--detection", "yes").equals("no")) {
      Files.writeString(out, "# Health checks benchmark\n\n" + "Run " + java.time.Instant.now()
          + ", SQLite, one node, " + Runtime.getRuntime().availableProcessors() + " cores.\n\n"
          + reference + "\n" + pings + "\n");
      return;
    }
    // 3. Detection delay: deadlines spread over the window, starting `lead` after the restart.
    long t0 = System.currentTimeMillis() + (long) (lead * 1000);
    long[] due = arm(db, ids, t0, (long) (window * 1000));
    Server d = start(jar, config, tmp.resolve("detect.log"));
    Thread.sleep((long) ((lead + window) * 1000) + 5000);
    stop(d);
    long[] late = lateness(db, ids, due);
    Arrays.sort(late);
    long missed = checks - late.length;
    String detect = late.length == 0 ? "| detection | no flips recorded |"
        : String.format(Locale.ROOT, "| missed-heartbeat detection, %d deadlines over %.0f s |"
            + " p50 %d ms | p99 %d ms | max %d ms | missed %d |", checks, window,
            late[late.length / 2], late[(int) Math.min(late.length - 1, late.length * 0.99)],
            late[late.length - 1], missed);
    System.out.println(detect);
    Files.writeString(out, "# Health checks benchmark\n\n" + "Run " + java.time.Instant.now()
        + ", SQLite, one node, " + Runtime.getRuntime().availableProcessors() + " cores.\n\n"
        + reference + "\n" + pings + "\n" + detect + "\n");
    System.out.println("written to " + out + "; server logs in " + tmp);
  }

  private static List<String> fill(Path db, int n) throws Exception {
    List<String> ids = new ArrayList<>(n);
    long now = System.currentTimeMillis();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO checks (id, service, slug,"
          + " name, origin, kind, period_ms, grace_ms, severity, badge_key, status, last_ping_at,"
          + " due_at, pings, created_at, updated_at) VALUES (?, 'jobs', ?, ?, 'api',"
          + " 'heartbeat', 3600000, 3600000, 'error', ?, 'up', ?, ?, 0, ?, ?)")) {
        for (int i = 0; i < n; i++) {
          String id = UUID.randomUUID().toString();
          ids.add(id);
          ps.setString(1, id);
          ps.setString(2, "job-" + i);
          ps.setString(3, "job " + i);
          ps.setString(4, UUID.randomUUID().toString().replace("-", ""));
          ps.setLong(5, now);
          ps.setLong(6, now + 3_600_000);
          ps.setLong(7, now);
          ps.setLong(8, now);
          ps.addBatch();
          if (i % 5000 == 4999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      wakeAtDeadlines(c);
      c.commit();
    }
    return ids;
  }

  /**
   * Sets every row's wake-up to its deadline when the schema has checks.wake_at (V17: the
   * poller's index, never later than due_at); a deadline written here without it would be
   * invisible to the poller.
   */
  private static void wakeAtDeadlines(Connection c) throws Exception {
    try (Statement st = c.createStatement()) {
      boolean wake = false;
      try (ResultSet rs = st.executeQuery("SELECT name FROM pragma_table_info('checks')")) {
        while (rs.next()) {
          wake |= rs.getString(1).equals("wake_at");
        }
      }
      if (wake) {
        st.executeUpdate("UPDATE checks SET wake_at = due_at");
      }
    }
  }

  /** Period 60 s, grace 0, last ping so that check i is due at t0 + i * window / n. */
  private static long[] arm(Path db, List<String> ids, long t0, long windowMs) throws Exception {
    long[] due = new long[ids.size()];
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("DELETE FROM check_flips");
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE checks SET status = 'up',"
          + " period_ms = 60000, grace_ms = 0, started_at = NULL, last_ping_at = ?, due_at = ?"
          + " WHERE id = ?")) {
        for (int i = 0; i < ids.size(); i++) {
          due[i] = t0 + windowMs * i / ids.size();
          ps.setLong(1, due[i] - 60_000);
          ps.setLong(2, due[i]);
          ps.setString(3, ids.get(i));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      wakeAtDeadlines(c);
      c.commit();
    }
    return due;
  }

  private static long[] lateness(Path db, List<String> ids, long[] due) throws Exception {
    java.util.Map<String, Long> dueOf = new java.util.HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      dueOf.put(ids.get(i), due[i]);
    }
    List<Long> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT check_id, MIN(at) FROM check_flips"
            + " WHERE new_status = 'down' GROUP BY check_id")) {
      while (rs.next()) {
        Long d = dueOf.get(rs.getString(1));
        if (d != null) {
          out.add(rs.getLong(2) - d);
        }
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static long count(Path db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  record Server(Process process, int port) {}

  static Server start(Path jar, Path config, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    String opts = System.getProperty("bench.server.java.opts", "");
    if (!opts.isBlank()) {
      cmd.addAll(List.of(opts.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-jar", jar.toString(), "serve", "--config", config.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && p.isAlive()) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        return new Server(p, Integer.parseInt(m.group(2)));
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new IOException("the server did not start; see " + log);
  }

  /** CPU time the server process has used so far. */
  private static Duration cpu(Server s) {
    return s.process().toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  static void stop(Server s) throws InterruptedException {
    s.process().destroy();
    s.process().waitFor();
  }

  static String arg(String[] args, String name, String dflt) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }
}
