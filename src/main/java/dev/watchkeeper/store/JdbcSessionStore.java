package dev.watchkeeper.store;

import dev.watchkeeper.access.Session;
import dev.watchkeeper.access.SessionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/** {@link SessionStore} in {@code sessions} (SQLite or PostgreSQL). */
public final class JdbcSessionStore implements SessionStore {
  private final Database db;
  private final DataSource ds;

  public JdbcSessionStore(Database db) {
    this.db = db;
    this.ds = db.dataSource();
  }

  @Override
  public void create(Session s) {
    Tx.write(db, "creating a session", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO sessions (id_sha256, account,"
          + " created_at, last_seen_at, expires_at, address) VALUES (?, ?, ?, ?, ?, ?)")) {
        Sql.bind(ps, s.idSha256(), s.account(), s.createdAt().toEpochMilli(),
            s.lastSeenAt().toEpochMilli(), s.expiresAt().toEpochMilli(), s.address());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<Session> find(String idSha256) {
    return Tx.read(ds, "reading a session", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id_sha256, account, created_at,"
          + " last_seen_at, expires_at, address FROM sessions WHERE id_sha256 = ?")) {
        ps.setString(1, idSha256);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new Session(rs.getString(1), rs.getString(2),
              Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)),
              Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6)));
        }
      }
    });
  }

  @Override
  public void touch(String idSha256, Instant at) {
    Tx.write(db, "recording session activity", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET last_seen_at = ?"
          + " WHERE id_sha256 = ?")) {
        Sql.bind(ps, at.toEpochMilli(), idSha256);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean delete(String idSha256) {
    return Tx.write(db, "ending a session", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions"
          + " WHERE id_sha256 = ?")) {
        ps.setString(1, idSha256);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public int deleteExpired(Instant now) {
    return Tx.write(db, "removing expired sessions", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions"
          + " WHERE expires_at < ?")) {
        ps.setLong(1, now.toEpochMilli());
        return ps.executeUpdate();
      }
    });
  }
}
