package dev.watchkeeper.store;

import dev.watchkeeper.audit.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** {@link AuditLog} in the {@code audit_log} table (SQLite or PostgreSQL). */
public final class JdbcAuditLog implements AuditLog {
  private final DataSource ds;

  public JdbcAuditLog(Database db) {
    this.ds = db.dataSource();
  }

  @Override
  public void record(Entry e) {
    String sql = "INSERT INTO audit_log (time, actor, action, target_type, target_id, details)"
        + " VALUES (?, ?, ?, ?, ?, ?)";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, e.time().toEpochMilli());
      ps.setString(2, e.actor());
      ps.setString(3, e.action());
      ps.setString(4, e.targetType());
      ps.setString(5, e.targetId());
      if (e.detailsJson() == null) {
        ps.setNull(6, Types.VARCHAR);
      } else {
        ps.setString(6, e.detailsJson());
      }
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw new StoreException("writing the audit log failed", ex);
    }
  }

  @Override
  public List<Entry> forTarget(String targetType, String targetId) {
    String sql = "SELECT time, actor, action, target_type, target_id, details FROM audit_log"
        + " WHERE target_type = ? AND target_id = ? ORDER BY id";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, targetType);
      ps.setString(2, targetId);
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Entry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2),
              rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new StoreException("reading the audit log failed", ex);
    }
  }
}
