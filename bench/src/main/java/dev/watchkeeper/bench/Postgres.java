package dev.watchkeeper.bench;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL server the PostgreSQL scenarios use: the one named by {@code
 * WATCHKEEPER_TEST_PG_URL} (used as it is; user and password from the URL's parameters or {@code
 * WATCHKEEPER_TEST_PG_USER} / {@code WATCHKEEPER_TEST_PG_PASSWORD}), or else a throwaway server
 * made with the {@code initdb} and {@code pg_ctl} on the PATH, with default settings (fsync on),
 * listening on 127.0.0.1 only, deleted again by {@link #close()}. As root it runs as the {@code
 * postgres} user through {@code runuser}.
 */
final class Postgres implements AutoCloseable {

  /** Where one scenario's database is. */
  record Db(String url, String user, String password) {}

  final String description;
  private final String externalUrl;
  private final String user;
  private final String password;
  private final Path binDir;
  private final Path dataDir;
  private final int port;
  private int databases;

  private Postgres(String description, String externalUrl, String user, String password,
      Path binDir, Path dataDir, int port) {
    this.description = description;
    this.externalUrl = externalUrl;
    this.user = user;
    this.password = password;
    this.binDir = binDir;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Opens the server to use; throws IllegalStateException with the reason when there is none. */
  static Postgres open() throws IOException {
    String url = System.getenv("WATCHKEEPER_TEST_PG_URL");
    if (url != null && !url.isBlank()) {
      url = url.trim();
      String user = param(url, "user");
      String password = param(url, "password");
      user = envOr("WATCHKEEPER_TEST_PG_USER", user);
      password = envOr("WATCHKEEPER_TEST_PG_PASSWORD", password);
      String shown = url.replaceAll("password=[^&]*", "password=***");
      return new Postgres("external server from WATCHKEEPER_TEST_PG_URL (" + shown
          + "; its database is used as it is)", url, user, password, null, null, 0);
    }
    Path pgCtl = Proc.onPath("pg_ctl");
    if (pgCtl == null || Proc.onPath("initdb") == null) {
      throw new IllegalStateException(
          "WATCHKEEPER_TEST_PG_URL is not set and initdb/pg_ctl are not on the PATH");
    }
    Path bin = pgCtl.toRealPath().getParent();
    Path data = Files.createTempDirectory(Path.of("/tmp"), "wk-bench-pg-");
    boolean root = Proc.isRoot();
    if (root) {
      Proc.run(List.of("chown", "postgres:postgres", data.toString()), 30);
    }
    int port = Proc.freePort();
    Postgres pg = new Postgres(null, null, "postgres", "", bin, data, port);
    try {
      pg.as(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
          "--auth=trust", "-E", "UTF8", "--locale=C");
      pg.as(root, pgCtl.toString(), "-D", data.toString(), "-l", data.resolve("server.log").toString(),
          "-w", "-t", "60", "-o",
          "-p " + port + " -c listen_addresses=127.0.0.1 -k " + data, "start");
      String version = Proc.runQuietly(List.of(pgCtl.toString(), "--version"));
      return new Postgres("throwaway " + version + " (initdb defaults, fsync on) in " + data
          + ", 127.0.0.1:" + port, null, "postgres", "", bin, data, port);
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw new IllegalStateException("could not start a throwaway PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** A fresh database for one scenario (throwaway server), or the external URL as it is. */
  Db newDatabase() throws IOException {
    if (externalUrl != null) {
      return new Db(externalUrl, user, password);
    }
    String name = "bench_" + (++databases);
    as(Proc.isRoot(), binDir.resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
        Integer.toString(port), "-U", "postgres", name);
    return new Db("jdbc:postgresql://127.0.0.1:" + port + "/" + name, "postgres", "");
  }

  /** The postmaster's pid (throwaway server only), or -1. */
  long postmasterPid() {
    if (dataDir == null) {
      return -1;
    }
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    if (dataDir == null) {
      return;
    }
    try {
      if (Files.exists(dataDir.resolve("postmaster.pid"))) {
        as(Proc.isRoot(), binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m",
            "fast", "-w", "stop");
      }
    } catch (IOException e) {
      System.err.println("warning: could not stop the throwaway PostgreSQL: " + e.getMessage());
    }
    Proc.deleteTree(dataDir);
  }

  private void as(boolean root, String... command) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(List.of(command));
    Proc.run(cmd, 120);
  }

  private static String param(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return "";
    }
    for (String kv : url.substring(q + 1).split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v != null && !v.isBlank() ? v : fallback;
  }
}
