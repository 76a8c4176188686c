package dev.watchkeeper.store;

import dev.watchkeeper.access.StoredToken;
import dev.watchkeeper.access.TokenStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/** {@link TokenStore} in {@code api_tokens} (SQLite or PostgreSQL). */
public final class JdbcTokenStore implements TokenStore {
  private static final String COLUMNS = "id, name, token_sha256, team, role, created_by,"
      + " created_at, last_used_at, revoked_at, revoked_by";

  private final Database db;
  private final DataSource ds;

  public JdbcTokenStore(Database db) {
    this.db = db;
    this.ds = db.dataSource();
  }

  @Override
  public boolean insert(StoredToken t) {
    return Tx.write(db, "creating API token " + t.name(), c -> {
      // Checked here, under the write lock (SQLite) or the unique index (PostgreSQL, where a
      // racing insert fails on api_tokens_active_name).
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM api_tokens WHERE name = ?"
          + " AND revoked_at IS NULL")) {
        ps.setString(1, t.name());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        Sql.bind(ps, t.id(), t.name(), t.tokenSha256(), t.team(),
            t.role().name().toLowerCase(Locale.ROOT), t.createdBy(),
            t.createdAt().toEpochMilli(), millis(t.lastUsedAt()), millis(t.revokedAt()),
            t.revokedBy());
        ps.executeUpdate();
      }
      return true;
    });
  }

  @Override
  public Optional<StoredToken> findBySha256(String tokenSha256) {
    return Tx.read(ds, "reading an API token", c -> one(c, "token_sha256", tokenSha256));
  }

  @Override
  public Optional<StoredToken> find(String id) {
    return Tx.read(ds, "reading an API token", c -> one(c, "id", id));
  }

  @Override
  public List<StoredToken> list() {
    return Tx.read(ds, "listing API tokens", c -> {
      List<StoredToken> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM api_tokens ORDER BY created_at DESC, id"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(token(rs));
        }
      }
      return out;
    });
  }

  @Override
  public Optional<StoredToken> revoke(String id, Instant at, String by) {
    return Tx.write(db, "revoking API token " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET revoked_at = ?,"
          + " revoked_by = ? WHERE id = ? AND revoked_at IS NULL")) {
        Sql.bind(ps, at.toEpochMilli(), by, id);
        if (ps.executeUpdate() == 0) {
          return Optional.empty();
        }
      }
      return one(c, "id", id);
    });
  }

  @Override
  public void touch(String id, Instant at) {
    Tx.write(db, "recording API token use", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ?"
          + " WHERE id = ?")) {
        Sql.bind(ps, at.toEpochMilli(), id);
        return ps.executeUpdate();
      }
    });
  }

  private static Optional<StoredToken> one(Connection c, String column, String value)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens"
        + " WHERE " + column + " = ?")) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(token(rs)) : Optional.empty();
      }
    }
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static StoredToken token(ResultSet rs) throws SQLException {
    return new StoredToken(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        JdbcAccountStore.role(rs.getString(5)), rs.getString(6),
        Instant.ofEpochMilli(rs.getLong(7)), instant(rs, 8), instant(rs, 9), rs.getString(10));
  }
}
