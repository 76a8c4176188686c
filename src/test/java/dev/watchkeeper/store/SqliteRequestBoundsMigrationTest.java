package dev.watchkeeper.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.web.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V18 replaces the index on events.request_id by each request's seq range. Requests stored by an
 * earlier version still list their events and report whether they were processed.
 */
class SqliteRequestBoundsMigrationTest {
  @TempDir Path dir;

  @Test
  void requestsStoredBeforeTheMigrationKeepTheirEventsAndStatus() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("watchkeeper.db");
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/sqlite")
        .target("17").loggers("slf4j").load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO ingest_requests (id, service, key_name, received_at,"
          + " event_count, duplicates) VALUES ('old-1', 'svc', 'k', 1, 2, 0),"
          + " ('old-2', 'svc', 'k', 2, 1, 0), ('old-dup', 'svc', 'k', 3, 1, 1)");
      String[][] events = {{"a", "old-1"}, {"b", "old-2"}, {"c", "old-1"}};
      for (String[] e : events) {
        s.executeUpdate("INSERT INTO events (service, event_id, request_id, source, type, time,"
            + " received_at) VALUES ('svc', '" + e[0] + "', '" + e[1] + "', 'src', 't', 1, 1)");
      }
      s.executeUpdate("UPDATE log_positions SET position = 2 WHERE consumer = 'processor'");
    }

    try (Database db = Database.open(new Storage("", null, null, dir, 4, 1), null)) {
      assertThat(db.migrate()).isPositive();
      JdbcEventStore store = new JdbcEventStore(db, Json.create());

      assertThat(store.ofRequest("old-1", 10)).extracting(StoredEvent::seq)
          .containsExactly(1L, 3L);
      assertThat(store.ofRequest("old-2", 10)).extracting(se -> se.event().id())
          .containsExactly("b");
      assertThat(store.ofRequest("old-dup", 10)).isEmpty();
      assertThat(store.request("old-1").orElseThrow().processed())
          .as("its last event (seq 3) is after the position (2)").isFalse();
      assertThat(store.request("old-2").orElseThrow().processed()).isTrue();
      assertThat(store.request("old-dup").orElseThrow().processed()).isTrue();

      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sqlite_master"
              + " WHERE type = 'index' AND name = 'events_request'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the index is gone").isZero();
      }
    }
  }
}
