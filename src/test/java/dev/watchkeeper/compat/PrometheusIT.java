package dev.watchkeeper.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus with Watchkeeper as its Alertmanager: the packaged server jar (system
 * property {@code watchkeeper.jar}) runs as a process; Prometheus evaluates an always-firing rule
 * every second and sends the alert to {@code POST /api/v2/alerts} with an integration key as its
 * bearer credentials. The alert must open an incident and be listed by {@code GET /api/v2/alerts};
 * then the rule is rewritten to never fire and Prometheus reloaded, and the resolved alert it
 * sends must resolve the alert and the incident.
 *
 * <p>Skipped, with a printed note, when {@code prometheus} is not on the PATH ({@code apt-get
 * install prometheus} provides it). Everything listens on 127.0.0.1 only; both processes are
 * killed at the end whatever happens.
 */
class PrometheusIT {
  static final String ADMIN = "prometheus-it-admin-token";
  static final String KEY = "prometheus-it-integration-key";
  static final String SERVICE = "prom-it";
  static final String ALERT = "WatchkeeperPrometheusIT";
  static final Pattern LISTENING =
      Pattern.compile("(?m)^Watchkeeper listening on (http://127\\.0\\.0\\.1:\\d+)\\s*$");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Path wkLog;
  Path promLog;

  static Path onPath(String name) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(p, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static Path jar() {
    String prop = System.getProperty("watchkeeper.jar");
    Path jar = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("target",
        "watchkeeper.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the server jar " + jar.toAbsolutePath() + " does not exist"
          + " (system property watchkeeper.jar=" + prop + "): run `mvn package -DskipTests`"
          + " first, or run this test through `mvn verify`");
    }
    return jar.toAbsolutePath();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String rules(String expr) {
    return """
        groups:
          - name: watchkeeper-it
            interval: 1s
            rules:
              - alert: %s
                expr: %s
                labels:
                  severity: critical
                annotations:
                  summary: Always firing, from PrometheusIT
        """.formatted(ALERT, expr);
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void prometheusAlertOpensAnIncidentAndItsResolutionResolvesIt() throws Exception {
    Path prometheus = onPath("prometheus");
    if (prometheus == null) {
      System.out.println("PrometheusIT SKIPPED: prometheus is not on the PATH"
          + " (apt-get install prometheus provides it)");
    }
    Assumptions.assumeTrue(prometheus != null, "prometheus is not on the PATH");
    Path jar = jar();

    Path wkConfig = Files.writeString(dir.resolve("watchkeeper.yml"), """
        server: {host: 127.0.0.1, port: 0}
        storage: {data_dir: "%s"}
        api_tokens: [{name: admin, role: admin, token: %s}]
        services: [{id: %s, integration_keys: [{name: prometheus, key: %s}]}]
        """.formatted(dir.resolve("wk-data"), ADMIN, SERVICE, KEY));
    wkLog = dir.resolve("watchkeeper.log");
    promLog = dir.resolve("prometheus.log");
    Process wk = null;
    Process prom = null;
    try {
      wk = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", jar.toString(), "serve", "--config", wkConfig.toString())
          .redirectErrorStream(true).redirectOutput(wkLog.toFile()).start();
      String wkUrl = awaitListening(wk);
      String wkHostPort = URI.create(wkUrl).getAuthority();

      Path rules = Files.writeString(dir.resolve("rules.yml"), rules("vector(1)"));
      Path promConfig = Files.writeString(dir.resolve("prometheus.yml"), """
          global:
            evaluation_interval: 1s
          rule_files: ["%s"]
          alerting:
            alertmanagers:
              - api_version: v2
                scheme: http
                static_configs:
                  - targets: ["%s"]
                authorization:
                  type: Bearer
                  credentials: %s
          """.formatted(rules, wkHostPort, KEY));
      int promPort = freePort();
      String promUrl = "http://127.0.0.1:" + promPort;
      prom = new ProcessBuilder(prometheus.toString(), "--config.file=" + promConfig,
          "--storage.tsdb.path=" + dir.resolve("tsdb"),
          "--web.listen-address=127.0.0.1:" + promPort, "--web.enable-lifecycle",
          // The first evaluation may come before the notifier has discovered Watchkeeper (that
          // send is dropped); re-send firing alerts every second instead of every minute.
          "--rules.alert.resend-delay=1s")
          .directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(promLog.toFile()).start();
      Process promProcess = prom;
      within("Prometheus ready at " + promUrl, Duration.ofSeconds(20), () -> {
        assertThat(promProcess.isAlive()).as("prometheus exited").isTrue();
        return status(get(promUrl + "/-/ready", null)) == 200;
      });

      // Firing: an incident opens for the alert, and the Alertmanager API lists it.
      AtomicReference<JsonNode> incident = new AtomicReference<>();
      within("an incident for " + ALERT, Duration.ofSeconds(30), () -> {
        JsonNode list = json(get(wkUrl + "/api/v1/incidents?service=" + SERVICE, ADMIN));
        for (JsonNode i : list.path("incidents")) {
          incident.set(i);
          return true;
        }
        return false;
      });
      long incidentId = incident.get().get("id").asLong();
      assertThat(incident.get().get("state").asText()).isEqualTo("triggered");
      JsonNode detail = json(get(wkUrl + "/api/v1/incidents/" + incidentId, ADMIN));
      assertThat(detail.get("alerts").toString()).contains(ALERT);

      JsonNode amAlerts = json(get(wkUrl + "/api/v2/alerts", ADMIN));
      assertThat(amAlerts.size()).as(amAlerts.toString()).isEqualTo(1);
      JsonNode am = amAlerts.get(0);
      assertThat(am.get("labels").get("alertname").asText()).isEqualTo(ALERT);
      assertThat(am.get("labels").get("severity").asText()).isEqualTo("critical");
      assertThat(am.get("annotations").get("summary").asText())
          .isEqualTo("Always firing, from PrometheusIT");
      assertThat(am.get("generatorURL").asText()).contains("/graph?g0.expr=");
      assertThat(am.get("status").get("state").asText()).isEqualTo("active");

      // The rule stops firing: Prometheus sends the alert as resolved after the reload.
      Files.writeString(rules, rules("vector(1) == 2"));
      HttpResponse<String> reload = http.send(HttpRequest.newBuilder(
              URI.create(promUrl + "/-/reload")).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(reload.statusCode()).as("reload: " + reload.body()).isEqualTo(200);

      within("the alert and incident " + incidentId + " resolved", Duration.ofSeconds(30),
          () -> {
            JsonNode alerts = json(get(wkUrl + "/api/v1/alerts?service=" + SERVICE, ADMIN));
            boolean alertResolved = alerts.toString().contains(ALERT)
                && !alerts.toString().contains("\"firing\"");
            JsonNode i = json(get(wkUrl + "/api/v1/incidents/" + incidentId, ADMIN));
            return alertResolved && i.get("state").asText().equals("resolved");
          });
      assertThat(json(get(wkUrl + "/api/v2/alerts", ADMIN)).size()).isZero();
    } finally {
      stop(prom);
      stop(wk);
    }
  }

  /** Waits for Watchkeeper's listening line and returns its URL. */
  private String awaitListening(Process wk) {
    AtomicReference<String> url = new AtomicReference<>();
    within("Watchkeeper listening", Duration.ofSeconds(30), () -> {
      Matcher m = LISTENING.matcher(read(wkLog));
      if (m.find()) {
        url.set(m.group(1));
        return true;
      }
      assertThat(wk.isAlive()).as("watchkeeper exited").isTrue();
      return false;
    });
    return url.get();
  }

  /** Awaitility with both logs' ends in the failure message. */
  private void within(String what, Duration timeout, Callable<Boolean> condition) {
    try {
      await(what).atMost(timeout).pollInterval(Duration.ofMillis(250)).until(condition);
    } catch (ConditionTimeoutException | AssertionError e) {
      throw new AssertionError(what + " did not happen within " + timeout + logs(), e);
    }
  }

  private String logs() {
    return "\n--- end of watchkeeper log:" + tail(wkLog, 25) + "\n--- end of prometheus log:"
        + tail(promLog, 25);
  }

  private HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int status(HttpResponse<String> r) {
    return r.statusCode();
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** SIGTERM, then SIGKILL after 10 s; never leaves the process running. */
  private static void stop(Process p) throws InterruptedException {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(Path file, int lines) {
    if (file == null) {
      return "";
    }
    List<String> all = read(file).lines().toList();
    return "\n  " + String.join("\n  ", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
