package dev.watchkeeper.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * Server-wide secrets generated on first use and kept in {@code server_secrets}, so that every
 * node sharing the database, and the same node after a restart, uses the same one. The first
 * node to insert a name wins ({@code ON CONFLICT DO NOTHING}); the others read its row. A secret
 * once read is cached for the life of this object. Thread-safe.
 */
public final class JdbcServerSecrets {
  /** 256 random bits per secret, as 64 hex characters. */
  static final int SECRET_BYTES = 32;

  private final Database db;
  private final DataSource ds;
  private final Lock writeLock;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentMap<String, String> cache = new ConcurrentHashMap<>();

  public JdbcServerSecrets(Database db, Clock clock) {
    this.db = db;
    this.ds = db.dataSource();
    this.writeLock = db.writeLock();
    this.clock = clock;
  }

  /** The secret called {@code name}, generated and stored if there is none yet. */
  public String secret(String name) {
    return cache.computeIfAbsent(name, this::load);
  }

  private String load(String name) {
    Optional<String> found = read(name);
    if (found.isPresent()) {
      return found.get();
    }
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    writeLock.lock();
    try (Connection c = db.writeConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO server_secrets (name, secret,"
            + " created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
      ps.setString(1, name);
      ps.setString(2, HexFormat.of().formatHex(bytes));
      ps.setLong(3, clock.millis());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("storing the server secret " + name + " failed", e);
    } finally {
      writeLock.unlock();
    }
    return read(name).orElseThrow(() -> new IllegalStateException("server secret " + name
        + " missing right after it was stored"));
  }

  private Optional<String> read(String name) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT secret FROM server_secrets"
            + " WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("reading the server secret " + name + " failed", e);
    }
  }
}
