package dev.watchkeeper.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The responder pages (issue 7) over 100k incidents on SQLite: server time of {@code GET
 * /incidents} (first and deep pages) and {@code GET /incidents/{id}}, each next to the JSON API
 * request that reads the same rows (the baseline, measured in the same run); page weight (HTML
 * and assets as a browser fetches them, gzip); and first contentful paint in headless Chromium,
 * driven through chromedriver's WebDriver HTTP API (the protocol Selenium speaks; no client
 * library, so the bench stays JDK-only).
 *
 * <p>Run: {@code mvn -q -o package -DskipTests && mvn -q -f bench/pom.xml package &&
 * java -cp bench/target/ingest-bench.jar dev.watchkeeper.bench.PagesBench [options]}; options
 * {@code --jar}, {@code --incidents} (100000), {@code --connections} (1), {@code --warmup} (10 s),
 * {@code --duration} (15 s), {@code --loads} (page loads in Chromium, 20), {@code --out}.
 */
final class PagesBench {
  static final String VIEWER_TOKEN = "bench-viewer-token";
  static final String ADMIN_TOKEN = "bench-admin-token";
  static final String KEY = "bench-integration-key";
  static final String PASSWORD = "bench-password-123";
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private PagesBench() {}

  record Row(String name, String path, LoadGenerator.Result r, long bytes) {
    double p(double q) {
      return r.latencyMicros().getValueAtPercentile(q) / 1000.0;
    }
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(ChecksBench.arg(args, "--jar", "target/watchkeeper.jar"));
    int n = Integer.parseInt(ChecksBench.arg(args, "--incidents", "100000"));
    int conns = Integer.parseInt(ChecksBench.arg(args, "--connections", "1"));
    double warmup = Double.parseDouble(ChecksBench.arg(args, "--warmup", "10"));
    double duration = Double.parseDouble(ChecksBench.arg(args, "--duration", "15"));
    int loads = Integer.parseInt(ChecksBench.arg(args, "--loads", "20"));
    Path out = Path.of(ChecksBench.arg(args, "--out", "bench/PAGES-RESULTS.md"));

    Path tmp = Files.createTempDirectory("wk-bench-pages-");
    Path config = tmp.resolve("watchkeeper.yml");
    Files.writeString(config, """
        server: {host: 127.0.0.1, port: 0}
        storage: {data_dir: "%s"}
        logging: {level: warn}
        security: {secure_cookies: false}
        ingest: {rate_limit: {events_per_second: 1000000, burst: 1000000}}
        api_tokens:
          - {name: admin, role: admin, token: %s}
          - {name: viewer, role: viewer, token: %s}
        services:
          - id: bench
            integration_keys: [{name: k, key: %s}]
        """.formatted(tmp.resolve("data"), ADMIN_TOKEN, VIEWER_TOKEN, KEY));
    Path db = tmp.resolve("data").resolve("watchkeeper.db");
    ChecksBench.stop(ChecksBench.start(jar, config, tmp.resolve("migrate.log")));
    long t0 = System.nanoTime();
    IncidentsBench.fill(db, n);
    System.out.printf(Locale.ROOT, "filled %d incidents in %.1f s%n", n,
        (System.nanoTime() - t0) / 1e9);

    ChecksBench.Server s = ChecksBench.start(jar, config, tmp.resolve("pages.log"));
    StringBuilder md = new StringBuilder();
    try {
      String base = "http://127.0.0.1:" + s.port();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      // One real incident with alerts, a timeline and notes (the filled ones have none).
      long real = realIncident(http, base, n);
      System.out.println("incident with alerts and a timeline: #" + real);

      InetSocketAddress addr = new InetSocketAddress("127.0.0.1", s.port());
      Random rnd = new Random(7);
      List<Row> rows = new ArrayList<>();
      rows.add(measure(addr, "JSON API first page (baseline)", fixed("/api/v1/incidents?limit=50"),
          conns, warmup, duration, http, base));
      rows.add(measure(addr, "`/incidents` first page", fixed("/incidents"), conns, warmup,
          duration, http, base));
      rows.add(measure(addr, "JSON API random deep page (baseline)",
          random(rnd, n, id -> "/api/v1/incidents?limit=50&cursor=" + cursor(id)), conns,
          warmup, duration, http, base));
      rows.add(measure(addr, "`/incidents` random deep page",
          random(rnd, n, id -> "/incidents?cursor=" + cursor(id)), conns, warmup, duration,
          http, base));
      rows.add(measure(addr, "JSON API incident, random of " + n + " (baseline)",
          random(rnd, n, id -> "/api/v1/incidents/" + id), conns, warmup, duration, http, base));
      rows.add(measure(addr, "`/incidents/{id}`, random of " + n, random(rnd, n,
          id -> "/incidents/" + id), conns, warmup, duration, http, base));
      rows.add(measure(addr, "JSON API incident with alerts + timeline (baseline)",
          fixed("/api/v1/incidents/" + real), conns, warmup, duration, http, base));
      rows.add(measure(addr, "`/incidents/{id}` with alerts + timeline",
          fixed("/incidents/" + real), conns, warmup, duration, http, base));

      md.append("| request | conns | requests/s | p50 ms | p99 ms | max ms | errors | body bytes |"
          + " p99 vs JSON API | goal p99 < 50 ms |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        boolean page = i % 2 == 1;
        String ratio = page ? String.format(Locale.ROOT, "%.2f×", r.p(99) / rows.get(i - 1).p(99))
            : "–";
        md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.2f | %.2f | %.1f | %d | %,d |"
                + " %s | %s |%n", r.name(), conns, r.r().okRequests() / r.r().seconds(), r.p(50),
            r.p(99), r.r().latencyMicros().getMaxValue() / 1000.0, r.r().errorRequests(),
            r.bytes(), ratio, page ? (r.p(99) < 50 ? "**met**" : "**missed**") : "baseline"));
      }

      // Page weight as a browser with an empty cache fetches it (gzip where offered).
      md.append("\n| page | HTML bytes (raw / gzip) | assets (gzip) | total over the wire |"
          + " goal < 100 KB |\n|---|--:|--:|--:|---|\n");
      String cookie = login(http, base);
      for (String path : List.of("/incidents", "/incidents/" + real)) {
        long[] w = weight(http, base, path, cookie);
        md.append(String.format(Locale.ROOT, "| `%s` | %,d / %,d | %,d | %,d | %s |%n", path,
            w[0], w[1], w[2], w[1] + w[2], w[1] + w[2] < 100_000 ? "**met**" : "**missed**"));
      }

      // First contentful paint in headless Chromium.
      if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
        md.append("\n| page in headless Chromium | loads | FCP first load ms | FCP median ms |"
            + " FCP max ms | DOMContentLoaded median ms | load median ms | transferred, first"
            + " load |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
        try (WebDriver wd = WebDriver.start(tmp)) {
          wd.get(base + "/healthz");
          wd.addCookie("wk_session", cookie.substring(cookie.indexOf('=') + 1));
          for (String path : List.of("/api/v1/incidents?limit=50", "/incidents",
              "/incidents/" + real)) {
            md.append(paints(wd, base, path, loads));
          }
        }
      } else {
        md.append("\nFirst paint: skipped (no " + CHROMIUM + " / " + CHROMEDRIVER + ").\n");
      }
    } finally {
      ChecksBench.stop(s);
    }
    String text = "# Pages benchmark\n\nRun " + java.time.Instant.now() + ", SQLite, " + n
        + " incidents, " + Runtime.getRuntime().availableProcessors() + " cores, warm-up "
        + warmup + " s, measured " + duration + " s each.\n\n" + md;
    Files.writeString(out, text);
    System.out.println(text);
    System.out.println("written to " + out + "; server logs in " + tmp);
  }

  interface PathOf {
    String of(long id);
  }

  private static List<String> fixed(String path) {
    return List.of(path);
  }

  private static List<String> random(Random rnd, int n, PathOf p) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      out.add(p.of(1 + rnd.nextInt(n)));
    }
    return out;
  }

  /** The server's cursor format: base64url of "i" + the id (web/Params). */
  static String cursor(long id) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("i" + id).getBytes(StandardCharsets.US_ASCII));
  }

  private static Row measure(InetSocketAddress addr, String name, List<String> paths, int conns,
      double warmup, double duration, HttpClient http, String base) throws Exception {
    byte[][] requests = new byte[paths.size()][];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = ("GET " + paths.get(i) + " HTTP/1.1\r\nHost: 127.0.0.1:" + addr.getPort()
          + "\r\nAuthorization: Bearer " + VIEWER_TOKEN + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }
    HttpResponse<byte[]> one = http.send(HttpRequest.newBuilder(URI.create(base + paths.get(0)))
        .header("Authorization", "Bearer " + VIEWER_TOKEN).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (one.statusCode() != 200) {
      throw new IllegalStateException(paths.get(0) + " answered " + one.statusCode());
    }
    System.out.println("-- " + name);
    LoadGenerator.Result r = new LoadGenerator(addr, requests, conns, 1, warmup, duration,
        Long.MAX_VALUE).await();
    Row row = new Row(name, paths.get(0), r, one.body().length);
    System.out.printf(Locale.ROOT, "   %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d %s%n",
        r.okRequests() / r.seconds(), row.p(50), row.p(99), r.errorRequests(), r.statuses());
    return row;
  }

  /** Two alerts, 30 notes, an acknowledgement: an incident as a responder sees it at 3 a.m. */
  private static long realIncident(HttpClient http, String base, int filled) throws Exception {
    for (int i = 0; i < 2; i++) {
      post(http, base, "/api/v2/alerts", KEY, "[{\"labels\":{\"alertname\":\"HighLatency\","
          + "\"instance\":\"web-" + i + "\",\"job\":\"checkout\",\"severity\":\"critical\"},"
          + "\"annotations\":{\"summary\":\"p99 latency above 2 s on web-" + i + "\","
          + "\"runbook_url\":\"https://runbooks.example.com/latency\"},"
          + "\"generatorURL\":\"https://prometheus.example.com/graph?g0.expr=x\"}]");
    }
    long id = -1;
    for (int tries = 0; tries < 200 && id < 0; tries++) {
      String list = get(http, base, "/api/v1/incidents?limit=1", ADMIN_TOKEN);
      Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(list);
      if (m.find() && Long.parseLong(m.group(1)) > filled) {
        id = Long.parseLong(m.group(1));
      } else {
        Thread.sleep(50);
      }
    }
    if (id < 0) {
      throw new IllegalStateException("no incident was opened by the alerts");
    }
    for (int i = 0; i < 30; i++) {
      post(http, base, "/api/v1/incidents/" + id + "/notes", ADMIN_TOKEN,
          "{\"text\":\"checked web-" + i + ": connection pool at 100%, restarting\"}");
    }
    post(http, base, "/api/v1/incidents/" + id + "/acknowledge", ADMIN_TOKEN, "{}");
    return id;
  }

  private static String login(HttpClient http, String base) throws Exception {
    post(http, base, "/api/v1/users", ADMIN_TOKEN, "{\"name\":\"bench\",\"password\":\""
        + PASSWORD + "\",\"roles\":{\"*\":\"viewer\"}}");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"name\":\"bench\",\"password\":\"" + PASSWORD + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("login answered " + r.statusCode() + ": " + r.body());
    }
    String c = r.headers().firstValue("Set-Cookie").orElseThrow();
    return c.substring(0, c.indexOf(';'));
  }

  /** HTML raw bytes, HTML gzip bytes, assets gzip bytes. */
  private static long[] weight(HttpClient http, String base, String path, String cookie)
      throws Exception {
    HttpResponse<byte[]> raw = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> gz = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Cookie", cookie).header("Accept-Encoding", "gzip").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    String html = new String(raw.body(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(html);
    long assets = 0;
    while (m.find()) {
      assets += http.send(HttpRequest.newBuilder(URI.create(base + m.group(1)))
          .header("Accept-Encoding", "gzip").GET().build(),
          HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }
    return new long[] {raw.body().length, gz.body().length, assets};
  }

  private static String paints(WebDriver wd, String base, String path, int loads)
      throws Exception {
    double[] fcp = new double[loads];
    double[] dcl = new double[loads];
    double[] load = new double[loads];
    long firstTransfer = 0;
    for (int i = 0; i < loads; i++) {
      if (i == 0) {
        wd.clearCache();
      }
      wd.get(base + path);
      // FCP can come after the load event: wait for it (buffered observer), at most 5 s.
      String v = wd.asyncScript("const done = arguments[arguments.length - 1];"
          + "let sent = false;"
          + "const finish = () => { if (sent) return; sent = true;"
          + " const p = performance.getEntriesByName('first-contentful-paint')[0];"
          + " const n = performance.getEntriesByType('navigation')[0];"
          + " const t = performance.getEntriesByType('resource').reduce((s, r) => s +"
          + " r.transferSize, n.transferSize);"
          + " done([p ? p.startTime : -1, n.domContentLoadedEventEnd, n.loadEventEnd, t]"
          + ".join(',')); };"
          + "if (performance.getEntriesByName('first-contentful-paint').length) finish();"
          + "else { new PerformanceObserver(() => finish()).observe({type: 'paint',"
          + " buffered: true}); setTimeout(finish, 5000); }");
      String[] f = v.split(",");
      fcp[i] = Double.parseDouble(f[0]);
      dcl[i] = Double.parseDouble(f[1]);
      load[i] = Double.parseDouble(f[2]);
      if (i == 0) {
        firstTransfer = (long) Double.parseDouble(f[3]);
      }
    }
    double first = fcp[0];
    Arrays.sort(fcp);
    Arrays.sort(dcl);
    Arrays.sort(load);
    String row = String.format(Locale.ROOT, "| `%s` | %d | %.0f | %.0f | %.0f | %.0f | %.0f |"
            + " %,d B |%n", path, loads, first, fcp[loads / 2], fcp[loads - 1], dcl[loads / 2],
        load[loads / 2], firstTransfer);
    System.out.print(row);
    return row;
  }

  private static void post(HttpClient http, String base, String path, String token,
      String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": "
          + r.body());
    }
  }

  private static String get(HttpClient http, String base, String path, String token)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The few WebDriver commands the paint measurement needs, over HTTP to chromedriver. */
  static final class WebDriver implements AutoCloseable {
    private final Process driver;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private WebDriver(Process driver, String url) {
      this.driver = driver;
      this.url = url;
    }

    static WebDriver start(Path tmp) throws Exception {
      int port;
      try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
        port = ss.getLocalPort();
      }
      Process p = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(tmp.resolve("chromedriver.log").toFile()))
          .start();
      String base = "http://127.0.0.1:" + port;
      HttpClient h = HttpClient.newHttpClient();
      for (int i = 0; i < 100; i++) {
        try {
          if (h.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
            break;
          }
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      String caps = "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\","
          + "\"goog:chromeOptions\":{\"binary\":\"" + CHROMIUM + "\",\"args\":[\"--headless=new\","
          + "\"--no-sandbox\",\"--disable-dev-shm-usage\",\"--disable-gpu\",\"--no-first-run\","
          + "\"--window-size=1280,900\",\"--user-data-dir=" + tmp.resolve("profile") + "\"]}}}}";
      String r = h.send(HttpRequest.newBuilder(URI.create(base + "/session"))
          .POST(HttpRequest.BodyPublishers.ofString(caps)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"").matcher(r);
      if (!m.find()) {
        p.destroy();
        throw new IllegalStateException("chromedriver: no session: " + r);
      }
      return new WebDriver(p, base + "/session/" + m.group(1));
    }

    void get(String page) throws Exception {
      call("POST", "/url", "{\"url\":\"" + page + "\"}");
    }

    void addCookie(String name, String value) throws Exception {
      call("POST", "/cookie", "{\"cookie\":{\"name\":\"" + name + "\",\"value\":\"" + value
          + "\",\"path\":\"/\"}}");
    }

    void clearCache() throws Exception {
      call("POST", "/goog/cdp/execute", "{\"cmd\":\"Network.clearBrowserCache\",\"params\":{}}");
    }

    /** Runs {@code js}, which calls its last argument with a string, and returns the string. */
    String asyncScript(String js) throws Exception {
      String r = call("POST", "/execute/async", "{\"script\":" + quote(js) + ",\"args\":[]}");
      Matcher m = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]*)\"").matcher(r);
      if (!m.find()) {
        throw new IllegalStateException("script failed: " + r);
      }
      return m.group(1);
    }

    private String call(String method, String path, String body) throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path))
          .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(method + " " + path + ": " + r.body());
      }
      return r.body();
    }

    private static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws Exception {
      try {
        call("DELETE", "", "");
      } finally {
        driver.destroy();
        driver.waitFor();
      }
    }
  }
}
