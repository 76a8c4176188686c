package dev.watchkeeper.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.event.AppendResult;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.EventQuery;
import dev.watchkeeper.event.EventStore;
import dev.watchkeeper.event.IngestBatch;
import dev.watchkeeper.event.RequestStatus;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/** {@link EventStore} on SQLite or PostgreSQL through plain JDBC. */
public final class JdbcEventStore implements EventStore {
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final String INSERT_EVENT =
      "INSERT INTO events (service, event_id, request_id, source, type, time, received_at,"
          + " severity, dedup_key, summary, labels, payload)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (service, event_id) DO NOTHING";
  /**
   * first_seq/last_seq bound the seqs of the request's stored events: those of the commit it was
   * in (null when it stored none). Finding a request's events by them, rather than by an index
   * on events.request_id, saves one index entry per event: 16% of ingest at 100 alerts per
   * request (bench/RESULTS.md).
   */
  private static final String INSERT_REQUEST =
      "INSERT INTO ingest_requests (id, service, key_name, trace_id, received_at, event_count,"
          + " duplicates, first_seq, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String EVENT_COLUMNS =
      "seq, service, event_id, request_id, source, type, time, received_at, severity, dedup_key,"
          + " summary, labels, payload";
  /**
   * PostgreSQL: appends take this transaction-scoped advisory lock so that event positions (seq)
   * become visible in order; otherwise a reader could see seq 101 committed before seq 100 and the
   * processor would skip 100. SQLite serialises writers by itself.
   */
  private static final long APPEND_LOCK = 0x5741544348L;

  private final Database db;
  private final DataSource ds;
  private final java.util.concurrent.locks.Lock writeLock;
  private final Dialect dialect;
  private final ObjectMapper mapper;
  private final Watermark watermark;

  public JdbcEventStore(Database db, ObjectMapper mapper) {
    this.db = db;
    this.ds = db.dataSource();
    this.writeLock = db.writeLock();
    this.dialect = db.dialect();
    this.mapper = mapper;
    this.watermark = db.walSync() == null ? null : new Watermark();
  }

  /**
   * The highest event seq known to be on disk, where appends can be pipelined (SQLite with a
   * WAL syncer): the processor reads no further, so it never acts on an event whose request has
   * not been answered (a crash before the sync would drop the event, not what was made of it).
   * Seqs are AUTOINCREMENT: a later commit's events always come after an earlier one's.
   */
  private final class Watermark {
    private long durableSeq = -1; // guarded by this; -1 until read from the database

    /**
     * Under the write lock, before an append's first insert: reads the mark from the database
     * the first time (every commit before it was synchronous, so all of it is durable).
     */
    void init(Connection c) throws SQLException {
      synchronized (this) {
        if (durableSeq >= 0) {
          return;
        }
      }
      long max = maxSeq(c);
      synchronized (this) {
        durableSeq = Math.max(durableSeq, max);
      }
    }

    /**
     * After a synchronous (FULL) commit: everything up to last is durable, earlier pipelined
     * commits too (an fsync of the WAL writes all of it).
     */
    synchronized void durable(long last) {
      durableSeq = Math.max(durableSeq, last);
    }

    /** After a pipelined commit: out completes (and the mark moves) once it is synced. */
    void pending(long last, CompletableFuture<Void> synced, List<AppendResult> results,
        CompletableFuture<List<AppendResult>> out) {
      synced.whenComplete((v, err) -> {
        if (err != null) {
          out.completeExceptionally(err);
        } else {
          durable(last);
          out.complete(results);
        }
      });
    }

    /** The processor's limit; read from the database (under the write lock) before any append. */
    long durableSeq() {
      synchronized (this) {
        if (durableSeq >= 0) {
          return durableSeq;
        }
      }
      writeLock.lock();
      try (Connection c = ds.getConnection()) {
        synchronized (this) {
          if (durableSeq >= 0) {
            return durableSeq;
          }
        }
        // No append has run (each sets the mark under the write lock before its commit), so
        // every stored event is durable.
        init(c);
        synchronized (this) {
          return durableSeq;
        }
      } catch (SQLException e) {
        throw new StoreException("reading the last event position failed", e);
      } finally {
        writeLock.unlock();
      }
    }
  }

  @Override
  public List<AppendResult> append(List<IngestBatch> batches) {
    return appendIn(batches, null);
  }

  @Override
  public CompletableFuture<List<AppendResult>> appendPipelined(List<IngestBatch> batches) {
    WalSync sync = db.walSync();
    if (sync == null) {
      return CompletableFuture.completedFuture(append(batches));
    }
    CompletableFuture<List<AppendResult>> out = new CompletableFuture<>();
    appendIn(batches, out);
    return out;
  }

  /**
   * One append transaction. {@code pipelined} null: committed at synchronous=FULL (durable on
   * return). Otherwise committed at NORMAL and completed by the WAL syncer.
   */
  private List<AppendResult> appendIn(List<IngestBatch> batches,
      CompletableFuture<List<AppendResult>> pipelined) {
    writeLock.lock();
    try {
      try (Connection c = db.writeConnection()) {
        // Accepted means durable: FULL even if a derived-state write left this connection
        // otherwise, or NORMAL and an fdatasync of the WAL before the future completes.
        db.synchronousFull(c, pipelined == null);
        c.setAutoCommit(false);
        try {
          if (dialect == Dialect.POSTGRES) {
            try (Statement s = c.createStatement()) {
              s.execute("SELECT pg_advisory_xact_lock(" + APPEND_LOCK + ")");
            }
          }
          if (watermark != null) {
            watermark.init(c);
          }
          // Appends are serialised (write lock, or the advisory lock), so this commit's events
          // are exactly those with a seq above this.
          long before = maxSeq(c);
          int[] counts;
          try (PreparedStatement ps = c.prepareStatement(INSERT_EVENT)) {
            for (IngestBatch b : batches) {
              long received = b.receivedAt().toEpochMilli();
              List<String> labels = b.labelsJson();
              for (int i = 0; i < b.events().size(); i++) {
                Event e = b.events().get(i);
                ps.setString(1, b.service());
                ps.setString(2, e.id());
                ps.setString(3, b.requestId());
                ps.setString(4, e.source());
                ps.setString(5, e.type());
                ps.setLong(6, e.time().toEpochMilli());
                ps.setLong(7, received);
                setNullable(ps, 8, e.severity() == null ? null : e.severity().wire());
                setNullable(ps, 9, e.dedupKey());
                setNullable(ps, 10, e.summary());
                setNullable(ps, 11, labels.get(i));
                setNullable(ps, 12, e.payloadJson());
                ps.addBatch();
              }
            }
            counts = ps.executeBatch();
          }
          long last = maxSeq(c);
          List<AppendResult> results = new ArrayList<>(batches.size());
          int k = 0;
          try (PreparedStatement ps = c.prepareStatement(INSERT_REQUEST)) {
            for (IngestBatch b : batches) {
              List<String> ids = new ArrayList<>(b.events().size());
              List<Boolean> dup = new ArrayList<>(b.events().size());
              int dups = 0;
              for (Event e : b.events()) {
                boolean d = counts[k++] == 0;
                ids.add(e.id());
                dup.add(d);
                if (d) {
                  dups++;
                }
              }
              ps.setString(1, b.requestId());
              ps.setString(2, b.service());
              ps.setString(3, b.keyName());
              setNullable(ps, 4, b.traceId());
              ps.setLong(5, b.receivedAt().toEpochMilli());
              ps.setInt(6, b.events().size());
              ps.setInt(7, dups);
              boolean stored = dups < b.events().size() && last > before;
              setNullable(ps, 8, stored ? before + 1 : null);
              setNullable(ps, 9, stored ? last : null);
              ps.addBatch();
              results.add(new AppendResult(b.requestId(), ids, dup));
            }
            ps.executeBatch();
          }
          c.commit();
          if (watermark != null) {
            if (pipelined == null) {
              watermark.durable(last);
            } else {
              watermark.pending(last, db.walSync().afterCommits(), results, pipelined);
            }
          }
          return results;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c);
          throw e;
        } finally {
          c.setAutoCommit(true);
          if (pipelined != null) {
            db.synchronousFull(c, true); // handed back as taken (Database.writeConnection)
          }
        }
      } catch (SQLException e) {
        throw new StoreException("appending events failed", e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Optional<RequestStatus> request(String requestId) {
    String sql = "SELECT r.service, r.key_name, r.trace_id, r.received_at, r.event_count,"
        + " r.duplicates, r.last_seq,"
        + " (SELECT position FROM log_positions WHERE consumer = 'processor')"
        + " FROM ingest_requests r WHERE r.id = ?";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long maxSeq = rs.getLong(7);
        boolean none = rs.wasNull();
        long position = rs.getLong(8);
        return Optional.of(new RequestStatus(requestId, rs.getString(1), rs.getString(2),
            rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5), rs.getInt(6),
            none || maxSeq <= position));
      }
    } catch (SQLException e) {
      throw new StoreException("reading request " + requestId + " failed", e);
    }
  }

  @Override
  public List<StoredEvent> find(EventQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + EVENT_COLUMNS + " FROM events WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (q.service() != null) {
      sql.append(" AND service = ?");
      args.add(q.service());
    }
    if (!Sql.in(sql, args, "service", q.visibleServices())) {
      return List.of();
    }
    if (q.source() != null) {
      sql.append(" AND source = ?");
      args.add(q.source());
    }
    if (q.type() != null) {
      sql.append(" AND type = ?");
      args.add(q.type());
    }
    if (q.severity() != null) {
      sql.append(" AND severity = ?");
      args.add(q.severity().wire());
    }
    if (q.since() != null) {
      sql.append(" AND time >= ?");
      args.add(q.since().toEpochMilli());
    }
    if (q.until() != null) {
      sql.append(" AND time < ?");
      args.add(q.until().toEpochMilli());
    }
    if (q.beforeSeq() != null) {
      sql.append(" AND seq < ?");
      args.add(q.beforeSeq());
    }
    sql.append(" ORDER BY seq DESC LIMIT ?");
    args.add(q.limit());
    return query(sql.toString(), args);
  }

  @Override
  public List<StoredEvent> ofRequest(String requestId, int limit) {
    // A range of the primary key (one commit's events), then the request's among them.
    return query("SELECT " + EVENT_COLUMNS + " FROM events WHERE seq BETWEEN"
        + " (SELECT first_seq FROM ingest_requests WHERE id = ?)"
        + " AND (SELECT last_seq FROM ingest_requests WHERE id = ?)"
        + " AND request_id = ? ORDER BY seq LIMIT ?",
        List.of(requestId, requestId, requestId, limit));
  }

  @Override
  public List<StoredEvent> after(long afterSeq, int limit) {
    if (watermark == null) {
      return query("SELECT " + EVENT_COLUMNS + " FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
          List.of(afterSeq, limit));
    }
    return query("SELECT " + EVENT_COLUMNS + " FROM events WHERE seq > ? AND seq <= ?"
        + " ORDER BY seq LIMIT ?", List.of(afterSeq, watermark.durableSeq(), limit));
  }

  @Override
  public long processedPosition() {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT position FROM log_positions WHERE consumer = 'processor'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("reading the processor position failed", e);
    }
  }

  @Override
  public void markProcessed(long seq) {
    writeLock.lock();
    try (Connection c = db.writeConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE log_positions SET position = ?"
            + " WHERE consumer = 'processor' AND position < ?")) {
      db.synchronousFull(c, false); // derived: a lost position only replays (idempotent)
      try {
        ps.setLong(1, seq);
        ps.setLong(2, seq);
        ps.executeUpdate();
      } finally {
        db.synchronousFull(c, true);
      }
    } catch (SQLException e) {
      throw new StoreException("recording the processor position failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public boolean ping() {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private List<StoredEvent> query(String sql, List<Object> args) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        Object a = args.get(i);
        if (a instanceof Long l) {
          ps.setLong(i + 1, l);
        } else if (a instanceof Integer n) {
          ps.setInt(i + 1, n);
        } else {
          ps.setString(i + 1, (String) a);
        }
      }
      List<StoredEvent> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading events failed", e);
    }
  }

  private StoredEvent read(ResultSet rs) throws SQLException {
    String labels = rs.getString(12);
    Map<String, String> labelMap;
    try {
      labelMap = labels == null ? Map.of() : mapper.readValue(labels, LABELS);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored labels are not valid JSON", e);
    }
    String sev = rs.getString(9);
    Event e = new Event(rs.getString(3), rs.getString(5), rs.getString(6),
        Instant.ofEpochMilli(rs.getLong(7)), sev == null ? null : Severity.parse(sev).orElse(null),
        rs.getString(10), rs.getString(11), labelMap, rs.getString(13));
    return new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(8)), e);
  }

  private static void setNullable(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  /** The highest seq in the events table (0 when empty), as this connection sees it. */
  private static long maxSeq(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, v);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the original failure is what matters; the connection is discarded by the pool if broken
    }
  }
}
