package dev.watchkeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's automatic checkpoint is off (it ran inside the commit that crossed 1000 WAL pages,
 * holding up every request waiting on that commit); the database's own thread checkpoints
 * instead. It must keep up: the WAL restarts from its beginning instead of growing without bound,
 * and everything committed is in the database file.
 */
class SqliteCheckpointTest {
  @TempDir Path dir;

  @Test
  void theCheckpointThreadKeepsTheWalFromGrowingAndCommitsReachTheDatabaseFile() throws Exception {
    try (Database db = Database.open(new Storage("", null, null, dir, 4, 1), null)) {
      Path file = dir.resolve("watchkeeper.db");
      Path wal = dir.resolve("watchkeeper.db-wal");
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        try (ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
          assertThat(rs.getLong(1)).as("automatic checkpoints are off").isZero();
        }
      }
      write(db); // ~8 MB: ~2,000 WAL pages, twice SQLite's automatic limit
      long walAfterFirst = Files.size(wal);
      // Only a checkpoint copies pages into the database file, and nothing but the thread runs
      // one: once the file holds every page of the database, the whole WAL has been copied.
      long pages = pragma(db, "page_count") * pragma(db, "page_size");
      assertThat(pages).isGreaterThan(8_000_000);
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(Files.size(file)).isGreaterThanOrEqualTo(pages));
      write(db);
      // The copied WAL started over instead of growing by another 8 MB.
      assertThat(Files.size(wal)).isLessThan(walAfterFirst + walAfterFirst / 2);
    }
    // Reopened: every committed row is there.
    try (Database db = Database.open(new Storage("", null, null, dir, 4, 1), null);
        Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
      assertThat(rs.getLong(1)).isEqualTo(8000);
    }
  }

  private static long pragma(Database db, String name) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.getLong(1);
    }
  }

  /** 40 commits of 100 rows of 2 KB. */
  private static void write(Database db) throws Exception {
    String row = "x".repeat(2000);
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
        for (int commit = 0; commit < 40; commit++) {
          for (int i = 0; i < 100; i++) {
            ps.setString(1, row);
            ps.addBatch();
          }
          ps.executeBatch();
          c.commit();
        }
      }
    }
  }
}
