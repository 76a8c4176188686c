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
  private final Dialect dialect;
  private final Flyway flyway;

  private Database(HikariDataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.flyway = Flyway.configure()
        .dataSource(pool)
        .locations(dialect.migrationLocation())
        .loggers("slf4j")
        .load();
  }

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
    } else {
      hc.addDataSourceProperty("ApplicationName", "watchkeeper");
    }
    if (meters != null) {
      hc.setMetricRegistry(meters);
    }
    HikariDataSource ds = new HikariDataSource(hc);
    LogEvent.DATABASE_OPENED.info(log).addKeyValue("dialect", dialect.name().toLowerCase())
        .addKeyValue("url", redact(url)).log("database opened");
    return new Database(ds, dialect);
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

  public DataSource dataSource() {
    return pool;
  }

  public Dialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    pool.close();
  }

  /** Removes user info and password parameters from a JDBC URL for logging. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^/@]*@", "//***@");
  }
}
