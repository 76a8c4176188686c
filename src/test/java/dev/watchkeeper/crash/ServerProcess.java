package dev.watchkeeper.crash;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One real Watchkeeper server process ({@code java -jar watchkeeper.jar serve --config FILE}),
 * stdout and stderr in a log file of its own. {@link #close()} never leaves it running.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("^Watchkeeper listening on (http://127\\.0\\.0\\.1:\\d+)\\s*$",
          Pattern.MULTILINE);

  private final Process process;
  private final Path log;
  private final String baseUrl;
  private final Duration startup;
  private final long spawnedAt;

  private ServerProcess(Process process, Path log, String baseUrl, Duration startup,
      long spawnedAt) {
    this.process = process;
    this.log = log;
    this.baseUrl = baseUrl;
    this.startup = startup;
    this.spawnedAt = spawnedAt;
  }

  /**
   * Starts the server and waits until it prints its listening line.
   *
   * @throws AssertionError when it exits early or does not listen within {@code timeout} (the
   *     process is then killed); the message carries the end of its log
   */
  static ServerProcess start(Path jar, Path config, Path log, Duration timeout) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString(), "serve", "--config",
        config.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    long t0 = System.nanoTime();
    long spawnedAt = System.currentTimeMillis();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + pb.command(), e);
    }
    AtomicReference<String> url = new AtomicReference<>();
    try {
      await("server listening (log " + log + ")")
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> {
            Matcher m = LISTENING.matcher(read(log));
            if (m.find()) {
              url.set(m.group(1));
              return true;
            }
            return !p.isAlive();
          });
    } catch (ConditionTimeoutException e) {
      killQuietly(p);
      throw new AssertionError("the server did not print its listening line within " + timeout
          + "; end of " + log + ":" + tail(log, 30), e);
    }
    if (url.get() == null) {
      killQuietly(p);
      throw new AssertionError("the server exited with code " + p.exitValue()
          + " before listening; end of " + log + ":" + tail(log, 30));
    }
    return new ServerProcess(p, log, url.get(), Duration.ofNanos(System.nanoTime() - t0),
        spawnedAt);
  }

  String baseUrl() {
    return baseUrl;
  }

  /** From process start to the listening line. */
  Duration startup() {
    return startup;
  }

  /** When the process was started (epoch milliseconds). */
  long spawnedAt() {
    return spawnedAt;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL ({@link Process#destroyForcibly()} on Linux) and wait until the process is gone. */
  void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(10));
  }

  /**
   * SIGTERM ({@link Process#destroy()} on Linux) and wait for the exit.
   *
   * @return the exit code
   * @throws AssertionError when it has not exited within {@code timeout} (it is then killed)
   */
  int terminate(Duration timeout) {
    process.destroy();
    return waitForExit(timeout);
  }

  private int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killQuietly(process);
        throw new AssertionError("the server (pid " + process.pid() + ") did not exit within "
            + timeout + "; end of " + log + ":" + tail(log, 30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killQuietly(process);
      throw new AssertionError("interrupted while waiting for the server to exit", e);
    }
    return process.exitValue();
  }

  String tail(int lines) {
    return tail(log, lines);
  }

  @Override
  public void close() {
    killQuietly(process);
  }

  private static void killQuietly(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static String tail(Path file, int lines) {
    List<String> all = read(file).lines().toList();
    return "\n  " + String.join("\n  ", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
