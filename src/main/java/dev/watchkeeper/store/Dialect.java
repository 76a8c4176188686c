package dev.watchkeeper.store;

/** The two supported databases. */
public enum Dialect {
  SQLITE("sqlite"), POSTGRES("postgresql");

  private final String migrationFolder;

  Dialect(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  String migrationLocation() {
    return "classpath:db/migration/" + migrationFolder;
  }

  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRES;
    }
    throw new IllegalArgumentException(
        "unsupported storage.url (use jdbc:sqlite:... or jdbc:postgresql://...)");
  }
}
