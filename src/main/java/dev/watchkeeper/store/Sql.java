package dev.watchkeeper.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Small JDBC helpers shared by the stores. */
final class Sql {
  private Sql() {}

  /** Binds positional arguments: null, Long, Integer, or anything else as its text. */
  static void bind(PreparedStatement ps, Object... args) throws SQLException {
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
  }

  /**
   * Appends {@code AND column IN (?, ...)} with {@code values} (sorted, for a stable statement)
   * unless {@code values} is null (no narrowing).
   *
   * @return false when {@code values} is empty: nothing can match, skip the query
   */
  static boolean in(StringBuilder sql, List<Object> args, String column, Set<String> values) {
    if (values == null) {
      return true;
    }
    if (values.isEmpty()) {
      return false;
    }
    sql.append(" AND ").append(column).append(" IN (")
        .append(String.join(", ", Collections.nCopies(values.size(), "?"))).append(')');
    args.addAll(new TreeSet<>(values));
    return true;
  }
}
