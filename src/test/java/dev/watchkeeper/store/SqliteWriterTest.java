package dev.watchkeeper.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On SQLite every write goes through one connection (its page cache stays warm). Background
 * writes relax fsync on it (synchronous=NORMAL) for their own transaction only: the next write,
 * an accepted event for instance, must find it back at synchronous=FULL.
 */
class SqliteWriterTest {
  @TempDir Path dir;

  @Test
  void aBackgroundWriteHandsTheSharedWriterBackFullySynchronous() throws Exception {
    try (Database db = Database.open(new Storage("", null, null, dir, 4, 1), null)) {
      db.migrate();
      Connection first;
      try (Connection c = db.writeConnection()) {
        first = c.unwrap(Connection.class);
        assertThat(synchronous(c)).as("FULL").isEqualTo(2);
      }
      JdbcCheckStore checks = new JdbcCheckStore(db, new com.fasterxml.jackson.databind.ObjectMapper());
      checks.inBackgroundTransaction(tx -> tx.lockDue(Instant.now(), 10));
      try (Connection c = db.writeConnection()) {
        assertThat(c.unwrap(Connection.class)).as("the same connection").isSameAs(first);
        assertThat(synchronous(c)).as("FULL again").isEqualTo(2);
        assertThat(c.getAutoCommit()).isTrue();
      }
    }
  }

  @Test
  void pipelinedWritesHandTheWriterBackFullySynchronous() throws Exception {
    try (Database db = Database.open(new Storage("", null, null, dir, 4, 1), null)) {
      db.migrate();
      assertThat(db.walSync()).as("a file database in WAL mode pipelines its fsyncs").isNotNull();
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      JdbcCheckStore checks = new JdbcCheckStore(db, mapper);
      assertThat(checks.inPipelinedTransaction(tx -> 42).get(5, java.util.concurrent.TimeUnit.SECONDS))
          .isEqualTo(42);
      JdbcEventStore events = new JdbcEventStore(db, mapper);
      events.appendPipelined(java.util.List.of(EventStoreContract.batch("r1", "svc",
          EventStoreContract.event("e1", "src", dev.watchkeeper.event.Severity.ERROR,
              Instant.now())))).get(5, java.util.concurrent.TimeUnit.SECONDS);
      try (Connection c = db.writeConnection()) {
        assertThat(synchronous(c)).as("FULL again").isEqualTo(2);
        assertThat(c.getAutoCommit()).isTrue();
      }
    }
  }

  private static long synchronous(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      return rs.getLong(1);
    }
  }
}
