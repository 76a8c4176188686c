package dev.watchkeeper.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;

/** One write transaction under the database's write lock (see {@link Database#writeLock}). */
final class Tx {
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private Tx() {}

  static <T> T write(Database db, String what, Work<T> work) {
    Lock writeLock = db.writeLock();
    writeLock.lock();
    try (Connection c = db.writeConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(what + " failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  static <T> T read(DataSource ds, String what, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed", e);
    }
  }
}
