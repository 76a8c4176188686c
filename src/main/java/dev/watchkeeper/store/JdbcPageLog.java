package dev.watchkeeper.store;

import dev.watchkeeper.rota.PageLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** {@link PageLog} over {@code incident_pages} (written by escalation; read-only here). */
public final class JdbcPageLog implements PageLog {
  private final DataSource ds;

  public JdbcPageLog(Database db) {
    this.ds = db.dataSource();
  }

  @Override
  public List<Paged> between(Instant from, Instant to) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT user_id, at FROM incident_pages"
            + " WHERE at >= ? AND at < ? ORDER BY at, id")) {
      ps.setLong(1, from.toEpochMilli());
      ps.setLong(2, to.toEpochMilli());
      List<Paged> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Paged(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading recent pages failed", e);
    }
  }
}
