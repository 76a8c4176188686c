package dev.watchkeeper.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.check.Check;
import dev.watchkeeper.check.CheckSpec;
import dev.watchkeeper.check.CheckStatus;
import dev.watchkeeper.check.CheckStore;
import dev.watchkeeper.check.Flip;
import dev.watchkeeper.check.LoggedPing;
import dev.watchkeeper.check.Ping;
import dev.watchkeeper.check.PingKind;
import dev.watchkeeper.check.Schedule;
import dev.watchkeeper.event.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * {@link CheckStore} over the {@code checks}, {@code check_pings} and {@code check_flips} tables
 * on SQLite or PostgreSQL. Writes take the database's write lock (SQLite's one writer; a no-op on
 * PostgreSQL, where the rows a transaction changes are locked {@code FOR UPDATE}, and the deadline
 * poller skips rows another node holds).
 */
public final class JdbcCheckStore implements CheckStore {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final String COLUMNS = "id, service, slug, name, origin, kind, period_ms, cron,"
      + " time_zone, grace_ms, parent, success_keywords, failure_keywords, severity, badge_key,"
      + " status, last_ping_at, started_at, due_at, last_duration_ms, pings, created_at,"
      + " updated_at";
  private static final String PING_COLUMNS = "check_id, at, kind, exit_code, transport, method,"
      + " remote_addr, user_agent, rid, duration_ms, body, body_truncated";
  private static final String FLIP_COLUMNS = "id, check_id, service, check_name, at, old_status,"
      + " new_status, reason, severity, suppressed_by";
  private static final int IN_CHUNK = 500;

  private final Database db;
  private final DataSource ds;
  private final Lock writeLock;
  private final ObjectMapper mapper;
  private final String forUpdate;
  private final String skipLocked;
  private final boolean pg;

  public JdbcCheckStore(Database db, ObjectMapper mapper) {
    this.db = db;
    this.ds = db.dataSource();
    this.writeLock = db.writeLock();
    this.mapper = mapper;
    this.pg = db.dialect() == Dialect.POSTGRES;
    this.forUpdate = pg ? " FOR UPDATE" : "";
    this.skipLocked = pg ? " FOR UPDATE SKIP LOCKED" : "";
  }

  @Override
  public boolean soleWriter() {
    return !pg; // SQLite: one server per database file; the CLI's commands write no checks
  }

  @Override
  public <T> T inTransaction(Function<Tx, T> body) {
    return transaction(body, true, false);
  }

  @Override
  public <T> T inBackgroundTransaction(Function<Tx, T> body) {
    return transaction(body, false, false);
  }

  @Override
  public <T> CompletableFuture<T> inPipelinedTransaction(Function<Tx, T> body) {
    WalSync sync = db.walSync();
    if (sync == null) {
      return CompletableFuture.completedFuture(inTransaction(body));
    }
    T result = transaction(body, true, true);
    return sync.afterCommits().thenApply(v -> result);
  }

  /**
   * @param durable whether the commit must be durable
   * @param pipelined (durable only) committed at synchronous=NORMAL: the caller waits for the
   *     WAL syncer instead
   */
  private <T> T transaction(Function<Tx, T> body, boolean durable, boolean pipelined) {
    writeLock.lock();
    try (Connection c = db.writeConnection()) {
      boolean full = durable && !pipelined;
      db.synchronousFull(c, full);
      c.setAutoCommit(false);
      try {
        if (pg && !durable) {
          try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronous_commit TO OFF");
          }
        }
        JdbcTx tx = new JdbcTx(c);
        T result;
        try {
          result = body.apply(tx);
        } finally {
          tx.closeStatements();
        }
        c.commit();
        return result;
      } catch (RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
        if (!full) {
          db.synchronousFull(c, true); // handed back as it was taken (Database.writeConnection)
        }
      }
    } catch (SQLException e) {
      throw new StoreException("check transaction failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Optional<Check> find(String id) {
    return one("SELECT " + COLUMNS + " FROM checks WHERE id = ?", id);
  }

  @Override
  public Optional<Check> findBySlug(String service, String slug) {
    return one("SELECT " + COLUMNS + " FROM checks WHERE service = ? AND slug = ?", service, slug);
  }

  @Override
  public Optional<Check> findByBadgeKey(String badgeKey) {
    return one("SELECT " + COLUMNS + " FROM checks WHERE badge_key = ?", badgeKey);
  }

  @Override
  public List<Check> list(String service, CheckStatus status, int limit,
      java.util.Set<String> visibleServices) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM checks WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (service != null) {
      sql.append(" AND service = ?");
      args.add(service);
    }
    if (!Sql.in(sql, args, "service", visibleServices)) {
      return List.of();
    }
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status.wire());
    }
    sql.append(" ORDER BY service, slug LIMIT ?");
    args.add((long) limit);
    try (Connection c = ds.getConnection()) {
      return checks(c, sql.toString(), args.toArray());
    } catch (SQLException e) {
      throw new StoreException("listing checks failed", e);
    }
  }

  @Override
  public List<Check> byOrigin(Check.Origin origin) {
    try (Connection c = ds.getConnection()) {
      return checks(c, "SELECT " + COLUMNS + " FROM checks WHERE origin = ?", origin.wire());
    } catch (SQLException e) {
      throw new StoreException("reading checks failed", e);
    }
  }

  @Override
  public List<Ping> pings(String checkId, int limit) {
    List<Ping> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        // A fold copies log rows (seq kept as id) before it deletes them: UNION drops the copy.
        PreparedStatement ps = c.prepareStatement("SELECT " + PING_COLUMNS + " FROM ("
            + "SELECT seq AS id, " + PING_COLUMNS + " FROM check_ping_log WHERE check_id = ?"
            + " UNION SELECT id, " + PING_COLUMNS + " FROM check_pings WHERE check_id = ?"
            + ") p ORDER BY id DESC LIMIT ?")) {
      Sql.bind(ps, checkId, checkId, (long) limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(ping(rs, 1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading pings failed", e);
    }
  }

  private static Ping ping(ResultSet rs, int o) throws SQLException {
    return new Ping(rs.getString(o), Instant.ofEpochMilli(rs.getLong(o + 1)),
        PingKind.parse(rs.getString(o + 2)), intOrNull(rs, o + 3), rs.getString(o + 4),
        rs.getString(o + 5), rs.getString(o + 6), rs.getString(o + 7), rs.getString(o + 8),
        rs.getString(o + 10), rs.getLong(o + 11) != 0, longOrNull(rs, o + 9));
  }

  @Override
  public List<LoggedPing> pingLog() {
    List<LoggedPing> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT seq, " + PING_COLUMNS
            + " FROM check_ping_log ORDER BY seq");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new LoggedPing(rs.getLong(1), ping(rs, 2)));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading the ping log failed", e);
    }
  }

  @Override
  public Map<String, Long> pingSeqs(Collection<String> ids) {
    Map<String, Long> out = new java.util.HashMap<>();
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
    try (Connection c = ds.getConnection()) {
      for (int i = 0; i < distinct.size(); i += IN_CHUNK) {
        List<String> chunk = distinct.subList(i, Math.min(distinct.size(), i + IN_CHUNK));
        try (PreparedStatement ps = c.prepareStatement("SELECT id, ping_seq FROM checks"
            + " WHERE id IN (" + placeholders(chunk.size()) + ")")) {
          Sql.bind(ps, chunk.toArray());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getLong(2));
            }
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading checks failed", e);
    }
  }

  @Override
  public Optional<Instant> nextDue() {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT MIN(wake_at) FROM checks");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    } catch (SQLException e) {
      throw new StoreException("reading check deadlines failed", e);
    }
  }

  @Override
  public List<Flip> unsentFlips(int limit) {
    return flipsWhere("sent = 0 ORDER BY id LIMIT ?", (long) limit);
  }

  @Override
  public List<Flip> flips(String checkId, int limit) {
    return flipsWhere("check_id = ? ORDER BY id DESC LIMIT ?", checkId, (long) limit);
  }

  private List<Flip> flipsWhere(String where, Object... args) {
    List<Flip> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + FLIP_COLUMNS
            + " FROM check_flips WHERE " + where)) {
      Sql.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Flip(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
              Instant.ofEpochMilli(rs.getLong(5)), status(rs.getString(6)),
              status(rs.getString(7)), rs.getString(8),
              Severity.parse(rs.getString(9)).orElse(Severity.ERROR), rs.getString(10)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading check flips failed", e);
    }
  }

  @Override
  public void markSent(Collection<Long> flipIds) {
    if (flipIds.isEmpty()) {
      return;
    }
    writeLock.lock();
    try (Connection c = db.writeConnection()) {
      // Derived state: losing this write re-sends flips, which the event ids dedup.
      List<Long> ids = new ArrayList<>(flipIds);
      for (int i = 0; i < ids.size(); i += IN_CHUNK) {
        List<Long> chunk = ids.subList(i, Math.min(ids.size(), i + IN_CHUNK));
        try (PreparedStatement ps = c.prepareStatement("UPDATE check_flips SET sent = 1 WHERE id IN ("
            + placeholders(chunk.size()) + ")")) {
          Sql.bind(ps, chunk.toArray());
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new StoreException("marking check flips sent failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Map<CheckStatus, Long> countByStatus() {
    Map<CheckStatus, Long> out = new EnumMap<>(CheckStatus.class);
    for (CheckStatus s : CheckStatus.values()) {
      out.put(s, 0L);
    }
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT status, COUNT(*) FROM checks GROUP BY status");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        CheckStatus.parse(rs.getString(1)).ifPresent(st -> {
          try {
            out.put(st, rs.getLong(2));
          } catch (SQLException e) {
            throw new StoreException("counting checks failed", e);
          }
        });
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("counting checks failed", e);
    }
  }

  @Override
  public void prunePings(String checkId, int keep) {
    inTransaction(tx -> {
      tx.prune(checkId, keep);
      return null;
    });
  }

  @Override
  public Map<String, String> probeDefinitions() {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT id, probe FROM checks WHERE probe IS NOT NULL ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading probe definitions failed", e);
    }
  }

  @Override
  public ProbeCounters probeCounters(String checkId) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT probe_failures, probe_successes FROM checks WHERE id = ?")) {
      Sql.bind(ps, checkId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new ProbeCounters(rs.getInt(1), rs.getInt(2))
            : new ProbeCounters(0, 0);
      }
    } catch (SQLException e) {
      throw new StoreException("reading probe counters failed", e);
    }
  }

  @Override
  public void saveProbeCounters(String checkId, ProbeCounters counters) {
    writeLock.lock();
    try (Connection c = db.writeConnection()) {
      db.synchronousFull(c, true);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE checks SET probe_failures = ?, probe_successes = ? WHERE id = ?")) {
        Sql.bind(ps, (long) counters.failures(), (long) counters.successes(), checkId);
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw new StoreException("saving probe counters failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  private Optional<Check> one(String sql, Object... args) {
    try (Connection c = ds.getConnection()) {
      List<Check> l = checks(c, sql, args);
      return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    } catch (SQLException e) {
      throw new StoreException("reading a check failed", e);
    }
  }

  private List<Check> checks(Connection c, String sql, Object... args) throws SQLException {
    List<Check> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(check(rs));
        }
      }
    }
    return out;
  }

  private Check check(ResultSet rs) throws SQLException {
    Long period = longOrNull(rs, 7);
    String cron = rs.getString(8);
    Schedule schedule = cron != null
        ? Schedule.cron(cron, ZoneId.of(rs.getString(9)))
        : new Schedule.Every(Duration.ofMillis(period == null ? 0 : period));
    CheckSpec spec = new CheckSpec(rs.getString(2), rs.getString(3), rs.getString(4),
        CheckSpec.Kind.valueOf(rs.getString(6).toUpperCase(Locale.ROOT)), schedule,
        Duration.ofMillis(rs.getLong(10)), rs.getString(11), strings(rs.getString(12)),
        strings(rs.getString(13)), Severity.parse(rs.getString(14)).orElse(Severity.ERROR));
    return new Check(rs.getString(1), Check.Origin.valueOf(rs.getString(5).toUpperCase(Locale.ROOT)),
        spec, rs.getString(15), status(rs.getString(16)), instant(rs, 17), instant(rs, 18),
        instant(rs, 19), longOrNull(rs, 20), rs.getLong(21), Instant.ofEpochMilli(rs.getLong(22)),
        Instant.ofEpochMilli(rs.getLong(23)));
  }

  private static CheckStatus status(String s) {
    return CheckStatus.parse(s).orElseThrow(
        () -> new IllegalStateException("unknown check status " + s));
  }

  private List<String> strings(String json) {
    if (json == null) {
      return List.of();
    }
    try {
      return mapper.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new StoreException("unreadable keywords", e);
    }
  }

  private String json(List<String> l) {
    if (l.isEmpty()) {
      return null;
    }
    try {
      return mapper.writeValueAsString(l);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Long longOrNull(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }

  private static Integer intOrNull(ResultSet rs, int i) throws SQLException {
    int v = rs.getInt(i);
    return rs.wasNull() ? null : v;
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  /** One transaction's operations, on its connection. */
  private final class JdbcTx implements Tx {
    private final Connection c;
    /** Statements of {@link #exec}, prepared once per transaction (a fold runs hundreds). */
    private final Map<String, PreparedStatement> prepared = new java.util.HashMap<>();

    JdbcTx(Connection c) {
      this.c = c;
    }

    void closeStatements() throws SQLException {
      for (PreparedStatement ps : prepared.values()) {
        ps.close();
      }
      prepared.clear();
    }

    @Override
    public Map<String, Check> read(Collection<String> ids) {
      return byIds(ids, "");
    }

    @Override
    public Map<String, Check> lock(Collection<String> ids) {
      return byIds(ids, forUpdate);
    }

    private Map<String, Check> byIds(Collection<String> ids, String forUpdate) {
      Map<String, Check> out = new LinkedHashMap<>();
      List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
      try {
        for (int i = 0; i < distinct.size(); i += IN_CHUNK) {
          List<String> chunk = distinct.subList(i, Math.min(distinct.size(), i + IN_CHUNK));
          // Sorted: two transactions lock rows in the same order and cannot deadlock.
          for (Check ch : checks(c, "SELECT " + COLUMNS + " FROM checks WHERE id IN ("
              + placeholders(chunk.size()) + ") ORDER BY id" + forUpdate, chunk.toArray())) {
            out.put(ch.id(), ch);
          }
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("locking checks failed", e);
      }
    }

    @Override
    public List<Check> lockDue(Instant now, int limit) {
      try {
        // wake_at may be early (a fold does not move it later): rows whose deadline is still
        // ahead get wake_at = due_at and are left out.
        List<Check> out = new ArrayList<>();
        for (Check ch : checks(c, "SELECT " + COLUMNS + " FROM checks WHERE wake_at <= ?"
            + " ORDER BY wake_at LIMIT ?" + skipLocked, now.toEpochMilli(), (long) limit)) {
          if (ch.dueAt() != null && !ch.dueAt().isAfter(now)) {
            out.add(ch);
          } else {
            rearm(ch.id());
          }
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("reading due checks failed", e);
      }
    }

    @Override
    public Optional<Check> peek(String id) {
      try {
        List<Check> l = checks(c, "SELECT " + COLUMNS + " FROM checks WHERE id = ?", id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
      } catch (SQLException e) {
        throw new StoreException("reading a check failed", e);
      }
    }

    @Override
    public Optional<Instant> startOf(String checkId, String rid) {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(at) FROM ("
          + "SELECT at FROM check_pings WHERE check_id = ? AND rid = ? AND kind = 'start'"
          + " UNION ALL SELECT at FROM check_ping_log"
          + " WHERE check_id = ? AND rid = ? AND kind = 'start') s")) {
        Sql.bind(ps, checkId, rid, checkId, rid);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return Optional.ofNullable(instant(rs, 1));
        }
      } catch (SQLException e) {
        throw new StoreException("reading a start ping failed", e);
      }
    }

    @Override
    public List<Check> children(String parentId) {
      try {
        return checks(c, "SELECT " + COLUMNS + " FROM checks WHERE parent = ?", parentId);
      } catch (SQLException e) {
        throw new StoreException("reading checks failed", e);
      }
    }

    @Override
    public void insert(Check ch) {
      CheckSpec s = ch.spec();
      exec("INSERT INTO checks (" + COLUMNS + ", wake_at) VALUES (" + placeholders(24) + ")",
          ch.id(), s.service(), s.slug(), s.name(), ch.origin().wire(), s.kind().wire(),
          period(s), cron(s), zone(s), s.grace().toMillis(), s.parent(),
          json(s.successKeywords()), json(s.failureKeywords()), s.severity().wire(),
          ch.badgeKey(), ch.status().wire(), millis(ch.lastPingAt()), millis(ch.startedAt()),
          millis(ch.dueAt()), ch.lastDurationMs(), ch.pings(), ch.createdAt().toEpochMilli(),
          ch.updatedAt().toEpochMilli(), millis(ch.dueAt()));
    }

    @Override
    public void update(Check ch) {
      CheckSpec s = ch.spec();
      exec("UPDATE checks SET service = ?, slug = ?, name = ?, origin = ?, kind = ?,"
              + " period_ms = ?, cron = ?, time_zone = ?, grace_ms = ?, parent = ?,"
              + " success_keywords = ?, failure_keywords = ?, severity = ?, status = ?,"
              + " last_ping_at = ?, started_at = ?, due_at = ?, last_duration_ms = ?, pings = ?,"
              + " updated_at = ?, wake_at = ? WHERE id = ?",
          s.service(), s.slug(), s.name(), ch.origin().wire(), s.kind().wire(), period(s),
          cron(s), zone(s), s.grace().toMillis(), s.parent(), json(s.successKeywords()),
          json(s.failureKeywords()), s.severity().wire(), ch.status().wire(),
          millis(ch.lastPingAt()), millis(ch.startedAt()), millis(ch.dueAt()),
          ch.lastDurationMs(), ch.pings(), ch.updatedAt().toEpochMilli(), millis(ch.dueAt()),
          ch.id());
    }

    @Override
    public void pinged(Check ch, long pingSeq) {
      foldState(ch, pingSeq);
    }

    @Override
    public void foldState(Check ch, long pingSeq) {
      // Names only state columns: the (service, slug), parent and badge indexes stay untouched.
      exec("UPDATE checks SET status = ?, last_ping_at = ?, started_at = ?, due_at = ?,"
              + " last_duration_ms = ?, pings = ?, updated_at = ?, ping_seq = ?"
              + " WHERE id = ? AND ping_seq <= ?",
          ch.status().wire(), millis(ch.lastPingAt()), millis(ch.startedAt()),
          millis(ch.dueAt()), ch.lastDurationMs(), ch.pings(), ch.updatedAt().toEpochMilli(),
          pingSeq, ch.id(), pingSeq);
      // wake_at only ever comes earlier here: naming it in the UPDATE above would move its
      // index entry at every fold (pings mostly move a deadline later; the poller catches up).
      if (ch.dueAt() != null) {
        exec("UPDATE checks SET wake_at = ? WHERE id = ? AND (wake_at IS NULL OR wake_at > ?)",
            ch.dueAt().toEpochMilli(), ch.id(), ch.dueAt().toEpochMilli());
      }
    }

    @Override
    public void rearm(String id) {
      exec("UPDATE checks SET wake_at = due_at WHERE id = ?", id);
    }

    @Override
    public void insertHistory(List<LoggedPing> pings) {
      if (pings.isEmpty()) {
        return;
      }
      // A check deleted since it was pinged has its pings left out: the row is looked up by the
      // statement (a separate query of the batch's ids cost the fold an eighth of its time).
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO check_pings (id, "
          + PING_COLUMNS + ") SELECT " + placeholders(13)
          + " WHERE EXISTS (SELECT 1 FROM checks WHERE id = ?) ON CONFLICT DO NOTHING")) {
        for (LoggedPing lp : pings) {
          Ping p = lp.ping();
          Sql.bind(ps, lp.seq(), p.checkId(), p.at().toEpochMilli(), p.kind().wire(),
              p.exitCode() == null ? null : (long) p.exitCode(), p.transport(), p.method(),
              p.remoteAddr(), p.userAgent(), p.rid(), p.durationMs(), p.body(),
              p.bodyTruncated() ? 1L : 0L, p.checkId());
          ps.addBatch();
        }
        ps.executeBatch();
      } catch (SQLException e) {
        throw new StoreException("copying pings into the history failed", e);
      }
    }

    @Override
    public void deleteLog(List<Long> seqs) {
      if (seqs.isEmpty()) {
        return;
      }
      // Runs of consecutive seqs (one node: all of them) go as ranges.
      List<Long> sorted = new ArrayList<>(seqs);
      java.util.Collections.sort(sorted);
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM check_ping_log WHERE seq >= ? AND seq <= ?")) {
        long from = sorted.get(0);
        long to = from;
        for (int i = 1; i <= sorted.size(); i++) {
          if (i < sorted.size() && sorted.get(i) == to + 1) {
            to = sorted.get(i);
            continue;
          }
          Sql.bind(ps, from, to);
          ps.addBatch();
          if (i < sorted.size()) {
            from = sorted.get(i);
            to = from;
          }
        }
        ps.executeBatch();
      } catch (SQLException e) {
        throw new StoreException("deleting folded pings from the log failed", e);
      }
    }

    @Override
    public void delete(String id) {
      exec("DELETE FROM check_ping_log WHERE check_id = ?", id);
      exec("DELETE FROM check_pings WHERE check_id = ?", id);
      exec("UPDATE checks SET parent = NULL WHERE parent = ?", id);
      exec("DELETE FROM checks WHERE id = ?", id);
    }

    @Override
    public List<Long> appendPings(List<Ping> pings) {
      if (pings.isEmpty()) {
        return List.of();
      }
      String sql = "INSERT INTO check_ping_log (" + PING_COLUMNS + ") VALUES ("
          + placeholders(12) + ")";
      List<Long> seqs = new ArrayList<>(pings.size());
      try (PreparedStatement ps = pg ? c.prepareStatement(sql, new String[] {"seq"})
          : c.prepareStatement(sql)) {
        for (Ping p : pings) {
          Sql.bind(ps, p.checkId(), p.at().toEpochMilli(), p.kind().wire(),
              p.exitCode() == null ? null : (long) p.exitCode(), p.transport(), p.method(),
              p.remoteAddr(), p.userAgent(), p.rid(), p.durationMs(), p.body(),
              p.bodyTruncated() ? 1L : 0L);
          ps.addBatch();
        }
        ps.executeBatch();
        if (pg) {
          try (ResultSet rs = ps.getGeneratedKeys()) {
            while (rs.next()) {
              seqs.add(rs.getLong(1));
            }
          }
        } else {
          // One writer holds SQLite's lock: the batch's rowids are consecutive.
          try (java.sql.Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            long last = rs.getLong(1);
            for (int i = pings.size() - 1; i >= 0; i--) {
              seqs.add(last - i);
            }
          }
        }
        if (seqs.size() != pings.size()) {
          throw new StoreException("the ping log returned " + seqs.size() + " seqs for "
              + pings.size() + " pings", null);
        }
        return seqs;
      } catch (SQLException e) {
        throw new StoreException("storing pings failed", e);
      }
    }

    @Override
    public void insertFlip(Flip f) {
      exec("INSERT INTO check_flips (check_id, service, check_name, at, old_status, new_status,"
              + " reason, severity, suppressed_by, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
          f.checkId(), f.service(), f.checkName(), f.at().toEpochMilli(), f.from().wire(),
          f.to().wire(), f.reason(), f.severity().wire(), f.suppressedBy());
    }

    @Override
    public void setProbe(String id, String definition) {
      exec("UPDATE checks SET probe = ? WHERE id = ?", definition, id);
    }

    @Override
    public void prune(String checkId, int keep) {
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM check_pings WHERE"
          + " check_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?")) {
        Sql.bind(ps, checkId, (long) keep);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            exec("DELETE FROM check_pings WHERE check_id = ? AND id <= ?", checkId,
                rs.getLong(1));
          }
        }
      } catch (SQLException e) {
        throw new StoreException("pruning pings failed", e);
      }
    }

    private void exec(String sql, Object... args) {
      try {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
          ps = c.prepareStatement(sql);
          prepared.put(sql, ps);
        }
        for (int i = 0; i < args.length; i++) {
          Object a = args[i];
          if (a == null) {
            ps.setNull(i + 1, Types.NULL);
          } else if (a instanceof Long l) {
            ps.setLong(i + 1, l);
          } else if (a instanceof Integer n) {
            ps.setInt(i + 1, n);
          } else {
            ps.setString(i + 1, a.toString());
          }
        }
        ps.executeUpdate();
      } catch (SQLException e) {
        throw new StoreException("check write failed", e);
      }
    }
  }

  private static Long period(CheckSpec s) {
    return s.schedule() instanceof Schedule.Every e ? e.period().toMillis() : null;
  }

  private static String cron(CheckSpec s) {
    return s.schedule() instanceof Schedule.Cron c ? c.expression() : null;
  }

  private static String zone(CheckSpec s) {
    return s.schedule() instanceof Schedule.Cron c ? c.zone().getId() : null;
  }
}
