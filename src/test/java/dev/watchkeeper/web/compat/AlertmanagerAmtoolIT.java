package dev.watchkeeper.web.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real amtool (Alertmanager's CLI) against a running Watchkeeper: silence add, query and
 * expire, authenticated with a bearer token and with basic auth through --http.config.file; alert
 * query (with and without matchers), config show and cluster show.
 * Skipped, with a printed note, when amtool is not on the PATH
 * ({@code apt-get install prometheus-alertmanager} provides it).
 */
class AlertmanagerAmtoolIT {
  @TempDir Path dir;

  static Path amtool() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(p, "amtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  record Run(int exit, String out) {}

  static Run run(Path amtool, String url, Path httpConfig, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(amtool.toString(), "--alertmanager.url=" + url,
        "--http.config.file=" + httpConfig));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out.trim());
  }

  @Test
  void amtoolAddsQueriesAndExpiresSilences() throws Exception {
    Path amtool = amtool();
    if (amtool == null) {
      System.out.println("AlertmanagerAmtoolIT SKIPPED: amtool is not on the PATH"
          + " (apt-get install prometheus-alertmanager provides it)");
    }
    Assumptions.assumeTrue(amtool != null, "amtool is not on the PATH");
    try (AlertmanagerTestServer server = new AlertmanagerTestServer(dir)) {
      Path bearer = Files.writeString(dir.resolve("bearer.yml"), """
          authorization:
            type: Bearer
            credentials: %s
          """.formatted(AlertmanagerTestServer.RESPONDER));
      Path basic = Files.writeString(dir.resolve("basic.yml"), """
          basic_auth:
            username: carol
            password: %s
          """.formatted(AlertmanagerTestServer.RESPONDER));
      Path viewer = Files.writeString(dir.resolve("viewer.yml"), """
          authorization:
            credentials: %s
          """.formatted(AlertmanagerTestServer.VIEWER));
      String url = server.url();

      Run add = run(amtool, url, bearer, "silence", "add", "--author=carol",
          "--comment=disk swap", "--duration=2h", "alertname=DiskFull", "instance=~web-.*");
      assertThat(add.exit()).as(add.out()).isZero();
      String id = add.out().lines().reduce((a, b) -> b).orElseThrow().trim();
      assertThat(id).matches("[0-9a-f-]{36}");

      Run query = run(amtool, url, viewer, "silence", "query", "-q", "alertname=DiskFull");
      assertThat(query.exit()).as(query.out()).isZero();
      assertThat(query.out().lines().toList()).containsExactly(id);

      Run extended = run(amtool, url, basic, "silence", "query", "-o", "extended");
      assertThat(extended.out()).contains(id, "carol", "disk swap", "alertname=\"DiskFull\"",
          "instance=~\"web-.*\"");

      Run refused = run(amtool, url, viewer, "silence", "expire", id);
      assertThat(refused.exit()).isNotZero();

      Run expire = run(amtool, url, basic, "silence", "expire", id);
      assertThat(expire.exit()).as(expire.out()).isZero();

      assertThat(run(amtool, url, viewer, "silence", "query", "-q").out()).isEmpty();
      assertThat(run(amtool, url, viewer, "silence", "query", "-q", "--expired").out().lines()
          .toList()).containsExactly(id);
    }
  }

  @Test
  void amtoolQueriesAlertsAndShowsConfigAndCluster() throws Exception {
    Path amtool = amtool();
    if (amtool == null) {
      System.out.println("AlertmanagerAmtoolIT SKIPPED: amtool is not on the PATH"
          + " (apt-get install prometheus-alertmanager provides it)");
    }
    Assumptions.assumeTrue(amtool != null, "amtool is not on the PATH");
    try (AlertmanagerTestServer server = new AlertmanagerTestServer(dir)) {
      Path viewer = Files.writeString(dir.resolve("viewer.yml"), """
          authorization:
            type: Bearer
            credentials: %s
          """.formatted(AlertmanagerTestServer.VIEWER));
      String url = server.url();
      var posted = server.send("POST", "/api/v2/alerts", "Bearer payments-key-123", """
          [{"labels":{"alertname":"DiskFull","instance":"web-1"},
            "annotations":{"summary":"Disk 95 percent full"}},
           {"labels":{"alertname":"HighLatency","instance":"web-2"},
            "annotations":{"summary":"p99 above 2s"}}]
          """);
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> run(amtool, url, viewer, "alert", "query").out().contains("HighLatency"));
      Run all = run(amtool, url, viewer, "alert", "query");
      assertThat(all.exit()).as(all.out()).isZero();
      assertThat(all.out()).contains("Alertname", "DiskFull", "Disk 95 percent full",
          "HighLatency", "p99 above 2s", "active");
      // The status answers with version 0.25.0+watchkeeper.…: no version-mismatch warning.
      assertThat(all.out()).doesNotContain("Warning");

      Run one = run(amtool, url, viewer, "alert", "query", "alertname=DiskFull");
      assertThat(one.exit()).as(one.out()).isZero();
      assertThat(one.out()).contains("DiskFull").doesNotContain("HighLatency");

      Run bare = run(amtool, url, viewer, "alert", "query", "HighLatency", "-o", "extended");
      assertThat(bare.exit()).as(bare.out()).isZero();
      assertThat(bare.out()).contains("HighLatency", "instance=\"web-2\"")
          .doesNotContain("DiskFull");

      Run none = run(amtool, url, viewer, "alert", "query", "--silenced");
      assertThat(none.exit()).as(none.out()).isZero();
      assertThat(none.out()).doesNotContain("DiskFull");

      Path responder = Files.writeString(dir.resolve("responder.yml"), """
          authorization:
            credentials: %s
          """.formatted(AlertmanagerTestServer.RESPONDER));
      Run add = run(amtool, url, responder, "silence", "add", "--author=carol",
          "--comment=swap", "--duration=1h", "alertname=DiskFull");
      assertThat(add.exit()).as(add.out()).isZero();
      Run silenced = run(amtool, url, viewer, "alert", "query", "--silenced");
      assertThat(silenced.out()).contains("DiskFull", "suppressed").doesNotContain("HighLatency");
      assertThat(run(amtool, url, viewer, "alert", "query").out()).doesNotContain("DiskFull")
          .contains("HighLatency");

      Run config = run(amtool, url, viewer, "config", "show");
      assertThat(config.exit()).as(config.out()).isZero();
      assertThat(config.out()).contains("Watchkeeper", "receiver: watchkeeper");

      Run cluster = run(amtool, url, viewer, "cluster", "show");
      assertThat(cluster.exit()).as(cluster.out()).isZero();
      assertThat(cluster.out()).contains("Cluster Status:").contains("disabled");
    }
  }
}
