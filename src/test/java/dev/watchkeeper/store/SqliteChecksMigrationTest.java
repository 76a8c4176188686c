package dev.watchkeeper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.check.Check;
import dev.watchkeeper.check.CheckStatus;
import dev.watchkeeper.check.Ping;
import dev.watchkeeper.check.PingKind;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V17 rebuilds checks and check_pings clustered by their keys (WITHOUT ROWID). A database
 * written by an earlier version keeps every check, its state and its pings, and the ping log's
 * seqs keep continuing after the ids the history already holds (a reused id would be dropped
 * by the history's ON CONFLICT DO NOTHING: a lost ping).
 */
class SqliteChecksMigrationTest {
  @TempDir Path dir;

  @Test
  void checksAndTheirPingsSurviveTheRebuildAndNewPingsGetFreshIds() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("watchkeeper.db");
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/sqlite")
        .target("16").loggers("slf4j").load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO checks (id, service, slug, name, origin, kind, period_ms,"
          + " grace_ms, severity, badge_key, status, last_ping_at, due_at, pings, created_at,"
          + " updated_at, ping_seq, probe_failures) VALUES ('c-1', 'jobs', 'backup', 'Backup',"
          + " 'api', 'heartbeat', 60000, 5000, 'critical', 'badge-1', 'up', 1000, 66000, 3,"
          + " 10, 1000, 907, 2)");
      for (int id = 905; id <= 907; id++) {
        s.executeUpdate("INSERT INTO check_pings (id, check_id, at, kind, transport, body)"
            + " VALUES (" + id + ", 'c-1', " + id + ", 'success', 'http', 'run " + id + "')");
      }
    }

    try (Database db = Database.open(new Storage("", null, null, dir, 4, 1), null)) {
      assertThat(db.migrate()).isPositive();
      JdbcCheckStore store = new JdbcCheckStore(db, new ObjectMapper());

      Check c = store.find("c-1").orElseThrow();
      assertThat(c.spec().name()).isEqualTo("Backup");
      assertThat(c.status()).isEqualTo(CheckStatus.UP);
      assertThat(c.pings()).isEqualTo(3);
      assertThat(c.dueAt()).isEqualTo(Instant.ofEpochMilli(66000));
      assertThat(store.findByBadgeKey("badge-1")).isPresent();
      assertThat(store.probeCounters("c-1").failures()).isEqualTo(2);
      assertThat(store.pings("c-1", 10)).extracting(Ping::body)
          .containsExactly("run 907", "run 906", "run 905");

      Ping next = new Ping("c-1", Instant.ofEpochMilli(2000), PingKind.SUCCESS, null, "http",
          "GET", "127.0.0.1", "curl", null, null, false, null);
      List<Long> seqs = store.inTransaction(tx -> tx.appendPings(List.of(next)));
      assertThat(seqs.get(0)).as("a seq after the history's ids").isGreaterThan(907);

      try (Connection w = db.writeConnection(); Statement s = w.createStatement()) {
        assertThatThrownBy(() -> s.executeQuery("SELECT rowid FROM checks"))
            .as("clustered by id").isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> s.executeQuery("SELECT rowid FROM check_pings"))
            .as("clustered by (check_id, id)").isInstanceOf(SQLException.class);
      }
    }
  }
}
