package dev.watchkeeper.store;

import dev.watchkeeper.notify.Notification;
import dev.watchkeeper.notify.Notification.State;
import dev.watchkeeper.notify.NotificationStore;
import dev.watchkeeper.people.ContactMethod;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/**
 * {@link NotificationStore} over the {@code notifications} table on SQLite or PostgreSQL.
 * Claiming is a conditional UPDATE per candidate row ({@code ... WHERE id = ? AND <still due>}):
 * of two workers reading the same candidate, only the one whose UPDATE changes a row owns it, so
 * no {@code SKIP LOCKED} is needed and both engines behave alike. Writes take the database's
 * write lock (SQLite has one writer; the lock is a no-op on PostgreSQL).
 */
public final class JdbcNotificationStore implements NotificationStore {
  private static final String COLUMNS = "id, idempotency_key, incident_id, page_id, user_id,"
      + " channel, method_index, kind, state, attempts, next_attempt_at, claim, last_error,"
      + " created_at, updated_at, digest_id";
  /** Due: pending and due, or claimed by a worker whose lease ran out (it crashed or hung). */
  private static final String DUE = "state IN ('pending', 'sending') AND next_attempt_at <= ?";

  private final DataSource ds;
  private final Lock writeLock;
  private final Database db;

  public JdbcNotificationStore(Database db) {
    this.db = db;
    this.ds = db.dataSource();
    this.writeLock = db.writeLock();
  }

  @Override
  public List<Notification> claimDue(Instant now, Duration lease, int limit) {
    List<Notification> claimed = new ArrayList<>();
    try (Connection c = ds.getConnection()) {
      // A plain read first: idle workers poll, and must not take SQLite's write lock to find
      // nothing. The conditional UPDATE below decides who owns a candidate.
      List<Notification> candidates = read(c, "SELECT " + COLUMNS + " FROM notifications WHERE "
          + DUE + " ORDER BY next_attempt_at, id LIMIT ?", now.toEpochMilli(), (long) limit);
      if (candidates.isEmpty()) {
        return claimed;
      }
      writeLock.lock();
      try (Connection w = db.writeConnection()) {
        claimed.addAll(claim(w, candidates, now, lease));
      } finally {
        writeLock.unlock();
      }
      return claimed;
    } catch (SQLException e) {
      throw new StoreException("claiming notifications failed", e);
    }
  }

  private List<Notification> claim(Connection c, List<Notification> candidates, Instant now,
      Duration lease) throws SQLException {
    List<Notification> claimed = new ArrayList<>();
    // A claim need not reach the disk before the message is sent: lost in a power cut, the
    // row is pending again and sent again (at-least-once, same idempotency key). Sparing the
    // fsync takes milliseconds off every page's way out. Outcomes stay fully durable.
    db.synchronousFull(c, false);
    try {
      for (Notification n : candidates) {
        String claim = UUID.randomUUID().toString();
        int changed = update(c, "UPDATE notifications SET state = 'sending', claim = ?,"
                + " attempts = attempts + 1, next_attempt_at = ?, updated_at = ?"
                + " WHERE id = ? AND " + DUE, claim, now.plus(lease).toEpochMilli(),
            now.toEpochMilli(), n.id(), now.toEpochMilli());
        if (changed == 1) {
          // Read back: the candidate may be stale (another worker may have tried it since).
          claimed.addAll(read(c, "SELECT " + COLUMNS + " FROM notifications WHERE id = ?"
              + " AND claim = ?", n.id(), claim));
        }
      }
    } finally {
      db.synchronousFull(c, true);
    }
    return claimed;
  }

  @Override
  public boolean complete(Notification claimed, State state, Instant nextAttemptAt,
      String lastError, Instant now, String timelineKind, String timelineMessage) {
    writeLock.lock();
    try (Connection c = db.writeConnection()) {
      c.setAutoCommit(false);
      try {
        int changed = update(c, "UPDATE notifications SET state = ?, claim = NULL,"
                + " next_attempt_at = ?, last_error = ?, updated_at = ?"
                + " WHERE id = ? AND state = 'sending' AND claim = ?", state.wire(),
            nextAttemptAt.toEpochMilli(), lastError, now.toEpochMilli(), claimed.id(),
            claimed.claim());
        if (changed == 1) {
          timeline(c, claimed.incidentId(), now, timelineKind, timelineMessage);
        }
        c.commit();
        return changed == 1;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("recording a notification attempt failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public List<Notification> digestRows(Notification digest) {
    writeLock.lock();
    try (Connection c = db.writeConnection()) {
      update(c, "UPDATE notifications SET digest_id = ?, updated_at = ? WHERE user_id = ?"
          + " AND method_index = ? AND state = 'held' AND digest_id IS NULL", digest.id(),
          digest.updatedAt().toEpochMilli(), digest.userId(), (long) digest.methodIndex());
      return read(c, "SELECT " + COLUMNS + " FROM notifications WHERE digest_id = ?"
          + " ORDER BY id", digest.id());
    } catch (SQLException e) {
      throw new StoreException("collecting a digest failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void markDigested(long digestId, Instant now) {
    writeLock.lock();
    try (Connection c = db.writeConnection()) {
      update(c, "UPDATE notifications SET state = 'digested', updated_at = ? WHERE digest_id = ?"
          + " AND state = 'held'", now.toEpochMilli(), digestId);
    } catch (SQLException e) {
      throw new StoreException("marking a digest's rows failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public List<Notification> list(Query q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM notifications WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (q.state() != null) {
      sql.append(" AND state = ?");
      args.add(q.state().wire());
    }
    if (q.incidentId() != null) {
      sql.append(" AND incident_id = ?");
      args.add(q.incidentId());
    }
    if (q.visibleServices() != null) {
      if (q.visibleServices().isEmpty()) {
        return List.of();
      }
      StringBuilder sub = new StringBuilder(" AND incident_id IN (SELECT id FROM incidents"
          + " WHERE 1=1");
      Sql.in(sub, args, "service", q.visibleServices());
      sql.append(sub).append(')');
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add((long) q.limit());
    try (Connection c = ds.getConnection()) {
      return read(c, sql.toString(), args.toArray());
    } catch (SQLException e) {
      throw new StoreException("listing notifications failed", e);
    }
  }

  @Override
  public Optional<Notification> find(long id) {
    try (Connection c = ds.getConnection()) {
      return read(c, "SELECT " + COLUMNS + " FROM notifications WHERE id = ?", id).stream()
          .findFirst();
    } catch (SQLException e) {
      throw new StoreException("reading notification " + id + " failed", e);
    }
  }

  @Override
  public boolean retry(long id, Instant now, String actor) {
    writeLock.lock();
    try (Connection c = db.writeConnection()) {
      c.setAutoCommit(false);
      try {
        int changed = update(c, "UPDATE notifications SET state = 'pending', attempts = 0,"
            + " next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'dead'",
            now.toEpochMilli(), now.toEpochMilli(), id);
        if (changed == 1) {
          Notification n = read(c, "SELECT " + COLUMNS + " FROM notifications WHERE id = ?", id)
              .get(0);
          timeline(c, n.incidentId(), now, "notification.requeued", "notification " + id + " ("
              + n.channel().wire() + " to " + n.userId() + ") requeued by " + actor);
        }
        c.commit();
        return changed == 1;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("requeueing notification " + id + " failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  private static void timeline(Connection c, long incidentId, Instant at, String kind,
      String message) throws SQLException {
    update(c, "INSERT INTO incident_timeline (incident_id, at, actor, kind, message)"
        + " VALUES (?, ?, 'system', ?, ?)", incidentId, at.toEpochMilli(), kind, message);
  }

  private static List<Notification> read(Connection c, String sql, Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, args);
      List<Notification> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Notification(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
              rs.getString(5), ContactMethod.Type.valueOf(rs.getString(6).toUpperCase(Locale.ROOT)),
              rs.getInt(7), rs.getString(8), State.parse(rs.getString(9)).orElseThrow(),
              rs.getInt(10), Instant.ofEpochMilli(rs.getLong(11)), rs.getString(12),
              rs.getString(13), Instant.ofEpochMilli(rs.getLong(14)),
              Instant.ofEpochMilli(rs.getLong(15)), rs.getObject(16) == null ? null
                  : Long.valueOf(rs.getLong(16))));
        }
      }
      return out;
    }
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, args);
      return ps.executeUpdate();
    }
  }
}
