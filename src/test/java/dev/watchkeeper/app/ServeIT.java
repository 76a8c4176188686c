package dev.watchkeeper.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar run as a newcomer runs it: {@code java -jar watchkeeper.jar serve}. */
class ServeIT {
  static final Pattern LISTENING = Pattern.compile("(?m)^Watchkeeper listening on (http://[0-9.:]+)$");

  @TempDir Path cwd;
  Process process;

  @AfterEach
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  Process start(List<String> args) throws IOException {
    String jar = System.getProperty("watchkeeper.jar", "target/watchkeeper.jar");
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Path.of(jar).toAbsolutePath().toString()));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).directory(cwd.toFile())
        .redirectErrorStream(true).redirectOutput(cwd.resolve("out.log").toFile()).start();
  }

  String output() throws IOException {
    return Files.readString(cwd.resolve("out.log"));
  }

  @Test
  void demoServerStartsWithoutConfigAndTheReadmeExampleWorks() throws Exception {
    process = start(List.of("serve", "--port", "0"));
    String[] url = new String[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Matcher m = LISTENING.matcher(output());
      if (m.find()) {
        url[0] = m.group(1);
        return true;
      }
      assertThat(process.isAlive()).as("server exited: " + output()).isTrue();
      return false;
    });
    assertThat(url[0]).startsWith("http://127.0.0.1:");
    assertThat(output()).contains("demo-integration-key").contains("demo-admin-token");
    assertThat(cwd.resolve("watchkeeper-data/watchkeeper.db")).exists();

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create(url[0]
            + "/api/v1/events"))
        .header("Authorization", "Bearer demo-integration-key")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"source\":\"web-1\",\"type\":\"http.5xx\",\"severity\":\"error\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).isEqualTo(202);
    HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(url[0]
            + "/api/v1/events")).header("Authorization", "Bearer demo-admin-token").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(read.body()).contains("\"source\":\"web-1\"");

    // SIGHUP reloads (and is logged), the server keeps serving
    new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
    await().atMost(Duration.ofSeconds(10)).until(() -> output().contains("\"WK1200\""));
    assertThat(process.isAlive()).isTrue();

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(output()).contains("\"WK1103\"");
  }

  @Test
  void invalidConfigFileStopsTheStartWithEveryError() throws Exception {
    Files.writeString(cwd.resolve("bad.yml"), "server: {port: -1}\nservices: []\nextra: 1\n");
    process = start(List.of("serve", "--config", "bad.yml"));

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(output()).contains("server.port").contains("extra: unknown key")
        .contains("services");
  }
}
