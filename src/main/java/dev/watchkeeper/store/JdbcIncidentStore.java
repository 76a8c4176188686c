package dev.watchkeeper.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.incident.EscalationState;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.Page;
import dev.watchkeeper.incident.IncidentQuery;
import dev.watchkeeper.incident.IncidentState;
import dev.watchkeeper.incident.IncidentStore;
import dev.watchkeeper.incident.IncidentTimer;
import dev.watchkeeper.incident.IncidentTx;
import dev.watchkeeper.incident.IncidentTx.AlertRow;
import dev.watchkeeper.incident.TimelineEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * {@link IncidentStore} on SQLite or PostgreSQL. On PostgreSQL, incident rows read inside a
 * transaction are locked ({@code FOR UPDATE}) so a responder's action and the alert processor
 * never overwrite each other; SQLite transactions take the write lock at BEGIN.
 */
public final class JdbcIncidentStore implements IncidentStore {
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final String INCIDENT_COLUMNS = "id, service, state, title, severity, group_key,"
      + " opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, snoozed_until,"
      + " assignee, priority, urgency, merged_into, alert_count, updated_at";
  private static final String ALERT_COLUMNS = "id, service, fingerprint, status, severity,"
      + " summary, labels, incident_id, noted_status";

  /** Timer kinds this version fires; rows of other kinds (a newer node's) are left alone. */
  private static final String KNOWN_KINDS = java.util.Arrays.stream(IncidentTimer.Kind.values())
      .map(k -> "'" + k.wire() + "'").collect(java.util.stream.Collectors.joining(",", "(", ")"));

  /** Parameters per IN (...) list; well under SQLite's and PostgreSQL's limits. */
  private static final int IN_CHUNK = 500;

  private final Database db;
  private final DataSource ds;
  private final java.util.concurrent.locks.Lock writeLock;
  private final ObjectMapper mapper;
  private final String lock;

  public JdbcIncidentStore(Database db, ObjectMapper mapper) {
    this.db = db;
    this.ds = db.dataSource();
    this.writeLock = db.writeLock();
    this.mapper = mapper;
    this.lock = db.dialect() == Dialect.POSTGRES ? " FOR UPDATE" : "";
  }

  private volatile Runnable onNotificationsQueued = () -> { };

  /**
   * Called after a transaction that queued a notification due at once commits: the delivery
   * workers are woken instead of finding it at their next poll.
   */
  public void onNotificationsQueued(Runnable listener) {
    this.onNotificationsQueued = listener;
  }

  @Override
  public <T> T inTransaction(Function<IncidentTx, T> work) {
    return transaction(work, true);
  }

  @Override
  public <T> T inDerivedTransaction(Function<IncidentTx, T> work) {
    return transaction(work, false);
  }

  private <T> T transaction(Function<IncidentTx, T> work, boolean durable) {
    writeLock.lock();
    try {
      try (Connection c = db.writeConnection()) {
        db.synchronousFull(c, durable);
        c.setAutoCommit(false);
        try {
          T result;
          boolean queued;
          try (Tx tx = new Tx(c, true)) {
            result = work.apply(tx);
            queued = tx.queuedDue;
          }
          c.commit();
          if (queued) {
            onNotificationsQueued.run();
          }
          return result;
        } catch (RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
          if (!durable) {
            db.synchronousFull(c, true);
          }
        }
      } catch (SQLException e) {
        throw new StoreException("incident transaction failed", e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Optional<Incident> find(long id) {
    try (Connection c = ds.getConnection()) {
      return new Tx(c).one("SELECT " + INCIDENT_COLUMNS + " FROM incidents WHERE id = ?", id);
    } catch (SQLException e) {
      throw new StoreException("reading incident " + id + " failed", e);
    }
  }

  @Override
  public Map<String, Long> openCountByService() {
    Map<String, Long> out = new java.util.TreeMap<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT service, COUNT(*) FROM incidents"
            + " WHERE state <> ? GROUP BY service")) {
      ps.setString(1, IncidentState.RESOLVED.wire());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("counting open incidents failed", e);
    }
  }

  @Override
  public List<Incident> list(IncidentQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + INCIDENT_COLUMNS
        + " FROM incidents WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (q.service() != null) {
      sql.append(" AND service = ?");
      args.add(q.service());
    }
    if (!Sql.in(sql, args, "service", q.visibleServices())) {
      return List.of();
    }
    if (q.state() != null) {
      sql.append(" AND state = ?");
      args.add(q.state().wire());
    }
    if (q.severity() != null) {
      sql.append(" AND severity = ?");
      args.add(q.severity().wire());
    }
    if (q.priority() != null) {
      sql.append(" AND priority = ?");
      args.add(q.priority());
    }
    if (q.since() != null) {
      sql.append(" AND opened_at >= ?");
      args.add(q.since().toEpochMilli());
    }
    if (q.until() != null) {
      sql.append(" AND opened_at < ?");
      args.add(q.until().toEpochMilli());
    }
    if (q.beforeId() != null) {
      sql.append(" AND id < ?");
      args.add(q.beforeId());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add((long) q.limit());
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      Sql.bind(ps, args.toArray());
      List<Incident> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(readIncident(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("listing incidents failed", e);
    }
  }

  @Override
  public List<AlertRow> alertsOf(long incidentId) {
    try (Connection c = ds.getConnection()) {
      return new Tx(c).alertsOf(incidentId);
    } catch (SQLException e) {
      throw new StoreException("reading the alerts of incident " + incidentId + " failed", e);
    }
  }

  @Override
  public Optional<Long> incidentOf(String service, String fingerprint) {
    try (Connection c = ds.getConnection()) {
      return new Tx(c).alert(service, fingerprint).map(AlertRow::incidentId);
    } catch (SQLException e) {
      throw new StoreException("reading alert " + fingerprint + " failed", e);
    }
  }

  @Override
  public List<IncidentTimer> timers(long incidentId) {
    try (Connection c = ds.getConnection()) {
      return new Tx(c).timers("SELECT incident_id, kind, due_at FROM incident_timers"
          + " WHERE incident_id = ? ORDER BY due_at", incidentId);
    } catch (SQLException e) {
      throw new StoreException("reading the timers of incident " + incidentId + " failed", e);
    }
  }

  @Override
  public Optional<EscalationState> escalation(long incidentId) {
    try (Connection c = ds.getConnection()) {
      return new Tx(c).escalation(incidentId);
    } catch (SQLException e) {
      throw new StoreException("reading the escalation of incident " + incidentId + " failed", e);
    }
  }

  @Override
  public List<Page> pages(long incidentId) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id, incident_id, level, user_id, at,"
            + " reason FROM incident_pages WHERE incident_id = ? ORDER BY id")) {
      ps.setLong(1, incidentId);
      List<Page> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Page(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4),
              Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading the pages of incident " + incidentId + " failed", e);
    }
  }

  @Override
  public Optional<Instant> nextTimerDue() {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT MIN(due_at) FROM incident_timers"
            + " WHERE kind IN " + KNOWN_KINDS);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return Optional.ofNullable(instant(rs, 1));
    } catch (SQLException e) {
      throw new StoreException("reading the next timer failed", e);
    }
  }

  @Override
  public List<AlertRow> alertRows(String service, List<String> fingerprints) {
    try (Connection c = ds.getConnection()) {
      return new Tx(c).alerts(service, fingerprints);
    } catch (SQLException e) {
      throw new StoreException("reading alerts of " + service + " failed", e);
    }
  }

  @Override
  public Map<String, Long> incidentsOf(String service, Collection<String> fingerprints) {
    Map<String, Long> out = new HashMap<>();
    for (AlertRow a : alertRows(service, List.copyOf(fingerprints))) {
      if (a.incidentId() != null) {
        out.put(a.fingerprint(), a.incidentId());
      }
    }
    return out;
  }

  @Override
  public long lastTimelineId() {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT COALESCE(MAX(id), 0) FROM incident_timeline");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("reading the newest timeline entry failed", e);
    }
  }

  @Override
  public Changes changesSince(long afterTimelineId, int limit) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT t.id, t.incident_id, i.service"
            + " FROM incident_timeline t JOIN incidents i ON i.id = t.incident_id"
            + " WHERE t.id > ? ORDER BY t.id LIMIT ?")) {
      ps.setLong(1, afterTimelineId);
      ps.setInt(2, limit);
      long last = afterTimelineId;
      Map<Long, String> out = new java.util.LinkedHashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          last = rs.getLong(1);
          out.put(rs.getLong(2), rs.getString(3));
        }
      }
      return new Changes(last, out);
    } catch (SQLException e) {
      throw new StoreException("reading timeline entries after " + afterTimelineId + " failed",
          e);
    }
  }

  @Override
  public List<TimelineEntry> timeline(long incidentId) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id, incident_id, at, actor, kind,"
            + " message FROM incident_timeline WHERE incident_id = ? ORDER BY id")) {
      ps.setLong(1, incidentId);
      List<TimelineEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TimelineEntry(rs.getLong(1), rs.getLong(2),
              Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getString(5),
              rs.getString(6)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading the timeline of incident " + incidentId + " failed", e);
    }
  }

  /**
   * One transaction's view; every method runs on the transaction's connection. In a transaction
   * the prepared statements of the frequent SQL are kept and reused ({@code reuse}): reconciling
   * a batch runs the same few statements thousands of times, and preparing (parsing and planning)
   * them each time was half of SQLite's time. {@link #close} releases them.
   */
  private final class Tx implements IncidentTx, AutoCloseable {
    /** A notification due at once was queued in this transaction. */
    boolean queuedDue;
    private final Connection c;
    private final boolean reuse;
    private final Map<String, PreparedStatement> kept = new java.util.HashMap<>();

    Tx(Connection c) {
      this(c, false);
    }

    Tx(Connection c, boolean reuse) {
      this.c = c;
      this.reuse = reuse;
    }

    /** A statement for {@code sql}; closing the handle closes it unless it is kept. */
    Stmt prep(String sql) throws SQLException {
      if (!reuse) {
        return new Stmt(c.prepareStatement(sql), true);
      }
      PreparedStatement ps = kept.get(sql);
      if (ps == null) {
        ps = c.prepareStatement(sql);
        kept.put(sql, ps);
      }
      return new Stmt(ps, false);
    }

    @Override
    public void close() {
      for (PreparedStatement ps : kept.values()) {
        try {
          ps.close();
        } catch (SQLException e) {
          // closing: nothing left to do with it
        }
      }
      kept.clear();
    }

    @Override
    public Optional<AlertRow> alert(String service, String fingerprint) {
      List<AlertRow> rows = alerts("SELECT " + ALERT_COLUMNS
          + " FROM alerts WHERE service = ? AND fingerprint = ?", service, fingerprint);
      return rows.stream().findFirst();
    }

    @Override
    public List<AlertRow> alerts(String service, List<String> fingerprints) {
      List<AlertRow> out = new ArrayList<>(fingerprints.size());
      for (int from = 0; from < fingerprints.size(); from += IN_CHUNK) {
        List<String> chunk =
            fingerprints.subList(from, Math.min(fingerprints.size(), from + IN_CHUNK));
        Object[] args = new Object[chunk.size() + 1];
        args[0] = service;
        for (int i = 0; i < chunk.size(); i++) {
          args[i + 1] = chunk.get(i);
        }
        out.addAll(alerts("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE service = ?"
            + " AND fingerprint IN (" + "?,".repeat(chunk.size() - 1) + "?)", args));
      }
      return out;
    }

    @Override
    public List<AlertRow> alertsOf(long incidentId) {
      return alerts("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE incident_id = ? ORDER BY id",
          incidentId);
    }

    @Override
    public void markNoted(long alertId, String status) {
      update("UPDATE alerts SET noted_status = ? WHERE id = ?", status, alertId);
    }

    @Override
    public void attach(long alertId, long incidentId, String status, Instant at) {
      // The engine attaches an alert only to an incident it is not yet part of, so a counter is
      // exact (and a COUNT here would make joining N alerts cost N^2).
      update("UPDATE alerts SET incident_id = ?, noted_status = ? WHERE id = ?", incidentId,
          status, alertId);
      update("UPDATE incidents SET alert_count = alert_count + 1, updated_at = ? WHERE id = ?",
          at.toEpochMilli(), incidentId);
    }

    @Override
    public void moveAlerts(long from, long to) {
      update("UPDATE alerts SET incident_id = ? WHERE incident_id = ?", to, from);
      for (long id : new long[] {from, to}) {
        update("UPDATE incidents SET alert_count = (SELECT COUNT(*) FROM alerts"
            + " WHERE incident_id = ?) WHERE id = ?", id, id);
      }
    }

    @Override
    public Optional<Incident> incident(long id) {
      return one("SELECT " + INCIDENT_COLUMNS + " FROM incidents WHERE id = ?" + lock, id);
    }

    @Override
    public Optional<Incident> openIncident(String service, String groupKey, Instant since) {
      return one("SELECT " + INCIDENT_COLUMNS + " FROM incidents WHERE service = ?"
          + " AND group_key = ? AND state <> 'resolved' AND opened_at >= ?"
          + " ORDER BY id DESC LIMIT 1" + lock, service, groupKey, since.toEpochMilli());
    }

    @Override
    public long insertIncident(String service, String title, Severity severity, String urgency,
        String groupKey, Instant at) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO incidents (service, state,"
              + " title, severity, urgency, group_key, opened_at, alert_count, updated_at)"
              + " VALUES (?, 'triggered', ?, ?, ?, ?, ?, 0, ?)",
          Statement.RETURN_GENERATED_KEYS)) {
        Sql.bind(ps, service, title.length() > 1024 ? title.substring(0, 1024) : title,
            severity == null ? null : severity.wire(), urgency, groupKey, at.toEpochMilli(),
            at.toEpochMilli());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return keys.getLong(1);
        }
      } catch (SQLException e) {
        throw new StoreException("creating an incident failed", e);
      }
    }

    @Override
    public void update(Incident i) {
      update("UPDATE incidents SET state = ?, severity = ?, acknowledged_at = ?,"
              + " acknowledged_by = ?, resolved_at = ?, resolved_by = ?, snoozed_until = ?,"
              + " assignee = ?, priority = ?, urgency = ?, merged_into = ?, updated_at = ?"
              + " WHERE id = ?",
          i.state().wire(), i.severity() == null ? null : i.severity().wire(),
          millis(i.acknowledgedAt()), i.acknowledgedBy(), millis(i.resolvedAt()), i.resolvedBy(),
          millis(i.snoozedUntil()), i.assignee(), i.priority(), i.urgency(), i.mergedInto(),
          i.updatedAt().toEpochMilli(), i.id());
    }

    @Override
    public int firingAlerts(long incidentId) {
      try (Stmt st = prep("SELECT COUNT(*) FROM alerts"
          + " WHERE incident_id = ? AND status = 'firing'")) {
        PreparedStatement ps = st.ps();
        ps.setLong(1, incidentId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      } catch (SQLException e) {
        throw new StoreException("counting firing alerts failed", e);
      }
    }

    @Override
    public void addTimeline(long incidentId, Instant at, String actor, String kind,
        String message) {
      update("INSERT INTO incident_timeline (incident_id, at, actor, kind, message)"
          + " VALUES (?, ?, ?, ?, ?)", incidentId, at.toEpochMilli(), actor, kind, message);
    }

    @Override
    public void scheduleTimer(long incidentId, IncidentTimer.Kind kind, Instant dueAt,
        Instant now) {
      update("INSERT INTO incident_timers (incident_id, kind, due_at, set_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (incident_id, kind) DO UPDATE SET due_at = excluded.due_at,"
          + " set_at = excluded.set_at", incidentId, kind.wire(), dueAt.toEpochMilli(),
          now.toEpochMilli());
    }

    @Override
    public boolean timerPending(long incidentId, IncidentTimer.Kind kind) {
      return !timers("SELECT incident_id, kind, due_at FROM incident_timers"
          + " WHERE incident_id = ? AND kind = ?", incidentId, kind.wire()).isEmpty();
    }

    @Override
    public void cancelTimers(long incidentId, IncidentTimer.Kind... kinds) {
      if (kinds.length == 0) {
        update("DELETE FROM incident_timers WHERE incident_id = ?", incidentId);
        return;
      }
      for (IncidentTimer.Kind k : kinds) {
        update("DELETE FROM incident_timers WHERE incident_id = ? AND kind = ?", incidentId,
            k.wire());
      }
    }

    @Override
    public List<IncidentTimer> claimDueTimers(Instant now, int limit) {
      String skipLocked = db.dialect() == Dialect.POSTGRES ? " FOR UPDATE SKIP LOCKED" : "";
      List<IncidentTimer> due = timers("SELECT incident_id, kind, due_at FROM incident_timers"
          + " WHERE due_at <= ? AND kind IN " + KNOWN_KINDS + " ORDER BY due_at LIMIT ?"
          + skipLocked, now.toEpochMilli(),
          (long) limit);
      return due;
    }

    @Override
    public Optional<Incident> incidentIfFree(long id) {
      // SKIP LOCKED: never wait for an incident row while holding timer rows, because a
      // responder's transaction takes the incident row first and the timer rows after it.
      String skip = db.dialect() == Dialect.POSTGRES ? " FOR UPDATE SKIP LOCKED" : "";
      return one("SELECT " + INCIDENT_COLUMNS + " FROM incidents WHERE id = ?" + skip, id);
    }

    @Override
    public int countResolution(long alertId, Instant now, java.time.Duration window) {
      long cutoff = now.minus(window).toEpochMilli();
      update("UPDATE alerts SET flap_count = CASE WHEN flap_since IS NULL OR flap_since < ?"
          + " THEN 1 ELSE flap_count + 1 END, flap_since = CASE WHEN flap_since IS NULL"
          + " OR flap_since < ? THEN ? ELSE flap_since END WHERE id = ?", cutoff, cutoff,
          now.toEpochMilli(), alertId);
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT flap_count FROM alerts WHERE id = ?")) {
        ps.setLong(1, alertId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getInt(1) : 0;
        }
      } catch (SQLException e) {
        throw new StoreException("counting alert resolutions failed", e);
      }
    }

    @Override
    public Optional<EscalationState> escalation(long incidentId) {
      try (PreparedStatement ps = c.prepareStatement("SELECT policy_id, level, round, fired_at,"
          + " exhausted FROM incident_escalations WHERE incident_id = ?")) {
        ps.setLong(1, incidentId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new EscalationState(incidentId, rs.getString(1),
              rs.getInt(2), rs.getInt(3), Instant.ofEpochMilli(rs.getLong(4)),
              rs.getInt(5) != 0)) : Optional.empty();
        }
      } catch (SQLException e) {
        throw new StoreException("reading an escalation failed", e);
      }
    }

    @Override
    public void saveEscalation(EscalationState e) {
      update("INSERT INTO incident_escalations (incident_id, policy_id, level, round, fired_at,"
              + " exhausted) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET"
              + " policy_id = excluded.policy_id, level = excluded.level, round = excluded.round,"
              + " fired_at = excluded.fired_at, exhausted = excluded.exhausted",
          e.incidentId(), e.policyId(), e.level(), e.round(), e.firedAt().toEpochMilli(),
          e.exhausted() ? 1 : 0);
    }

    @Override
    public long nextRoundRobin(String policyId, int level) {
      update("INSERT INTO escalation_round_robin (policy_id, level, next_turn) VALUES (?, ?, 0)"
          + " ON CONFLICT (policy_id, level) DO UPDATE SET next_turn ="
          + " escalation_round_robin.next_turn + 1", policyId, level);
      try (PreparedStatement ps = c.prepareStatement("SELECT next_turn FROM"
          + " escalation_round_robin WHERE policy_id = ? AND level = ?")) {
        Sql.bind(ps, policyId, level);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      } catch (SQLException e) {
        throw new StoreException("reading a round-robin turn failed", e);
      }
    }

    @Override
    public long addPage(long incidentId, int level, String userId, Instant at, String reason) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident_pages (incident_id,"
          + " level, user_id, at, reason) VALUES (?, ?, ?, ?, ?)",
          Statement.RETURN_GENERATED_KEYS)) {
        Sql.bind(ps, incidentId, level, userId, at.toEpochMilli(), reason);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return keys.getLong(1);
        }
      } catch (SQLException e) {
        throw new StoreException("recording a page failed", e);
      }
    }

    @Override
    public void addNotification(long incidentId, long pageId, String userId, int methodIndex,
        String channel, String kind, String key, String state, Instant dueAt, Instant now) {
      // ON CONFLICT DO NOTHING: the key is unique, and a page is written once, so a conflict
      // can only be a replayed insert (or a digest queued already); the first row wins.
      update("INSERT INTO notifications (idempotency_key, incident_id, page_id, user_id, channel,"
          + " method_index, kind, state, attempts, next_attempt_at, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
          + " ON CONFLICT (idempotency_key) DO NOTHING",
          key, incidentId, pageId, userId, channel, methodIndex, kind, state,
          dueAt.toEpochMilli(), now.toEpochMilli(), now.toEpochMilli());
      if (state.equals("pending") && !dueAt.isAfter(now)) {
        queuedDue = true;
      }
    }

    @Override
    public int pagesSince(String userId, Instant since) {
      return (int) count("SELECT COUNT(*) FROM incident_pages WHERE user_id = ? AND at >= ?",
          userId, since.toEpochMilli());
    }

    @Override
    public boolean digestPending(String userId, int methodIndex) {
      return count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND state = 'pending'"
          + " AND kind = 'digest' AND method_index = ?", userId, methodIndex) > 0;
    }

    List<IncidentTimer> timers(String sql, Object... args) {
      try (Stmt st = prep(sql)) {
        PreparedStatement ps = st.ps();
        Sql.bind(ps, args);
        List<IncidentTimer> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            // A kind this version does not know (written by a newer node) is left alone.
            IncidentTimer.Kind.parse(rs.getString(2)).ifPresent(k -> {
              try {
                out.add(new IncidentTimer(rs.getLong(1), k, Instant.ofEpochMilli(rs.getLong(3))));
              } catch (SQLException e) {
                throw new StoreException("reading timers failed", e);
              }
            });
          }
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("reading timers failed", e);
      }
    }

    Optional<Incident> one(String sql, Object... args) {
      try (Stmt st = prep(sql)) {
        PreparedStatement ps = st.ps();
        Sql.bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(readIncident(rs)) : Optional.empty();
        }
      } catch (SQLException e) {
        throw new StoreException("reading incidents failed", e);
      }
    }

    private List<AlertRow> alerts(String sql, Object... args) {
      try (Stmt st = prep(sql)) {
        PreparedStatement ps = st.ps();
        Sql.bind(ps, args);
        List<AlertRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String sev = rs.getString(5);
            String labels = rs.getString(7);
            long incident = rs.getLong(8);
            boolean noIncident = rs.wasNull();
            out.add(new AlertRow(rs.getLong(1), rs.getString(2), rs.getString(3),
                "firing".equals(rs.getString(4)),
                sev == null ? null : Severity.parse(sev).orElse(null), rs.getString(6),
                labels == null ? Map.of() : mapper.readValue(labels, LABELS),
                noIncident ? null : incident, rs.getString(9)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("reading alerts failed", e);
      } catch (JsonProcessingException e) {
        throw new StoreException("stored alert labels are not valid JSON", e);
      }
    }

    private long count(String sql, Object... args) {
      try (Stmt st = prep(sql)) {
        PreparedStatement ps = st.ps();
        Sql.bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      } catch (SQLException e) {
        throw new StoreException("counting failed", e);
      }
    }

    private void update(String sql, Object... args) {
      try (Stmt st = prep(sql)) {
        PreparedStatement ps = st.ps();
        Sql.bind(ps, args);
        ps.executeUpdate();
      } catch (SQLException e) {
        throw new StoreException("writing incidents failed", e);
      }
    }
  }

  /** A statement handle: closes the statement unless the transaction keeps it for reuse. */
  private record Stmt(PreparedStatement ps, boolean owned) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      if (owned) {
        ps.close();
      }
    }
  }

  private static Incident readIncident(ResultSet rs) throws SQLException {
    String sev = rs.getString(5);
    return new Incident(rs.getLong(1), rs.getString(2), IncidentState.parse(rs.getString(3)),
        rs.getString(4), sev == null ? null : Severity.parse(sev).orElse(null), rs.getString(6),
        Instant.ofEpochMilli(rs.getLong(7)), instant(rs, 8), rs.getString(9), instant(rs, 10),
        rs.getString(11), instant(rs, 12), rs.getString(13), rs.getString(14), rs.getString(15),
        nullableLong(rs, 16), rs.getInt(17), Instant.ofEpochMilli(rs.getLong(18)));
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Long nullableLong(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }
}
