package dev.watchkeeper.rota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.oncall.Role;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcIncidentStore;
import dev.watchkeeper.store.JdbcOverrideStore;
import dev.watchkeeper.store.JdbcPageLog;
import dev.watchkeeper.store.JdbcServerSecrets;
import dev.watchkeeper.web.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schedule overrides, the page look-back of the recovery rule and the generated feed secret on
 * every supported database: what one node writes, another (or the same after a restart) reads.
 */
abstract class OverrideStoreContract {
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
  static final String ACTOR = "token:alice";

  Storage storage;
  Database db;
  OverrideStore store;

  abstract Storage storage();

  @BeforeEach
  void open() {
    storage = storage();
    db = Database.open(storage, null);
    db.migrate();
    store = new JdbcOverrideStore(db);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static Instant at(int hours) {
    return T0.plus(Duration.ofHours(hours));
  }

  StoredOverride take(String schedule, Role role, String user, int from, int to) {
    return store.insert(StoredOverride.role(schedule, role, user, at(from), at(to), T0, ACTOR));
  }

  @Test
  void bothKindsRoundTripWithIdsInInsertionOrder() {
    StoredOverride a = take("db", Role.PRIMARY, "bob", 0, 8);
    StoredOverride b = store.insert(StoredOverride.cover("db", "alice", "carol", at(2), at(30),
        T0.plusMillis(123), ACTOR));
    assertThat(b.id()).isGreaterThan(a.id());
    assertThat(store.find("db", a.id())).contains(a);
    assertThat(store.find("db", b.id())).contains(b);
    assertThat(b.isCover()).isTrue();
    assertThat(store.find("db", b.id()).orElseThrow().coverFor()).isEqualTo("alice");
    assertThat(store.find("db", b.id()).orElseThrow().role()).isNull();
    assertThat(store.find("web", a.id())).isEmpty();
  }

  @Test
  void overlappingFindsHalfOpenRangesOldestFirst() {
    StoredOverride late = take("db", Role.SECONDARY, "bob", 10, 20);
    StoredOverride early = take("db", Role.PRIMARY, "carol", 0, 10);
    StoredOverride other = take("web", Role.PRIMARY, "dave", 0, 30);
    assertThat(store.overlapping("db", at(10), at(11))).containsExactly(late);
    assertThat(store.overlapping("db", at(9), at(10))).containsExactly(early);
    assertThat(store.overlapping("db", at(0), at(30))).containsExactly(late, early);
    assertThat(store.overlapping("db", at(20), at(40))).isEmpty();
    assertThat(store.overlapping(at(5), at(15))).containsExactly(late, early, other);
  }

  @Test
  void deleteRemovesOnce() {
    StoredOverride o = take("db", Role.PRIMARY, "bob", 0, 8);
    assertThat(store.delete("web", o.id())).isFalse();
    assertThat(store.delete("db", o.id())).isTrue();
    assertThat(store.delete("db", o.id())).isFalse();
    assertThat(store.find("db", o.id())).isEmpty();
  }

  @Test
  void endMovesTheEndOnlyFromTheExpectedOne() {
    StoredOverride o = take("db", Role.PRIMARY, "bob", 0, 8);
    assertThat(store.end("db", o.id(), at(8), at(3))).isTrue();
    assertThat(store.find("db", o.id()).orElseThrow().end()).isEqualTo(at(3));
    // A second node that read the old end loses.
    assertThat(store.end("db", o.id(), at(8), at(4))).isFalse();
    // Never at or before the start.
    assertThat(store.end("db", o.id(), at(3), at(0))).isFalse();
    assertThat(store.find("db", o.id()).orElseThrow().end()).isEqualTo(at(3));
  }

  @Test
  void countsTheOverridesNotEndedYet() {
    take("db", Role.PRIMARY, "bob", 0, 8);
    take("db", Role.PRIMARY, "bob", 8, 9);
    take("web", Role.PRIMARY, "bob", 0, 9);
    assertThat(store.countEndingAfter("db", at(8))).isEqualTo(1);
    assertThat(store.countEndingAfter("db", at(0))).isEqualTo(2);
  }

  @Test
  void overridesSurviveAReopenedDatabase() {
    StoredOverride o = take("db", Role.SHADOW, "erin", 0, 8);
    db.close();
    db = Database.open(storage, null);
    db.migrate();
    assertThat(new JdbcOverrideStore(db).find("db", o.id())).contains(o);
  }

  @Test
  void anOverrideHasExactlyOneKindAndEndsAfterItStarts() {
    assertThatThrownBy(() -> new StoredOverride(0, "db", Role.PRIMARY, "bob", "alice", at(0),
        at(1), T0, ACTOR)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StoredOverride.role("db", Role.PRIMARY, "bob", at(1), at(1), T0,
        ACTOR)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thePageLogReadsTheRecordedPagesOfARange() {
    JdbcIncidentStore incidents = new JdbcIncidentStore(db, Json.create());
    incidents.inTransaction(tx -> {
      long id = tx.insertIncident("payments", "db down", Severity.CRITICAL, "high", "", at(0));
      tx.addPage(id, 1, "ann", at(1), "triggered");
      tx.addPage(id, 2, "ben", at(2), "not acknowledged");
      tx.addPage(id, 1, "ann", at(3), "repeat");
      return null;
    });
    assertThat(new JdbcPageLog(db).between(at(1), at(3))).containsExactly(
        new PageLog.Paged("ann", at(1)), new PageLog.Paged("ben", at(2)));
  }

  @Test
  void aGeneratedSecretIsSharedByEveryNodeAndKept() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    String one = new JdbcServerSecrets(db, clock).secret("ical");
    assertThat(one).matches("[0-9a-f]{64}");
    assertThat(new JdbcServerSecrets(db, clock).secret("ical")).isEqualTo(one);
    assertThat(new JdbcServerSecrets(db, clock).secret("other")).isNotEqualTo(one);
  }
}
