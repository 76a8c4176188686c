package dev.watchkeeper.store;

import dev.watchkeeper.access.Account;
import dev.watchkeeper.access.AccountStore;
import dev.watchkeeper.access.Grants;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * {@link AccountStore} in {@code accounts} and {@code account_roles} (SQLite or PostgreSQL).
 * Roles are stored in lower case; team {@code *} is a global role.
 */
public final class JdbcAccountStore implements AccountStore {
  private static final String COLUMNS =
      "name, password_hash, created_at, created_by, password_changed_at";

  private final Database db;
  private final DataSource ds;

  public JdbcAccountStore(Database db) {
    this.db = db;
    this.ds = db.dataSource();
  }

  @Override
  public boolean create(Account a) {
    return Tx.write(db, "creating account " + a.name(), c -> {
      if (exists(c, a.name())) {
        return false;
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?)")) {
        Sql.bind(ps, a.name(), a.passwordHash(), a.createdAt().toEpochMilli(), a.createdBy(),
            a.passwordChangedAt().toEpochMilli());
        ps.executeUpdate();
      }
      insertRoles(c, a.name(), a.grants());
      return true;
    });
  }

  @Override
  public Optional<Account> find(String name) {
    return Tx.read(ds, "reading account " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM accounts WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(account(rs, roles(c, name)));
        }
      }
    });
  }

  @Override
  public List<Account> list() {
    return Tx.read(ds, "listing accounts", c -> {
      Map<String, Map<String, Role>> roles = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT account, team, role"
          + " FROM account_roles"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          roles.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(rs.getString(2), role(rs.getString(3)));
        }
      }
      List<Account> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM accounts ORDER BY name"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(account(rs, roles.getOrDefault(rs.getString(1), Map.of())));
        }
      }
      return out;
    });
  }

  @Override
  public boolean changePassword(String name, String passwordHash, Instant at) {
    return Tx.write(db, "changing the password of " + name, c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET password_hash = ?,"
          + " password_changed_at = ? WHERE name = ?")) {
        Sql.bind(ps, passwordHash, at.toEpochMilli(), name);
        n = ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE account = ?")) {
        ps.setString(1, name);
        ps.executeUpdate();
      }
      return n == 1;
    });
  }

  @Override
  public boolean setGrants(String name, Grants grants) {
    return Tx.write(db, "setting the roles of " + name, c -> {
      if (!exists(c, name)) {
        return false;
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM account_roles"
          + " WHERE account = ?")) {
        ps.setString(1, name);
        ps.executeUpdate();
      }
      insertRoles(c, name, grants);
      return true;
    });
  }

  @Override
  public boolean delete(String name) {
    return Tx.write(db, "deleting account " + name, c -> {
      for (String sql : List.of("DELETE FROM sessions WHERE account = ?",
          "DELETE FROM account_roles WHERE account = ?")) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setString(1, name);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  private static boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM accounts WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void insertRoles(Connection c, String name, Grants grants)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO account_roles (account, team,"
        + " role) VALUES (?, ?, ?)")) {
      for (Map.Entry<String, Role> e : grants.rows().entrySet()) {
        Sql.bind(ps, name, e.getKey(), e.getValue().name().toLowerCase(Locale.ROOT));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static Map<String, Role> roles(Connection c, String name) throws SQLException {
    Map<String, Role> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT team, role FROM account_roles"
        + " WHERE account = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), role(rs.getString(2)));
        }
      }
    }
    return out;
  }

  static Role role(String stored) {
    return Role.valueOf(stored.toUpperCase(Locale.ROOT));
  }

  private static Account account(ResultSet rs, Map<String, Role> roles) throws SQLException {
    return new Account(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
        rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), Grants.of(roles));
  }
}
