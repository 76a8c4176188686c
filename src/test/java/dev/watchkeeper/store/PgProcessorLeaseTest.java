package dev.watchkeeper.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.testing.PgDatabase;
import dev.watchkeeper.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event processor lease on PostgreSQL, as two nodes (two connection pools on one database)
 * see it: one holds it, the other does not; when the holder's session ends the other takes it
 * over, and the old holder knows it lost it.
 */
class PgProcessorLeaseTest {
  PgDatabase pg;
  Database nodeA;
  Database nodeB;
  PgProcessorLease a;
  PgProcessorLease b;

  void open() {
    TestPostgres.assumeAvailable();
    pg = TestPostgres.freshDatabase();
    nodeA = Database.open(storage(), null);
    nodeB = Database.open(storage(), null);
    a = new PgProcessorLease(nodeA.dataSource());
    b = new PgProcessorLease(nodeB.dataSource());
  }

  Storage storage() {
    return new Storage(pg.jdbcUrl(), pg.username(), pg.password(), Path.of("unused"), 2, 1);
  }

  @AfterEach
  void close() {
    for (PgProcessorLease l : new PgProcessorLease[] {a, b}) {
      if (l != null) {
        l.close();
      }
    }
    for (Database d : new Database[] {nodeA, nodeB}) {
      if (d != null) {
        d.close();
      }
    }
  }

  @Test
  void oneNodeHoldsTheLeaseAndTheOtherTakesItOverWhenTheHoldersSessionEnds() throws Exception {
    open();
    assertThat(a.hold()).as("A takes the free lease").isTrue();
    assertThat(b.hold()).as("B, while A holds it").isFalse();
    assertThat(a.hold()).as("A, again").isTrue();
    assertThat(b.hold()).as("B, again").isFalse();

    // A's database session ends as when its process is killed: the server drops its locks.
    try (Connection admin = pg.connect(); Statement st = admin.createStatement()) {
      int terminated;
      // With a timeout, pg_terminate_backend waits until the session has ended (its locks
      // released); without one it only signals it, and B could ask before it is gone.
      try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid, 10000))"
          + " FROM pg_locks"
          + " WHERE locktype = 'advisory' AND classid = " + (PgProcessorLease.KEY >>> 32)
          + " AND objid = " + (PgProcessorLease.KEY & 0xFFFFFFFFL) + " AND objsubid = 1"
          + " AND granted AND database = (SELECT oid FROM pg_database"
          + " WHERE datname = current_database())")) {
        rs.next();
        terminated = rs.getInt(1);
      }
      assertThat(terminated).as("sessions holding the lease").isEqualTo(1);
    }

    assertThat(b.hold()).as("B once A's session is gone").isTrue();
    assertThat(a.hold()).as("A knows it lost the lease, and cannot take it back").isFalse();

    b.close(); // shutdown gives it up
    assertThat(a.hold()).as("A after B gave it up").isTrue();
    assertThat(b.hold()).as("B after giving it up, while A holds it").isFalse();
  }
}
