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
 * instead. It must copy what is committed into the database file, and a WAL past its frame limit
 * must start over instead of growing without bound.
 */
class SqliteCheckpointTest {
  @TempDir Path dir;

  @Test
  void theCheckpointThreadCopiesCommitsIntoTheDatabaseFileAndALargeWalStartsOver()
      throws Exception {
    try (Database db = Database.open(new Storage("", null, null, dir, 4, 1), null)) {
      Path file = dir.resolve("watchkeeper.db");
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        try (ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
          assertThat(rs.getLong(1)).as("automatic checkpoints are off").isZero();
        }
      }
      write(db); // ~8 MB: ~2,000 WAL pages, twice SQLite's automatic limit
      // Only a checkpoint copies pages into the database file, and nothing but the thread runs
      // one here: the file comes to hold every page of the database.
      long pages = pragma(db, "page_count") * pragma(db, "page_size");
      assertThat(pages).isGreaterThan(8_000_000);
      await().atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(Files.size(file)).isGreaterThanOrEqualTo(pages));

      // Past the frame limit the WAL is made to start over: the next commit writes from its
      // first frame again instead of appending to thousands.
      write(db);
      db.checkpoint(0);
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO t (v) VALUES ('after')");
      }
      assertThat(db.checkpoint(Long.MAX_VALUE)[0]).as("frames in the WAL after one more commit")
          .isLessThan(10);
    }
    // Reopened: every committed row is there.
    try (Database db = Database.open(new Storage("", null, null, dir, 4, 1), null);
        Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
      assertThat(rs.getLong(1)).isEqualTo(8001);
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
