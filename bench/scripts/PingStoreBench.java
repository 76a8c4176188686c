import dev.watchkeeper.check.*;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.store.*;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.*;
import java.sql.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * The durable ping path without HTTP: closed-loop clients (default 64) submit success pings for
 * 20,000 of 100,000 checks straight to PingWriter on SQLite, 5 s warm-up, 15 s measured. With the
 * ping log (PingFolder present) the fold runs every -Dfold=<ms> (default 1000). Runs against any
 * server jar, old or new, so both can be measured in one sitting:
 *
 * <pre>java [-Dfold=1000] -cp target/watchkeeper.jar bench/scripts/PingStoreBench.java [clients]</pre>
 */
public class PingStoreBench {
  public static void main(String[] a) throws Exception {
    int checks = 100_000, clients = Integer.parseInt(a.length > 0 ? a[0] : "64");
    double warm = 5, dur = 15;
    Path dir = Files.createTempDirectory("wk-psb-");
    Database db = Database.open(new Storage("", null, null, dir, 4, 1), null);
    db.migrate();
    List<String> ids = new ArrayList<>();
    long now = System.currentTimeMillis();
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO checks (id, service, slug,"
          + " name, origin, kind, period_ms, grace_ms, severity, badge_key, status, last_ping_at,"
          + " due_at, pings, created_at, updated_at) VALUES (?, 'jobs', ?, ?, 'api',"
          + " 'heartbeat', 3600000, 3600000, 'error', ?, 'up', ?, ?, 0, ?, ?)")) {
        for (int i = 0; i < checks; i++) {
          String id = UUID.randomUUID().toString(); ids.add(id);
          ps.setString(1, id); ps.setString(2, "job-" + i); ps.setString(3, "job " + i);
          ps.setString(4, UUID.randomUUID().toString().replace("-", ""));
          ps.setLong(5, now); ps.setLong(6, now + 3_600_000); ps.setLong(7, now); ps.setLong(8, now);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
    JdbcCheckStore store = new JdbcCheckStore(db, new com.fasterxml.jackson.databind.ObjectMapper());
    Checks ch = new Checks(store, Clock.systemUTC(), () -> {}, () -> 10);
    PingWriter w = new PingWriter(ch, new SimpleMeterRegistry());
    AutoCloseable folder = null;
    try {
      Class<?> f = Class.forName("dev.watchkeeper.check.PingFolder");
      Object o = f.getConstructor(Checks.class, java.util.function.Supplier.class)
          .newInstance(ch, (java.util.function.Supplier<Duration>) () -> Duration.ofMillis(Long.parseLong(System.getProperty("fold", "1000"))));
      f.getMethod("start").invoke(o);
      folder = (AutoCloseable) o;
      System.out.println("ping log + folder");
    } catch (ClassNotFoundException e) {
      System.out.println("no folder (old write path)");
    }
    List<String> hot = ids.subList(0, 20_000);
    long t0 = System.nanoTime(), measureFrom = t0 + (long) (warm * 1e9), end = measureFrom + (long) (dur * 1e9);
    AtomicLong ok = new AtomicLong();
    ConcurrentLinkedQueue<long[]> lat = new ConcurrentLinkedQueue<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < clients; t++) {
      Thread th = new Thread(() -> {
        long[] mine = new long[2_000_000]; int n = 0;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (true) {
          long s = System.nanoTime();
          if (s > end) break;
          Ping p = new Ping(hot.get(r.nextInt(hot.size())), Instant.now(), PingKind.SUCCESS, null,
              "http", "GET", "127.0.0.1", "bench", null, null, false, null);
          try { w.submit(p).get(); } catch (Exception e) { throw new RuntimeException(e); }
          long e2 = System.nanoTime();
          if (s >= measureFrom && n < mine.length) { mine[n++] = (e2 - s) / 1000; ok.incrementAndGet(); }
        }
        lat.add(Arrays.copyOf(mine, n));
      });
      th.start(); ts.add(th);
    }
    for (Thread th : ts) th.join();
    long[] all = lat.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf(Locale.ROOT, "clients %d: %.0f durable pings/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms%n",
        clients, ok.get() / dur, all[all.length / 2] / 1000.0, all[(int) (all.length * 0.99)] / 1000.0,
        all[all.length - 1] / 1000.0);
    w.close();
    if (folder != null) folder.close();
    db.close();
  }
}
