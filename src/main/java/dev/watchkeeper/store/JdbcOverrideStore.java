package dev.watchkeeper.store;

import dev.watchkeeper.oncall.Role;
import dev.watchkeeper.rota.OverrideStore;
import dev.watchkeeper.rota.StoredOverride;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * {@link OverrideStore} in the {@code schedule_overrides} table (SQLite or PostgreSQL). Roles are
 * stored in lower case, times as epoch milliseconds. Writes take the database's write lock (see
 * {@link Database#writeLock}).
 */
public final class JdbcOverrideStore implements OverrideStore {
  private static final String COLUMNS = "id, schedule_id, role, user_id, cover_for, starts_at,"
      + " ends_at, created_at, created_by";

  private final Database db;
  private final DataSource ds;
  private final Lock writeLock;

  public JdbcOverrideStore(Database db) {
    this.db = db;
    this.ds = db.dataSource();
    this.writeLock = db.writeLock();
  }

  @Override
  public StoredOverride insert(StoredOverride o) {
    String sql = "INSERT INTO schedule_overrides (schedule_id, role, user_id, cover_for,"
        + " starts_at, ends_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    writeLock.lock();
    try (Connection c = db.writeConnection();
        PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, o.scheduleId());
      if (o.role() == null) {
        ps.setNull(2, Types.VARCHAR);
      } else {
        ps.setString(2, o.role().name().toLowerCase(Locale.ROOT));
      }
      ps.setString(3, o.userId());
      if (o.coverFor() == null) {
        ps.setNull(4, Types.VARCHAR);
      } else {
        ps.setString(4, o.coverFor());
      }
      ps.setLong(5, o.start().toEpochMilli());
      ps.setLong(6, o.end().toEpochMilli());
      ps.setLong(7, o.createdAt().toEpochMilli());
      ps.setString(8, o.createdBy());
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new IllegalStateException("storing an override of schedule " + o.scheduleId()
              + " returned no id");
        }
        return o.withId(keys.getLong(1));
      }
    } catch (SQLException e) {
      throw new StoreException("storing an override of schedule " + o.scheduleId() + " failed",
          e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public List<StoredOverride> overlapping(String scheduleId, Instant from, Instant to) {
    return query("SELECT " + COLUMNS + " FROM schedule_overrides WHERE schedule_id = ?"
        + " AND ends_at > ? AND starts_at < ? ORDER BY id", scheduleId, from.toEpochMilli(),
        to.toEpochMilli());
  }

  @Override
  public List<StoredOverride> overlapping(Instant from, Instant to) {
    return query("SELECT " + COLUMNS + " FROM schedule_overrides WHERE ends_at > ?"
        + " AND starts_at < ? ORDER BY id", from.toEpochMilli(), to.toEpochMilli());
  }

  @Override
  public Optional<StoredOverride> find(String scheduleId, long id) {
    List<StoredOverride> found = query("SELECT " + COLUMNS + " FROM schedule_overrides"
        + " WHERE schedule_id = ? AND id = ?", scheduleId, id);
    return found.stream().findFirst();
  }

  @Override
  public boolean delete(String scheduleId, long id) {
    return update("DELETE FROM schedule_overrides WHERE schedule_id = ? AND id = ?", scheduleId,
        id) == 1;
  }

  @Override
  public boolean end(String scheduleId, long id, Instant expectedEnd, Instant newEnd) {
    return update("UPDATE schedule_overrides SET ends_at = ? WHERE schedule_id = ? AND id = ?"
        + " AND ends_at = ? AND starts_at < ?", newEnd.toEpochMilli(), scheduleId, id,
        expectedEnd.toEpochMilli(), newEnd.toEpochMilli()) == 1;
  }

  @Override
  public int countEndingAfter(String scheduleId, Instant now) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM schedule_overrides"
            + " WHERE schedule_id = ? AND ends_at > ?")) {
      Sql.bind(ps, scheduleId, now.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new StoreException("counting the overrides of schedule " + scheduleId + " failed",
          e);
    }
  }

  private int update(String sql, Object... args) {
    writeLock.lock();
    try (Connection c = db.writeConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("changing a schedule override failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  private List<StoredOverride> query(String sql, Object... args) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, args);
      List<StoredOverride> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String role = rs.getString(3);
          out.add(new StoredOverride(rs.getLong(1), rs.getString(2),
              role == null ? null : Role.valueOf(role.toUpperCase(Locale.ROOT)),
              rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)),
              Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
              rs.getString(9)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading schedule overrides failed", e);
    }
  }
}
