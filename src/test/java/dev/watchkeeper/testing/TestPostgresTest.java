package dev.watchkeeper.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@EnabledUnlessPgSkipped
class TestPostgresTest {

  @Test
  void freshDatabaseIsEmptyAndUsableWithPlainJdbc() throws Exception {
    PgDatabase db = TestPostgres.freshDatabase();

    assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://").doesNotContain("password=");
    assertThat(db.databaseName()).startsWith("wk_test_");
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT current_database(), (SELECT count(*) FROM information_schema.tables"
                  + " WHERE table_schema = 'public')")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(db.databaseName());
        assertThat(rs.getLong(2)).as("tables in a fresh database").isZero();
      }

      st.execute("CREATE TABLE probe (id BIGINT PRIMARY KEY, label TEXT NOT NULL)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO probe VALUES (?, ?)")) {
        ins.setLong(1, 42);
        ins.setString(2, "hello");
        assertThat(ins.executeUpdate()).isEqualTo(1);
      }
      try (ResultSet rs = st.executeQuery("SELECT id, label FROM probe")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong("id")).isEqualTo(42);
        assertThat(rs.getString("label")).isEqualTo("hello");
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void twoFreshDatabasesAreDistinct() throws Exception {
    PgDatabase a = TestPostgres.freshDatabase();
    PgDatabase b = TestPostgres.freshDatabase();

    assertThat(a.jdbcUrl()).isNotEqualTo(b.jdbcUrl());
    try (Connection ca = a.connect();
        Statement sa = ca.createStatement()) {
      sa.execute("CREATE TABLE only_in_a (x INT)");
    }
    try (Connection cb = b.connect();
        ResultSet rs =
            cb.getMetaData().getTables(null, "public", "only_in_a", new String[] {"TABLE"})) {
      assertThat(rs.next()).as("table created in database A is visible in B").isFalse();
    }
  }
}
