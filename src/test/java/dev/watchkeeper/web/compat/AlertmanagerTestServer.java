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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A real Watchkeeper on a random port over SQLite, with the API tokens {@code alice-admin-token}
 * (alice, admin), {@code carol-responder-token} (carol, responder) and {@code bob-viewer-token}
 * (bob, viewer), {@code silences.max_duration: 7d}, and the service {@code payments} (key
 * {@code payments-key-123}) grouping alerts by alertname and cluster.
 */
final class AlertmanagerTestServer implements AutoCloseable {
  static final String ADMIN = "alice-admin-token";
  static final String RESPONDER = "carol-responder-token";
  static final String VIEWER = "bob-viewer-token";

  final Application app;
  final HttpClient http = HttpClient.newHttpClient();

  AlertmanagerTestServer(Path dir) throws Exception {
    this(dir, "");
  }

  /** @param extraYaml appended to the config: more top-level keys, like {@code inhibit_rules} */
  AlertmanagerTestServer(Path dir, String extraYaml) throws Exception {
    Path file = dir.resolve("watchkeeper.yml");
    Files.writeString(file, """
        server: {host: 127.0.0.1, port: 0}
        storage: {data_dir: "%s"}
        silences: {max_duration: 7d}
        api_tokens:
          - {name: alice, role: admin, token_sha256: %s}
          - {name: carol, role: responder, token_sha256: %s}
          - {name: bob, role: viewer, token_sha256: %s}
        services:
          - id: payments
            integration_keys: [{name: prometheus, key_sha256: %s}]
            grouping: {by: [alertname, cluster]}
        """.formatted(dir.resolve("data"), Credentials.sha256(ADMIN),
        Credentials.sha256(RESPONDER), Credentials.sha256(VIEWER),
        Credentials.sha256("payments-key-123")) + extraYaml);
    ConfigResult r = ConfigLoader.load(file);
    if (!(r instanceof ConfigResult.Valid v)) {
      throw new IllegalStateException("test config invalid: " + r);
    }
    app = Application.start(new LiveConfig(file, v.config(), c -> c));
  }

  String url() {
    return app.url();
  }

  HttpResponse<String> send(String method, String path, String authorization, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    app.close();
  }
}
