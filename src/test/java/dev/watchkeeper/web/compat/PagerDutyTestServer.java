package dev.watchkeeper.web.compat;

import dev.watchkeeper.app.Application;
import dev.watchkeeper.config.ConfigLoader;
import dev.watchkeeper.config.ConfigResult;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.web.Credentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real server on a random port over a real SQLite file, with the same named fixtures as the web
 * package's TestServer: integration key {@code payments-key-123} (service payments), {@code
 * slow-key-123456} (service batch), viewer token {@code bob-viewer-token}.
 */
final class PagerDutyTestServer implements AutoCloseable {
  static final String PAYMENTS_KEY = "payments-key-123";
  static final String SLOW_KEY = "slow-key-123456";
  static final String VIEWER = "bob-viewer-token";

  final Application app;
  final HttpClient http = HttpClient.newHttpClient();

  PagerDutyTestServer(Path dir) throws Exception {
    this(dir, 1_000_000, 1_000_000, 512 * 1024);
  }

  PagerDutyTestServer(Path dir, int eventsPerSecond, int burst, int maxBodyBytes)
      throws Exception {
    Path configFile = dir.resolve("watchkeeper.yml");
    Files.writeString(configFile, """
        server: {host: 127.0.0.1, port: 0}
        storage: {data_dir: "%s"}
        ingest:
          max_body_bytes: %d
          rate_limit: {events_per_second: %d, burst: %d}
        api_tokens:
          - {name: bob, role: viewer, token_sha256: %s}
        services:
          - id: payments
            integration_keys: [{name: prometheus, key_sha256: %s}]
          - id: batch
            integration_keys: [{name: cron, key_sha256: %s}]
        """.formatted(dir.resolve("data"), maxBodyBytes, eventsPerSecond, burst,
        Credentials.sha256(VIEWER), Credentials.sha256(PAYMENTS_KEY),
        Credentials.sha256(SLOW_KEY)));
    ConfigResult r = ConfigLoader.load(configFile);
    if (!(r instanceof ConfigResult.Valid v)) {
      throw new IllegalStateException("test config invalid: " + r);
    }
    app = Application.start(new LiveConfig(configFile, v.config(), c -> c));
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(app.url() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A native ingest request with the integration key as Bearer token. */
  HttpResponse<String> postNative(String key, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/events"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> events() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/events?limit=100"))
        .header("Authorization", "Bearer " + VIEWER).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    app.close();
  }
}
