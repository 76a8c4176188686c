package dev.watchkeeper.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.alert.Alert;
import dev.watchkeeper.alert.AlertExpiry;
import dev.watchkeeper.alert.AlertLabels;
import dev.watchkeeper.alert.AlertPlacement;
import dev.watchkeeper.alert.AlertQuery;
import dev.watchkeeper.alert.AlertSignal;
import dev.watchkeeper.alert.AlertStatus;
import dev.watchkeeper.alert.AlertStore;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sql.DataSource;

/** {@link AlertStore} on SQLite or PostgreSQL: one upsert per event, skipped when replayed. */
public final class JdbcAlertStore implements AlertStore {
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final String UPSERT =
      "INSERT INTO alerts (service, fingerprint, status, severity, source, summary, labels,"
          + " first_seen, last_seen, resolved_at, event_count, last_seq, ends_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
          + " ON CONFLICT (service, fingerprint) DO UPDATE SET"
          + " status = excluded.status,"
          + " severity = COALESCE(excluded.severity, alerts.severity),"
          + " source = excluded.source,"
          + " summary = COALESCE(excluded.summary, alerts.summary),"
          + " labels = COALESCE(excluded.labels, alerts.labels),"
          + " last_seen = excluded.last_seen,"
          + " resolved_at = excluded.resolved_at,"
          + " event_count = alerts.event_count + 1,"
          + " last_seq = excluded.last_seq,"
          + " ends_at = excluded.ends_at"
          + " WHERE alerts.last_seq < excluded.last_seq";
  /**
   * The same change for an alert that exists and keeps its status (a re-sent firing alert, the
   * common case): {@code status} is left out of the SET list, so the {@code alerts_status}
   * index entry is not rewritten, and on SQLite no insert is attempted (an upsert that turns into
   * an update still advances the AUTOINCREMENT counter, a write of its own).
   */
  private static final String REFRESH = "UPDATE alerts SET"
      + " severity = COALESCE(?, severity),"
      + " source = ?,"
      + " summary = COALESCE(?, summary),"
      + " labels = COALESCE(?, labels),"
      + " last_seen = ?,"
      + " resolved_at = ?,"
      + " event_count = event_count + 1,"
      + " last_seq = ?,"
      + " ends_at = ?"
      + " WHERE service = ? AND fingerprint = ? AND status = ? AND last_seq < ?";
  /**
   * An expiry ({@link AlertExpiry}): resolves the alert at its end time only if it is still
   * firing with an end time at or before the expiry's; a report applied before it moved that on.
   */
  private static final String EXPIRE = "UPDATE alerts SET status = ?, resolved_at = ?,"
      + " ends_at = NULL, last_seq = ?"
      + " WHERE service = ? AND fingerprint = ? AND status = ? AND ends_at IS NOT NULL"
      + " AND ends_at <= ? AND last_seq < ?";
  /**
   * Alert columns, plus the service of the key that sent the last applied event (routed_from when
   * it differs): a primary-key join, no extra column to keep in step.
   */
  private static final String COLUMNS = "a.id, a.service, a.fingerprint, a.status, a.severity,"
      + " a.source, a.summary, a.labels, a.first_seen, a.last_seen, a.resolved_at, a.event_count,"
      + " a.last_seq, e.service, a.ends_at";
  private static final String FROM = " FROM alerts a LEFT JOIN events e ON e.seq = a.last_seq";
  private static final int IN_CHUNK = 500;

  private final Database db;
  private final DataSource ds;
  private final java.util.concurrent.locks.Lock writeLock;
  private final ObjectMapper mapper;

  public JdbcAlertStore(Database db, ObjectMapper mapper) {
    this.db = db;
    this.ds = db.dataSource();
    this.writeLock = db.writeLock();
    this.mapper = mapper;
  }

  @Override
  public void apply(List<Change> changes) {
    writeLock.lock();
    try {
      try (Connection c = db.writeConnection()) {
        db.synchronousFull(c, false); // derived state: see Database.synchronousFull
        c.setAutoCommit(false);
        try (PreparedStatement refresh = c.prepareStatement(REFRESH);
            PreparedStatement upsert = c.prepareStatement(UPSERT)) {
          List<Change> reports = new ArrayList<>(changes.size());
          List<Change> expiries = new ArrayList<>();
          for (Change ch : changes) {
            (AlertExpiry.TYPE.equals(ch.event().event().type()) ? expiries : reports).add(ch);
          }
          // Each alert appears once in a run, so reports and expiries never touch one alert.
          if (!expiries.isEmpty()) {
            try (PreparedStatement expire = c.prepareStatement(EXPIRE)) {
              for (Change ch : expiries) {
                bindExpire(expire, ch);
                expire.addBatch();
              }
              expire.executeBatch();
            }
          }
          // Worked out once per change: an upsert after a refresh that found nothing reuses them.
          String[] labels = new String[reports.size()];
          Instant[] ends = new Instant[reports.size()];
          for (int i = 0; i < reports.size(); i++) {
            Change ch = reports.get(i);
            labels[i] = dev.watchkeeper.event.LabelsJson.of(ch.event().event().labels());
            ends[i] = ch.signal() == AlertSignal.RESOLVE ? null : AlertExpiry.endsAt(ch.event());
            bindRefresh(refresh, ch, labels[i], ends[i]);
            refresh.addBatch();
          }
          int[] refreshed = reports.isEmpty() ? new int[0] : refresh.executeBatch();
          boolean rest = false;
          for (int i = 0; i < refreshed.length; i++) {
            // 0: a new alert, a changed status or a replay (the upsert skips a replay). A driver
            // that cannot tell (SUCCESS_NO_INFO) gets the upsert too, which then changes nothing.
            if (refreshed[i] != 1) {
              bindUpsert(upsert, reports.get(i), labels[i], ends[i]);
              upsert.addBatch();
              rest = true;
            }
          }
          if (rest) {
            upsert.executeBatch();
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
          db.synchronousFull(c, true);
        }
      } catch (SQLException e) {
        throw new StoreException("applying events to alerts failed", e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  private static void bindRefresh(PreparedStatement ps, Change ch, String labels,
      Instant endsAt) throws SQLException {
    Event e = ch.event().event();
    long at = e.time().toEpochMilli();
    boolean resolve = ch.signal() == AlertSignal.RESOLVE;
    setText(ps, 1, e.severity() == null ? null : e.severity().wire());
    ps.setString(2, e.source());
    setText(ps, 3, e.summary());
    setText(ps, 4, labels);
    ps.setLong(5, at);
    if (resolve) {
      ps.setLong(6, at);
    } else {
      ps.setNull(6, Types.BIGINT);
    }
    ps.setLong(7, ch.event().seq());
    setEndsAt(ps, 8, endsAt);
    ps.setString(9, ch.service());
    ps.setString(10, ch.fingerprint());
    ps.setString(11, (resolve ? AlertStatus.RESOLVED : AlertStatus.FIRING).wire());
    ps.setLong(12, ch.event().seq());
  }

  private static void bindExpire(PreparedStatement ps, Change ch) throws SQLException {
    long endsAt = ch.event().event().time().toEpochMilli();
    ps.setString(1, AlertStatus.RESOLVED.wire());
    ps.setLong(2, endsAt);
    ps.setLong(3, ch.event().seq());
    ps.setString(4, ch.service());
    ps.setString(5, ch.fingerprint());
    ps.setString(6, AlertStatus.FIRING.wire());
    ps.setLong(7, endsAt);
    ps.setLong(8, ch.event().seq());
  }

  private static void setEndsAt(PreparedStatement ps, int i, Instant endsAt)
      throws SQLException {
    if (endsAt == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, endsAt.toEpochMilli());
    }
  }

  private static void bindUpsert(PreparedStatement ps, Change ch, String labels, Instant endsAt)
      throws SQLException {
    Event e = ch.event().event();
    long at = e.time().toEpochMilli();
    boolean resolve = ch.signal() == AlertSignal.RESOLVE;
    ps.setString(1, ch.service());
    ps.setString(2, ch.fingerprint());
    ps.setString(3, (resolve ? AlertStatus.RESOLVED : AlertStatus.FIRING).wire());
    setText(ps, 4, e.severity() == null ? null : e.severity().wire());
    ps.setString(5, e.source());
    setText(ps, 6, e.summary());
    setText(ps, 7, labels);
    ps.setLong(8, at);
    ps.setLong(9, at);
    if (resolve) {
      ps.setLong(10, at);
    } else {
      ps.setNull(10, Types.BIGINT);
    }
    ps.setLong(11, ch.event().seq());
    setEndsAt(ps, 12, endsAt);
  }

  @Override
  public List<Expiring> expiring(Instant now, long afterId, int limit) {
    // Through the (status, id) index: the firing alerts only, in id order.
    String sql = "SELECT id, service, fingerprint, labels, ends_at FROM alerts"
        + " WHERE status = ? AND id > ? AND ends_at IS NOT NULL AND ends_at <= ?"
        + " ORDER BY id LIMIT ?";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, AlertStatus.FIRING.wire());
      ps.setLong(2, afterId);
      ps.setLong(3, now.toEpochMilli());
      ps.setInt(4, limit);
      List<Expiring> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String labels = rs.getString(4);
          out.add(new Expiring(rs.getLong(1), rs.getString(2), rs.getString(3),
              labels == null ? Map.of() : mapper.readValue(labels, LABELS),
              Instant.ofEpochMilli(rs.getLong(5))));
        }
      }
      return out;
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("reading the alerts past their end time failed", e);
    }
  }

  @Override
  public Optional<Alert> find(String service, String fingerprint) {
    List<Alert> found = query("SELECT " + COLUMNS + FROM
        + " WHERE a.service = ? AND a.fingerprint = ?", List.of(service, fingerprint));
    return found.stream().findFirst();
  }

  @Override
  public Map<String, AlertPlacement.AlertState> states(String service,
      Collection<String> fingerprints) {
    List<String> fps = List.copyOf(fingerprints);
    Map<String, AlertPlacement.AlertState> out = new HashMap<>();
    try (Connection c = ds.getConnection()) {
      for (int from = 0; from < fps.size(); from += IN_CHUNK) {
        List<String> chunk = fps.subList(from, Math.min(fps.size(), from + IN_CHUNK));
        try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint, status, last_seq"
            + " FROM alerts WHERE service = ? AND fingerprint IN ("
            + "?,".repeat(chunk.size() - 1) + "?)")) {
          ps.setString(1, service);
          for (int i = 0; i < chunk.size(); i++) {
            ps.setString(i + 2, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), new AlertPlacement.AlertState(
                  AlertStatus.parse(rs.getString(2)), rs.getLong(3)));
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("reading alerts of service " + service + " failed", e);
    }
    return out;
  }

  @Override
  public List<Alert> list(AlertQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + " WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (q.service() != null) {
      sql.append(" AND a.service = ?");
      args.add(q.service());
    }
    if (!Sql.in(sql, args, "a.service", q.visibleServices())) {
      return List.of();
    }
    if (q.status() != null) {
      sql.append(" AND a.status = ?");
      args.add(q.status().wire());
    }
    if (q.severity() != null) {
      sql.append(" AND a.severity = ?");
      args.add(q.severity().wire());
    }
    if (q.beforeId() != null) {
      sql.append(" AND a.id < ?");
      args.add(q.beforeId());
    }
    sql.append(" ORDER BY a.id DESC LIMIT ?");
    args.add((long) q.limit());
    return query(sql.toString(), args);
  }

  @Override
  public List<AlertLabels> firing(Predicate<Map<String, String>> keep) {
    // Uses the (status, id) index; labels are parsed row by row and dropped unless kept, so a
    // large number of firing alerts costs time here but not memory.
    String sql = "SELECT service, fingerprint, labels FROM alerts WHERE status = ?";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, AlertStatus.FIRING.wire());
      List<AlertLabels> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String json = rs.getString(3);
          Map<String, String> labels = json == null ? Map.of() : mapper.readValue(json, LABELS);
          if (keep.test(labels)) {
            out.add(new AlertLabels(rs.getString(1), rs.getString(2), labels));
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading the firing alerts failed", e);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored alert labels are not valid JSON", e);
    }
  }

  @Override
  public Map<Long, LastEvent> lastEvents(List<Alert> alerts) {
    List<Long> seqs = alerts.stream().map(Alert::lastSeq).distinct().toList();
    Map<Long, LastEvent> out = new java.util.HashMap<>();
    try (Connection c = ds.getConnection()) {
      for (int from = 0; from < seqs.size(); from += 500) {
        List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + 500));
        String sql = "SELECT seq, payload, received_at FROM events WHERE seq IN ("
            + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (int i = 0; i < chunk.size(); i++) {
            ps.setLong(i + 1, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getLong(1),
                  new LastEvent(rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("reading the alerts' last events failed", e);
    }
    return out;
  }

  private List<Alert> query(String sql, List<Object> args) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof Long l) {
          ps.setLong(i + 1, l);
        } else {
          ps.setString(i + 1, (String) args.get(i));
        }
      }
      List<Alert> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading alerts failed", e);
    }
  }

  private Alert read(ResultSet rs) throws SQLException {
    String sev = rs.getString(5);
    String labels = rs.getString(8);
    long resolved = rs.getLong(11);
    boolean notResolved = rs.wasNull();
    long ends = rs.getLong(15);
    Instant endsAt = rs.wasNull() ? null : Instant.ofEpochMilli(ends);
    try {
      return new Alert(rs.getLong(1), rs.getString(2), rs.getString(3),
          AlertStatus.parse(rs.getString(4)), sev == null ? null : Severity.parse(sev).orElse(null),
          rs.getString(6), rs.getString(7),
          labels == null ? Map.of() : mapper.readValue(labels, LABELS),
          Instant.ofEpochMilli(rs.getLong(9)), Instant.ofEpochMilli(rs.getLong(10)),
          notResolved ? null : Instant.ofEpochMilli(resolved), rs.getLong(12), rs.getLong(13),
          routedFrom(rs.getString(2), rs.getString(14)), endsAt);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored alert labels are not valid JSON", e);
    }
  }

  /** The last event's key service, when a label route brought that event to another service. */
  private static String routedFrom(String service, String keyService) {
    return keyService == null || keyService.equals(service) ? null : keyService;
  }

  private static void setText(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, v);
    }
  }
}
