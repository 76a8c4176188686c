package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config reload over the admin API: invalid configs never replace the running one. */
class ReloadTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String EVENT = "{\"source\":\"s\",\"type\":\"t\"}";

  @TempDir Path dir;

  @Test
  void invalidConfigIsRejectedWithEveryErrorAndTheOldOneKeepsRunning() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      Files.writeString(server.configFile, """
          server: {port: 70000}
          services:
            - id: payments
              integration_keys: [{name: x}]
          """);

      HttpResponse<String> r = server.post("/api/v1/admin/reload", ADMIN, "");

      assertThat(r.statusCode()).isEqualTo(422);
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("errors").toString())
          .contains("server.port: must be between 0 and 65535, got 70000")
          .contains("services[0].integration_keys[0]");
      assertThat(server.post("/api/v1/events", PAYMENTS_KEY, EVENT).statusCode()).isEqualTo(202);
      assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(422);
    }
  }

  @Test
  void validReloadSwapsIntegrationKeysWithoutARestart() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      String yaml = Files.readString(server.configFile)
          .replace(Credentials.sha256(PAYMENTS_KEY), Credentials.sha256("rotated-key-456"));
      Files.writeString(server.configFile, yaml);

      HttpResponse<String> r = server.post("/api/v1/admin/reload", ADMIN, "");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(server.post("/api/v1/events", PAYMENTS_KEY, EVENT).statusCode()).isEqualTo(401);
      assertThat(server.post("/api/v1/events", "rotated-key-456", EVENT).statusCode())
          .isEqualTo(202);
    }
  }
}
