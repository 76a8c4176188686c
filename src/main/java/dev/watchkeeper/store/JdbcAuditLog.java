package dev.watchkeeper.store;

import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.audit.RequestOrigin;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/** {@link AuditLog} in the {@code audit_log} table (SQLite or PostgreSQL). */
public final class JdbcAuditLog implements AuditLog {
  private static final String COLUMNS = "id, time, actor, action, target_type, target_id,"
      + " details, address, before_state, after_state";

  private final Database db;
  private final DataSource ds;

  public JdbcAuditLog(Database db) {
    this.db = db;
    this.ds = db.dataSource();
  }

  @Override
  public void record(Entry entry) {
    Entry e = RequestOrigin.stamp(entry);
    Tx.write(db, "writing the audit log", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (time, actor,"
          + " action, target_type, target_id, details, address, before_state, after_state)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        Sql.bind(ps, e.time().toEpochMilli(), e.actor(), e.action(), e.targetType(),
            e.targetId(), e.detailsJson(), e.address(), e.beforeJson(), e.afterJson());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public List<Entry> forTarget(String targetType, String targetId) {
    return Tx.read(ds, "reading the audit log", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_log"
          + " WHERE target_type = ? AND target_id = ? ORDER BY id")) {
        Sql.bind(ps, targetType, targetId);
        List<Entry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs).entry());
          }
        }
        return out;
      }
    });
  }

  @Override
  public List<Row> find(Query q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (q.actor() != null) {
      sql.append(" AND actor = ?");
      args.add(q.actor());
    }
    if (q.action() != null) {
      if (q.action().endsWith(".*")) {
        // A prefix ("token.*"); LIKE wildcards in the prefix are escaped.
        sql.append(" AND action LIKE ? ESCAPE '\\'");
        String prefix = q.action().substring(0, q.action().length() - 1)
            .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        args.add(prefix + "%");
      } else {
        sql.append(" AND action = ?");
        args.add(q.action());
      }
    }
    if (q.targetType() != null) {
      sql.append(" AND target_type = ?");
      args.add(q.targetType());
    }
    if (q.targetId() != null) {
      sql.append(" AND target_id = ?");
      args.add(q.targetId());
    }
    if (q.since() != null) {
      sql.append(" AND time >= ?");
      args.add(q.since().toEpochMilli());
    }
    if (q.until() != null) {
      sql.append(" AND time < ?");
      args.add(q.until().toEpochMilli());
    }
    if (q.beforeId() != null) {
      sql.append(" AND id < ?");
      args.add(q.beforeId());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(Math.min(q.limit(), MAX_LIMIT + 1));
    return Tx.read(ds, "reading the audit log", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        Sql.bind(ps, args.toArray());
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
        return out;
      }
    });
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(rs.getLong(1), new Entry(Instant.ofEpochMilli(rs.getLong(2)),
        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
        rs.getString(8), rs.getString(9), rs.getString(10)));
  }
}
