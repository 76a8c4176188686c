package dev.watchkeeper.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Connection details of one PostgreSQL database handed out by {@link TestPostgres#freshDatabase()}.
 *
 * <p>{@code jdbcUrl} carries no credentials; pass {@code username} and {@code password} separately
 * (Hikari, Flyway and {@link DriverManager} all accept them that way). The password may be empty
 * (the embedded server uses trust authentication) but is never {@code null}.
 */
public record PgDatabase(String jdbcUrl, String username, String password) {

  /** Opens a plain JDBC connection to this database; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, username, password);
  }

  /** The database name, i.e. the last path segment of {@link #jdbcUrl()}. */
  public String databaseName() {
    String path = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  @Override
  public String toString() {
    // Never print the password into test reports.
    return "PgDatabase[jdbcUrl=" + jdbcUrl + ", username=" + username + "]";
  }
}
