package dev.watchkeeper.store;

import dev.watchkeeper.event.ProcessorLease;
import dev.watchkeeper.obs.LogEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ProcessorLease} on PostgreSQL: a session advisory lock ({@code pg_try_advisory_lock}),
 * held on a connection of its own for as long as this node processes. PostgreSQL releases it when
 * that session ends: at once when the holder's process dies on a reachable host (its socket
 * closes), and, for a holder whose host vanished, once TCP keepalive gives up on the session
 * (set on the session here: 10 s idle, then 3 probes 5 s apart, so about 25 s).
 *
 * <p>Before each batch, {@link #hold()} checks that the session is still alive (one round trip).
 * Not fenced: if the session dies while a batch is in progress, another node may take over before
 * this one notices at its next batch, so one batch can overlap.
 *
 * <p>Threading: one caller (the processor thread); {@link #close()} from the shutdown thread.
 */
public final class PgProcessorLease implements ProcessorLease {
  private static final Logger log = LoggerFactory.getLogger(PgProcessorLease.class);
  /** The advisory lock key: "WKPROC". Distinct from JdbcEventStore's append lock. */
  static final long KEY = 0x574B50524F43L;

  private final DataSource ds;
  private Connection held;

  public PgProcessorLease(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public synchronized boolean hold() {
    if (held != null) {
      if (alive(held)) {
        return true;
      }
      LogEvent.PROCESSOR_LEASE_LOST.warn(log)
          .log("lost the event processor lease (database session ended); processing stops here");
      closeQuietly(held);
      held = null;
    }
    Connection c = null;
    try {
      c = ds.getConnection();
      boolean got;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ")")) {
        rs.next();
        got = rs.getBoolean(1);
      }
      if (!got) {
        closeQuietly(c);
        return false;
      }
      try (Statement s = c.createStatement()) {
        // Let the server notice a vanished holder even while the session is idle.
        s.execute("SET tcp_keepalives_idle = 10");
        s.execute("SET tcp_keepalives_interval = 5");
        s.execute("SET tcp_keepalives_count = 3");
      }
      held = c;
      LogEvent.PROCESSOR_LEASE_TAKEN.info(log)
          .log("took the event processor lease; this node processes the event log");
      return true;
    } catch (SQLException e) {
      closeQuietly(c);
      return false;
    }
  }

  private static boolean alive(Connection c) {
    try {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (held == null) {
      return;
    }
    try (Statement s = held.createStatement()) {
      s.execute("SELECT pg_advisory_unlock(" + KEY + ")");
    } catch (SQLException e) {
      // the session is gone or going: the lock goes with it
    }
    closeQuietly(held);
    held = null;
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // nothing left to do with it
    }
  }
}
