package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cron job monitored end to end, as a user sets it up: the job runs under the shipped wrapper
 * {@code examples/wk-job} (real {@code sh} and {@code curl} processes sending start, log and
 * exit-code pings over HTTP); a failing run raises an alert and an incident in the check's
 * service, a good run resolves it, and when the job stops running its silence raises one again.
 */
class CronJobIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path WRAPPER = Path.of("examples/wk-job").toAbsolutePath();

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl (/usr/bin/curl)");
    server = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  record Run(int exitCode, String output) {}

  /** Runs {@code examples/wk-job <ping-url> sh -c <script>} as cron would. */
  Run job(String pingUrl, String script) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", WRAPPER.toString(), pingUrl, "sh", "-c", script)
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the job finished").isTrue();
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8));
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = server.get(path, VIEWER);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  JsonNode alertOf(String checkId) throws Exception {
    for (JsonNode a : get("/api/v1/alerts?service=batch").get("alerts")) {
      if (a.get("fingerprint").asText().equals("check:" + checkId)) {
        return a;
      }
    }
    return null;
  }

  List<String> incidentStates() throws Exception {
    List<String> out = new ArrayList<>();
    get("/api/v1/incidents?service=batch").get("incidents")
        .forEach(i -> out.add(i.get("state").asText()));
    return out;
  }

  @Test
  void aWrappedCronJobIsMonitoredAndItsFailureAndSilenceRaiseIncidents() throws Exception {
    HttpResponse<String> created = server.post("/api/v1/checks", ADMIN,
        "{\"name\":\"Nightly backup\",\"service\":\"batch\",\"period\":3,\"grace\":\"2s\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode check = JSON.readTree(created.body());
    String id = check.get("id").asText();
    String url = check.get("ping_url").asText();

    // 1. a good run: start, a progress line through /log, then exit code 0 with the output
    Run ok = job(url, "curl -fsS -o /dev/null --data-raw 'step 1 done'"
        + " \"$WK_PING_URL/log?rid=$WK_RID\"; sleep 0.2; echo backup done");
    assertThat(ok.exitCode()).as(ok.output()).isZero();
    assertThat(ok.output()).contains("backup done").doesNotContain("wk-job:");
    assertThat(get("/api/v1/checks/" + id).get("status").asText()).isEqualTo("up");
    JsonNode pings = get("/api/v1/checks/" + id + "/pings").get("pings");
    assertThat(pings).extracting(n -> n.get("kind").asText())
        .containsExactly("success", "log", "start");
    assertThat(pings.get(0).get("body").asText()).isEqualTo("backup done\n");
    assertThat(pings.get(0).get("duration_ms").asLong()).isGreaterThanOrEqualTo(200);
    assertThat(pings.get(0).get("user_agent").asText()).startsWith("curl/");
    assertThat(pings.get(1).get("body").asText()).isEqualTo("step 1 done");
    assertThat(pings.get(0).get("rid").asText()).isEqualTo(pings.get(2).get("rid").asText());

    // 2. a failing run: exit code 3 takes the check down and pages
    Run failed = job(url, "echo 'tar: /var/backups: No space left on device' >&2; exit 3");
    assertThat(failed.exitCode()).isEqualTo(3);
    assertThat(get("/api/v1/checks/" + id).get("status").asText()).isEqualTo("down");
    assertThat(get("/api/v1/checks/" + id + "/pings").get("pings").get(0).get("body").asText())
        .contains("No space left on device");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode alert = alertOf(id);
      assertThat(alert).as("the check's alert").isNotNull();
      assertThat(alert.get("status").asText()).isEqualTo("firing");
      assertThat(incidentStates()).containsExactly("triggered");
    });

    // 3. the next good run resolves the alert
    assertThat(job(url, "echo backup done").exitCode()).isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(alertOf(id).get("status").asText()).isEqualTo("resolved"));

    // 4. then the job stops running: after period + grace (5 s) the silence pages again
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(get("/api/v1/checks/" + id).get("status").asText()).isEqualTo("down");
      assertThat(alertOf(id).get("status").asText()).isEqualTo("firing");
      assertThat(incidentStates()).contains("triggered");
    });
    JsonNode flips = get("/api/v1/checks/" + id + "/flips").get("flips");
    assertThat(flips.get(0).get("to").asText()).isEqualTo("down");
    assertThat(flips).extracting(f -> f.get("reason").asText()).contains("exit code 3");
  }

  @Test
  void theWrapperPassesTheJobsExitCodeOnEvenWhenWatchkeeperIsUnreachable() throws Exception {
    Run r = job("http://127.0.0.1:1/ping/00000000-0000-4000-8000-000000000000", "echo hi; exit 7");

    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(r.output()).contains("hi", "wk-job: the start ping failed",
        "wk-job: the finish ping failed");
  }
}
