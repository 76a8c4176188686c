package dev.watchkeeper.mute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAuditLog;
import dev.watchkeeper.store.JdbcSilenceStore;
import dev.watchkeeper.web.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One contract for {@link JdbcSilenceStore} and {@link JdbcAuditLog}, run on every database. */
abstract class SilenceStoreContract {
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

  Database db;
  SilenceStore store;
  AuditLog audit;

  abstract Storage storage() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = Database.open(storage(), null);
    db.migrate();
    store = new JdbcSilenceStore(db, Json.create());
    audit = new JdbcAuditLog(db);
  }

  @AfterEach
  void close() {
    if (db != null) { // null when PostgreSQL tests are skipped
      db.close();
    }
  }

  static Silence silence(String id, Instant start, Instant end) {
    return new Silence(id, List.of(Matcher.equal("job", "api"),
        Matcher.of("instance", "web-\"1\".*", true, false)), start, end, "alice", "deploy ✓",
        T0, true);
  }

  @Test
  void storesEveryFieldAndReadsItBack() {
    Silence s = silence("s1", T0, T0.plus(Duration.ofHours(1)));
    store.insert(s);

    assertThat(store.find("s1")).contains(s);
    assertThat(store.find("nope")).isEmpty();
    assertThat(store.all()).containsExactly(s);
  }

  @Test
  void replaceOnlyWhenUnchangedSinceRead() {
    Silence s = silence("s1", T0, T0.plus(Duration.ofHours(1)));
    store.insert(s);
    Silence later = new Silence("s1", s.matchers(), T0, T0.plus(Duration.ofHours(2)), "bob",
        "longer", T0.plusSeconds(5), false);

    assertThat(store.replace(later, T0)).isTrue();
    assertThat(store.find("s1")).contains(later);
    assertThat(store.replace(later, T0)).isFalse(); // stale expectation
    assertThat(store.replace(silence("missing", T0, T0.plusSeconds(1)), T0)).isFalse();
  }

  @Test
  void activeAtIncludesTheStartAndExcludesTheEnd() {
    store.insert(silence("past", T0.minusSeconds(100), T0));
    store.insert(silence("now", T0, T0.plusSeconds(100)));
    store.insert(silence("future", T0.plusMillis(1), T0.plusSeconds(100)));

    assertThat(store.activeAt(T0)).extracting(Silence::id).containsExactly("now");
  }

  @Test
  void auditRowsAreKeptInOrderPerTarget() {
    audit.record(new AuditLog.Entry(T0, "alice", "silence.create", "silence", "s1",
        "{\"a\":1}"));
    audit.record(new AuditLog.Entry(T0.plusSeconds(1), "bob", "silence.expire", "silence", "s1",
        null));
    audit.record(new AuditLog.Entry(T0, "alice", "silence.create", "silence", "s2", null));

    assertThat(audit.forTarget("silence", "s1")).containsExactly(
        new AuditLog.Entry(T0, "alice", "silence.create", "silence", "s1", "{\"a\":1}"),
        new AuditLog.Entry(T0.plusSeconds(1), "bob", "silence.expire", "silence", "s1", null));
  }
}
