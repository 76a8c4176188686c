package dev.watchkeeper.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.obs.LogEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and schema of one database (SQLite file or PostgreSQL server).
 *
 * <p>SQLite runs in WAL mode with {@code synchronous=FULL}: a commit is on disk before it returns,
 * which is what lets ingest answer 202 only for durable events. Writes take the lock at BEGIN
 * ({@code BEGIN IMMEDIATE}) so two writers never deadlock upgrading a read lock.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource pool;
  /** SQLite: the one connection every write under {@link #writeLock} uses; null on PostgreSQL. */
  private final HikariDataSource writer;
  private final Dialect dialect;
  private final Flyway flyway;
  private final Lock writeLock;

  private Database(HikariDataSource pool, HikariDataSource writer, Dialect dialect,
      WalSync walSync) {
    this.pool = pool;
    this.writer = writer;
    this.dialect = dialect;
    this.walSync = walSync;
    this.writeLock = dialect == Dialect.SQLITE ? new ReentrantLock() : NO_LOCK;
    if (dialect == Dialect.SQLITE) {
      checkpointer = new Thread(this::checkpoints, "wk-db-checkpoint");
      checkpointer.setDaemon(true);
      checkpointer.start();
    } else {
      checkpointer = null;
    }
    this.flyway = Flyway.configure()
        .dataSource(pool)
        .locations(dialect.migrationLocation())
        .loggers("slf4j")
        .load();
  }

  private static final Lock NO_LOCK = new Lock() {
    @Override
    public void lock() {}

    @Override
    public void lockInterruptibly() {}

    @Override
    public boolean tryLock() {
      return true;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) {
      return true;
    }

    @Override
    public void unlock() {}

    @Override
    public Condition newCondition() {
      throw new UnsupportedOperationException("no conditions on the no-op lock");
    }
  };

  /** Opens the pool (creating the SQLite data directory if needed); does not migrate. */
  public static Database open(Storage storage, MeterRegistry meters) {
    String url = storage.jdbcUrl();
    Dialect dialect = Dialect.of(url);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setPoolName("wk-db");
    hc.setMaximumPoolSize(storage.poolSize() + storage.writers());
    hc.setConnectionTimeout(10_000);
    if (storage.username() != null && !storage.username().isBlank()) {
      hc.setUsername(storage.username());
    }
    if (storage.password() != null && !storage.password().isBlank()) {
      hc.setPassword(storage.password());
    }
    if (dialect == Dialect.SQLITE) {
      try {
        Files.createDirectories(storage.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create data directory " + storage.dataDir(), e);
      }
      hc.addDataSourceProperty("journal_mode", "WAL");
      hc.addDataSourceProperty("synchronous", "FULL");
      hc.addDataSourceProperty("busy_timeout", "10000");
      hc.addDataSourceProperty("foreign_keys", "true");
      hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
      // 16 MiB of page cache per connection (SQLite's default is 2 MiB), allocated as used:
      // with 100k+ alerts the indexes no longer fit in 2 MiB and every upsert went to the OS.
      hc.addDataSourceProperty("cache_size", "-16384");
      // Checkpoints run on their own thread (checkpoints()), not inside an ingest commit.
      hc.addDataSourceProperty("wal_autocheckpoint", "0");
      hc.addDataSourceProperty("journal_size_limit", Long.toString(WAL_SIZE_LIMIT));
    } else {
      hc.addDataSourceProperty("ApplicationName", "watchkeeper");
    }
    if (meters != null) {
      hc.setMetricRegistry(meters);
    }
    HikariDataSource writer = null;
    if (dialect == Dialect.SQLITE) {
      // One connection for all writes (they are serialised by writeLock anyway). A SQLite
      // connection drops its page cache whenever another connection wrote the file, so writes
      // spread over the pool each started cold: the ping commits and the ping-log folds read
      // their index pages from the OS again and again (bench/RESULTS.md, 2026-12-05).
      HikariConfig wc = new HikariConfig();
      hc.copyStateTo(wc);
      wc.setPoolName("wk-db-writer");
      wc.setMaximumPoolSize(1);
      wc.setMinimumIdle(1);
      wc.setMaxLifetime(0); // kept (and its cache warm) until it fails; Hikari then replaces it
      writer = new HikariDataSource(wc);
    }
    HikariDataSource ds;
    WalSync walSync = null;
    try {
      walSync = writer == null ? null : walSyncOf(writer, meters);
      ds = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      if (walSync != null) {
        walSync.close();
      }
      if (writer != null) {
        writer.close();
      }
      throw e;
    }
    LogEvent.DATABASE_OPENED.info(log).addKeyValue("dialect", dialect.name().toLowerCase())
        .addKeyValue("url", redact(url)).log("database opened");
    return new Database(ds, writer, dialect, walSync);
  }

  /**
   * A connection for a write made while holding {@link #writeLock}: on SQLite always the same one
   * (closing it hands it back), on PostgreSQL one from the pool. Hand it back with autocommit on
   * and synchronous=FULL, as it was taken. Never nest two: on SQLite the second waits for the
   * first (and fails after 10 s).
   */
  public Connection writeConnection() throws SQLException {
    return writer != null ? writer.getConnection() : pool.getConnection();
  }

  /**
   * The WAL syncer of a SQLite file database in WAL mode, or null (an in-memory database, a
   * journal mode other than WAL): there commits that ask for it are synced at commit instead.
   */
  private static WalSync walSyncOf(HikariDataSource writer, MeterRegistry meters) {
    try (Connection c = writer.getConnection(); Statement s = c.createStatement()) {
      String file = null;
      try (var rs = s.executeQuery("PRAGMA database_list")) {
        while (rs.next()) {
          if ("main".equals(rs.getString("name"))) {
            file = rs.getString("file");
          }
        }
      }
      String mode;
      try (var rs = s.executeQuery("PRAGMA journal_mode")) {
        mode = rs.next() ? rs.getString(1) : "";
      }
      if (file == null || file.isEmpty() || !"wal".equalsIgnoreCase(mode)) {
        return null;
      }
      return WalSync.of(java.nio.file.Path.of(file + "-wal"), meters);
    } catch (SQLException e) {
      throw new StoreException("cannot open the SQLite database", e);
    }
  }

  /**
   * The WAL syncer for commits made at synchronous=NORMAL that must still be durable before they
   * are answered (group commits: see {@link WalSync}); null on PostgreSQL and where SQLite has no
   * WAL file, where such commits use {@code synchronous=FULL}.
   */
  public WalSync walSync() {
    return walSync;
  }

  /** How often the SQLite WAL is copied into the database file. */
  static final long CHECKPOINT_INTERVAL_MS = 200;
  /** After a checkpoint, a WAL file larger than this is cut back to it (SQLite journal_size_limit). */
  static final long WAL_SIZE_LIMIT = 64L * 1024 * 1024;
  /** A WAL of more frames than this (64 MB of 4 KB pages) is made to start over. */
  static final long WAL_RESTART_FRAMES = 16_384;

  private final Thread checkpointer;
  private final WalSync walSync;
  private volatile boolean closed;

  /**
   * SQLite's automatic checkpoint runs inside the commit that crosses 1000 WAL pages: that commit
   * then also copies the pages into the database file and fsyncs it, and every request waiting on
   * it waits too. Here a PASSIVE checkpoint runs every {@link #CHECKPOINT_INTERVAL_MS} on its own
   * thread instead; it takes no write lock, so commits go on meanwhile (bench/RESULTS.md: +9% at
   * one alert per request, +23% at 100). The WAL stays durable (synchronous=FULL) either way.
   */
  private void checkpoints() {
    while (!closed) {
      try {
        Thread.sleep(CHECKPOINT_INTERVAL_MS);
        checkpoint(WAL_RESTART_FRAMES);
      } catch (InterruptedException e) {
        return;
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LogEvent.DATABASE_CHECKPOINT_FAILED.warn(log).setCause(e)
              .log("copying the write-ahead log into the database failed; retrying");
        }
      }
    }
  }

  /**
   * One PASSIVE checkpoint (SQLite only): copies what it can of the WAL without waiting for
   * readers or writers. A WAL holding more than {@code restartAboveFrames} frames is then made to
   * start over (RESTART, under {@link #writeLock}: it waits for readers to leave the WAL), so
   * steady reads cannot keep it growing. Returns the WAL frames in the log and those copied.
   */
  long[] checkpoint(long restartAboveFrames) throws SQLException {
    long[] frames = checkpoint("PASSIVE");
    if (frames[0] > restartAboveFrames) {
      writeLock.lock();
      try {
        frames = checkpoint("RESTART");
      } finally {
        writeLock.unlock();
      }
    }
    return frames;
  }

  private long[] checkpoint(String mode) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      rs.next();
      return new long[] {rs.getLong(2), rs.getLong(3)};
    }
  }

  /** Applies pending migrations; returns how many were applied. */
  public int migrate() {
    MigrateResult r = flyway.migrate();
    LogEvent.MIGRATIONS_APPLIED.info(log).addKeyValue("applied", r.migrationsExecuted)
        .addKeyValue("schema_version", r.targetSchemaVersion)
        .log("database schema is up to date");
    return r.migrationsExecuted;
  }

  /** True when the database answers and no migration is pending. */
  public boolean ready() {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      return false;
    }
    try {
      return flyway.info().pending().length == 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Held around every write transaction of this process. SQLite has one write lock per file; a
   * writer that finds it taken sleeps in SQLite's busy handler with growing pauses (up to 100 ms),
   * so the event processor's transactions could stall ingest commits far longer than they hold the
   * lock. Queueing writers here instead hands the lock over at once. PostgreSQL locks rows, not
   * the database: there this lock does nothing.
   */
  public Lock writeLock() {
    return writeLock;
  }

  /**
   * Switches SQLite's {@code synchronous} on this connection: FULL (an fsync per commit) or NORMAL
   * (no fsync at commit). NORMAL is for writes of derived state only (alerts, incidents, the
   * processor position): they are rebuilt from the durable event log after a crash, and WAL keeps
   * commits in order, so a power loss can only drop a suffix that is then replayed. This saves
   * an fsync per processor transaction, which would otherwise cost ingest its throughput.
   * Accepted events and user actions stay FULL. No-op on PostgreSQL.
   */
  public void synchronousFull(Connection c, boolean full) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute(full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      }
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  public Dialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    closed = true;
    if (checkpointer != null) {
      checkpointer.interrupt();
      try {
        checkpointer.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (walSync != null) {
      walSync.close();
    }
    pool.close();
    if (writer != null) {
      writer.close();
    }
  }

  /** Removes user info and password parameters from a JDBC URL for logging. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^/@]*@", "//***@");
  }
}
