package dev.watchkeeper.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Child processes, /proc readings and tiny HTTP helpers (Linux only). */
final class Proc {
  private Proc() {}

  /** Clock ticks per second for /proc/[pid]/stat times (USER_HZ; 100 on every Linux we meet). */
  static final double TICKS = 100.0;

  /** A started child process; its merged stdout/stderr goes to a log file. */
  static final class Child implements AutoCloseable {
    final Process process;
    final long startNanos;
    final Path log;
    private final CompletableFuture<Matcher> match = new CompletableFuture<>();
    private final Deque<String> tail = new ArrayDeque<>();

    Child(List<String> command, Path log, Pattern waitFor) throws IOException {
      this.log = log;
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      this.startNanos = System.nanoTime();
      this.process = pb.start();
      Thread reader = new Thread(() -> drain(waitFor), "child-output-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    private void drain(Pattern waitFor) {
      try (BufferedReader r = new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          Writer w = Files.newBufferedWriter(log)) {
        String line;
        while ((line = r.readLine()) != null) {
          w.write(line);
          w.write('\n');
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > 30) {
              tail.removeFirst();
            }
          }
          if (waitFor != null && !match.isDone()) {
            Matcher m = waitFor.matcher(line);
            if (m.find()) {
              w.flush();
              match.complete(m);
            }
          }
        }
      } catch (IOException e) {
        // the process went away
      } finally {
        match.completeExceptionally(new IllegalStateException("process exited before ready"));
      }
    }

    /** Waits for the line the child was started with; returns its match and when it came. */
    Matcher awaitLine(long timeoutSeconds) {
      try {
        return match.get(timeoutSeconds, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("no ready line from " + process.info().command().orElse("?")
            + " within " + timeoutSeconds + " s: " + e.getMessage() + "\n--- last output ("
            + log + "):\n" + tail(), e);
      }
    }

    String tail() {
      synchronized (tail) {
        return String.join("\n", tail);
      }
    }

    long pid() {
      return process.pid();
    }

    /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs a command to completion and returns its output; fails on a non-zero exit. */
  static String run(List<String> command, long timeoutSeconds) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
      String text = out.get(5, TimeUnit.SECONDS);
      if (p.exitValue() != 0) {
        throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n"
            + text);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** Runs a command, returning its output, or a short "unavailable" text on any failure. */
  static String runQuietly(List<String> command) {
    try {
      return run(command, 30).trim();
    } catch (IOException e) {
      return "(unavailable: " + e.getMessage().lines().findFirst().orElse("") + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Finds an executable on the PATH, or null. */
  static Path onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static boolean isRoot() {
    try {
      return "0".equals(Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: -1").split("\\s+")[1]);
    } catch (IOException e) {
      return false;
    }
  }

  /** VmRSS of a process in KiB, or -1. */
  static long rssKib(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone
    }
    return -1;
  }

  /** user+system CPU ticks of a whole process (all its threads), or 0 if it is gone. */
  static long cpuTicks(long pid) {
    String[] f = statFields(pid);
    return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * CPU ticks per thread name of a process, with digits at the end of names folded together
   * (e.g. all "JettyServerThre" pool threads add up to one entry). Names are the kernel's, at
   * most 15 characters.
   */
  static Map<String, Long> threadTicks(long pid) {
    Map<String, Long> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String s = Files.readString(t.resolve("stat"));
          String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'))
              .replaceAll("[-#]?[0-9]+$", "");
          String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
          out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (IOException | RuntimeException e) {
          // thread ended
        }
      }
    } catch (IOException e) {
      // process gone
    }
    return out;
  }

  /** CPU ticks of a process and all its direct children (e.g. a postmaster and its backends). */
  static long cpuTicksWithChildren(long pid) {
    long sum = cpuTicks(pid);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] f = statFields(Long.parseLong(name));
        if (f != null && Long.parseLong(f[1]) == pid) {
          sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    } catch (IOException e) {
      // partial sum
    }
    return sum;
  }

  /** Fields of /proc/[pid]/stat after the command name: [0] = state, [1] = ppid, [11] = utime. */
  private static String[] statFields(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Machine-wide CPU ticks from /proc/stat: {busy, iowait, total}. */
  static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      List<Long> v = new ArrayList<>();
      for (int i = 1; i < f.length && i <= 8; i++) {
        long x = Long.parseLong(f[i]);
        v.add(x);
        total += x;
      }
      long idle = v.get(3);
      long iowait = v.get(4);
      return new long[] {total - idle - iowait, iowait, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0, 0};
    }
  }

  /** GET a URL on this machine; returns the status code (0 if unreachable) and the body. */
  static String[] get(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(10_000);
      int code = c.getResponseCode();
      byte[] body = (code < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
      return new String[] {Integer.toString(code), new String(body, StandardCharsets.UTF_8)};
    } catch (IOException | NullPointerException e) {
      return new String[] {"0", ""};
    }
  }

  /** Polls a URL until it answers 200; returns System.nanoTime() then, or throws. */
  static long awaitOk(String url, long timeoutSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if ("200".equals(get(url)[0])) {
        return System.nanoTime();
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException(url + " did not answer 200 within " + timeoutSeconds + " s");
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
