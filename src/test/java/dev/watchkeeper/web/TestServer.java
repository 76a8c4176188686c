package dev.watchkeeper.web;

import dev.watchkeeper.app.Application;
import dev.watchkeeper.config.ConfigLoader;
import dev.watchkeeper.config.ConfigResult;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real server on a random port over a real SQLite file, with named fixtures: the integration key
 * {@code payments-key} (service payments), {@code slow-key} (service batch), and API
 * tokens {@code alice-admin} (admin), {@code bob-viewer} (viewer).
 */
final class TestServer implements AutoCloseable {
  static final String PAYMENTS_KEY = "payments-key-123";
  static final String SLOW_KEY = "slow-key-123456";
  static final String ADMIN = "alice-admin-token";
  static final String VIEWER = "bob-viewer-token";

  static String yaml(Path dataDir, int eventsPerSecond, int burst) {
    return yaml(dataDir, eventsPerSecond, burst, "");
  }

  /** @param extraServices more entries of the services list, indented by two spaces */
  static String yaml(Path dataDir, int eventsPerSecond, int burst, String extraServices) {
    return """
        server: {host: 127.0.0.1, port: 0}
        storage: {data_dir: "%s"}
        ingest:
          max_batch_events: 50
          rate_limit: {events_per_second: %d, burst: %d}
        api_tokens:
          - {name: alice, role: admin, token_sha256: %s}
          - {name: bob, role: viewer, token_sha256: %s}
        services:
          - id: payments
            integration_keys: [{name: prometheus, key_sha256: %s}]
          - id: batch
            integration_keys: [{name: cron, key_sha256: %s}]
        """.formatted(dataDir, eventsPerSecond, burst, Credentials.sha256(ADMIN), Credentials.sha256(VIEWER),
        Credentials.sha256(PAYMENTS_KEY), Credentials.sha256(SLOW_KEY)) + extraServices;
  }

  final Path configFile;
  final Application app;
  final HttpClient http = HttpClient.newHttpClient();

  TestServer(Path dir) throws IOException {
    this(dir, 1_000_000, 1_000_000);
  }

  TestServer(Path dir, int eventsPerSecond, int burst) throws IOException {
    this(dir, eventsPerSecond, burst, "");
  }

  /** With more services (YAML list entries, indented by two spaces) after the named fixtures. */
  TestServer(Path dir, String extraServices) throws IOException {
    this(dir, 1_000_000, 1_000_000, extraServices);
  }

  private TestServer(Path dir, int eventsPerSecond, int burst, String extraServices)
      throws IOException {
    this(writeConfig(dir, yaml(dir.resolve("data"), eventsPerSecond, burst, extraServices)),
        true);
  }

  /**
   * {@code yaml} (a config from {@link #yaml}) with {@code line} added to the payments service,
   * e.g. {@code escalation_policy: payments}.
   */
  static String underPayments(String yaml, String line) {
    String keys = "integration_keys: [{name: prometheus, key_sha256: ";
    int at = yaml.indexOf('\n', yaml.indexOf(keys));
    return yaml.substring(0, at) + "\n    " + line + yaml.substring(at);
  }

  /** A server on exactly this config (written to {@code dir/watchkeeper.yml}). */
  static TestServer of(Path dir, String yaml) throws IOException {
    return new TestServer(writeConfig(dir, yaml), true);
  }

  /** Starts again on the config file and data an earlier server in {@code dir} left behind. */
  static TestServer restart(Path dir) {
    return new TestServer(dir.resolve("watchkeeper.yml"), true);
  }

  private static Path writeConfig(Path dir, String yaml) throws IOException {
    return Files.writeString(dir.resolve("watchkeeper.yml"), yaml);
  }

  private TestServer(Path configFile, boolean fromFile) {
    this.configFile = configFile;
    ConfigResult r = ConfigLoader.load(configFile);
    if (!(r instanceof ConfigResult.Valid v)) {
      throw new IllegalStateException("test config invalid: " + r);
    }
    WatchkeeperConfig config = v.config();
    app = Application.start(new LiveConfig(configFile, config, c -> c));
  }

  String url(String path) {
    return app.url() + path;
  }

  HttpResponse<String> post(String path, String token, String contentType, String body,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String token, String body) throws Exception {
    return post(path, token, "application/json", body, Map.of());
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    app.close();
  }
}
