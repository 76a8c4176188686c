package dev.watchkeeper.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAccountStore;
import dev.watchkeeper.store.JdbcAuditLog;
import dev.watchkeeper.store.JdbcSessionStore;
import dev.watchkeeper.store.JdbcTokenStore;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Accounts, sessions, API tokens and the audit log on every supported database. */
abstract class AccessStoreContract {
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

  Database db;
  AccountStore accounts;
  SessionStore sessions;
  TokenStore tokens;
  AuditLog audit;

  abstract Storage storage();

  @BeforeEach
  void open() {
    db = Database.open(storage(), null);
    db.migrate();
    accounts = new JdbcAccountStore(db);
    sessions = new JdbcSessionStore(db);
    tokens = new JdbcTokenStore(db);
    audit = new JdbcAuditLog(db);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  Account alice() {
    return new Account("alice", "$2b$12$hash", T0, "cli:root", T0,
        new Grants(Role.ADMIN, Map.of("sre", Role.RESPONDER)));
  }

  Session session(String id, String account) {
    return new Session(Secrets.sha256(id), account, T0, T0, T0.plusSeconds(3600), "10.0.0.1");
  }

  @Test
  void accountIsCreatedOnceAndReadBackWithItsRoles() {
    assertThat(accounts.create(alice())).isTrue();
    assertThat(accounts.create(alice())).isFalse();
    Account a = accounts.find("alice").orElseThrow();
    assertThat(a.grants().global()).isEqualTo(Role.ADMIN);
    assertThat(a.grants().teams()).containsExactly(Map.entry("sre", Role.RESPONDER));
    assertThat(a.passwordHash()).isEqualTo("$2b$12$hash");
    assertThat(accounts.list()).extracting(Account::name).containsExactly("alice");
    assertThat(accounts.find("nobody")).isEmpty();
  }

  @Test
  void changingThePasswordEndsEverySessionOfThatAccountOnly() {
    accounts.create(alice());
    accounts.create(new Account("bob", "h", T0, "cli:root", T0, Grants.NONE));
    sessions.create(session("s1", "alice"));
    sessions.create(session("s2", "alice"));
    sessions.create(session("s3", "bob"));
    assertThat(accounts.changePassword("alice", "new-hash", T0.plusSeconds(60))).isTrue();
    assertThat(sessions.find(Secrets.sha256("s1"))).isEmpty();
    assertThat(sessions.find(Secrets.sha256("s2"))).isEmpty();
    assertThat(sessions.find(Secrets.sha256("s3"))).isPresent();
    assertThat(accounts.find("alice").orElseThrow().passwordHash()).isEqualTo("new-hash");
    assertThat(accounts.changePassword("nobody", "x", T0)).isFalse();
  }

  @Test
  void grantsAreReplacedAndDeletingAnAccountEndsItsSessions() {
    accounts.create(alice());
    sessions.create(session("s1", "alice"));
    assertThat(accounts.setGrants("alice", Grants.team("db", Role.VIEWER))).isTrue();
    assertThat(accounts.find("alice").orElseThrow().grants())
        .isEqualTo(new Grants(null, Map.of("db", Role.VIEWER)));
    assertThat(accounts.delete("alice")).isTrue();
    assertThat(accounts.delete("alice")).isFalse();
    assertThat(sessions.find(Secrets.sha256("s1"))).isEmpty();
  }

  @Test
  void sessionsAreFoundByHashTouchedAndExpired() {
    accounts.create(alice());
    sessions.create(session("s1", "alice"));
    Session s = sessions.find(Secrets.sha256("s1")).orElseThrow();
    assertThat(s.account()).isEqualTo("alice");
    assertThat(s.address()).isEqualTo("10.0.0.1");
    sessions.touch(s.idSha256(), T0.plusSeconds(30));
    assertThat(sessions.find(s.idSha256()).orElseThrow().lastSeenAt())
        .isEqualTo(T0.plusSeconds(30));
    assertThat(sessions.deleteExpired(T0.plusSeconds(3599))).isZero();
    assertThat(sessions.deleteExpired(T0.plusSeconds(3601))).isEqualTo(1);
    assertThat(sessions.delete(s.idSha256())).isFalse();
  }

  @Test
  void tokenNamesAreUniqueAmongUnrevokedTokens() {
    StoredToken t = new StoredToken("tok_1", "ci", Secrets.sha256("secret-1"), "sre",
        Role.RESPONDER, "user:alice", T0, null, null, null);
    assertThat(tokens.insert(t)).isTrue();
    assertThat(tokens.insert(new StoredToken("tok_2", "ci", Secrets.sha256("secret-2"), null,
        Role.VIEWER, "user:alice", T0, null, null, null))).isFalse();
    assertThat(tokens.findBySha256(Secrets.sha256("secret-1")).orElseThrow().team())
        .isEqualTo("sre");
    tokens.touch("tok_1", T0.plusSeconds(5));
    assertThat(tokens.find("tok_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(5));
    StoredToken revoked = tokens.revoke("tok_1", T0.plusSeconds(10), "user:alice").orElseThrow();
    assertThat(revoked.revoked()).isTrue();
    assertThat(revoked.revokedBy()).isEqualTo("user:alice");
    assertThat(tokens.revoke("tok_1", T0.plusSeconds(11), "user:alice")).isEmpty();
    // the name is free again once the token is revoked
    assertThat(tokens.insert(new StoredToken("tok_2", "ci", Secrets.sha256("secret-2"), null,
        Role.VIEWER, "user:alice", T0, null, null, null))).isTrue();
    assertThat(tokens.list()).extracting(StoredToken::id).containsExactlyInAnyOrder("tok_1",
        "tok_2");
  }

  @Test
  void auditRowsAreFilteredAndPagedNewestFirst() {
    for (int i = 0; i < 5; i++) {
      audit.record(new AuditLog.Entry(T0.plusSeconds(i), i % 2 == 0 ? "user:alice" : "token:ci",
          i < 3 ? "token.create" : "user.create", "token", "t" + i, null, "127.0.0.1",
          null, "{\"n\":" + i + "}"));
    }
    var page = audit.find(new AuditLog.Query(null, null, null, null, null, null, null, 2));
    assertThat(page).extracting(r -> r.entry().targetId()).containsExactly("t4", "t3");
    var next = audit.find(new AuditLog.Query(null, null, null, null, null, null,
        page.get(1).id(), 10));
    assertThat(next).extracting(r -> r.entry().targetId()).containsExactly("t2", "t1", "t0");
    assertThat(audit.find(new AuditLog.Query("user:alice", "token.*", null, null, null, null,
        null, 10))).extracting(r -> r.entry().targetId()).containsExactly("t2", "t0");
    assertThat(audit.find(new AuditLog.Query(null, null, null, null, T0.plusSeconds(1),
        T0.plusSeconds(3), null, 10))).hasSize(2);
    AuditLog.Entry e = page.get(0).entry();
    assertThat(e.address()).isEqualTo("127.0.0.1");
    assertThat(e.afterJson()).isEqualTo("{\"n\":4}");
  }
}
