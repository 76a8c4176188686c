package dev.watchkeeper.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.testing.PgDatabase;
import dev.watchkeeper.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the escalation crash tests share: a config with one service whose every alert opens its
 * own incident and escalates through a policy of {@code levels} levels ({@code u1} .. {@code uN},
 * one user per level, no repeat), posting events, reading incidents through the API, and the
 * pages a user sees. Incidents are grouped by the label {@code alert}, which each event sets to
 * its dedup key; not by {@code window: 0s}, which still puts alerts reconciled in one batch (same
 * {@code now}) into one incident.
 */
final class EscalationRig {
  static final String ADMIN_TOKEN = "escalation-admin-token";
  static final String INTEGRATION_KEY = "escalation-integration-key";

  enum Db { SQLITE, POSTGRES }

  /** The server jar, the test's directory (logs, SQLite data), the config, the PG database. */
  record Setup(Path jar, Path dir, Path config, PgDatabase pg) {}

  /** One page as {@code GET /api/v1/incidents/{id}} shows it. */
  record Page(long incident, int level, String user, Instant at) {}

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  private EscalationRig() {}

  /**
   * A fresh test directory under {@code target/crash-it/} and a config: SQLite in it or a fresh
   * PostgreSQL database (skipped, saying so, with {@code -Dwatchkeeper.pg.skip=true}).
   */
  static Setup setUp(Db db, String kind, int levels, Duration delay) throws IOException {
    PgDatabase pg = db == Db.POSTGRES ? TestPostgres.freshDatabase() : null;
    Path jar = jar();
    Path dir = Files.createDirectories(jar.getParent().resolve("crash-it")
        .resolve(db.name().toLowerCase(Locale.ROOT) + "-" + kind + "-"
            + System.currentTimeMillis()));
    String storage;
    if (pg == null) {
      storage = "{url: \"\", data_dir: " + JSON.writeValueAsString(dir.resolve("data").toString())
          + "}";
    } else {
      // The embedded server is handed out as localhost; stay on 127.0.0.1.
      String url = pg.jdbcUrl().replaceFirst("^jdbc:postgresql://localhost:",
          "jdbc:postgresql://127.0.0.1:");
      storage = "{url: " + JSON.writeValueAsString(url)
          + ", username: " + JSON.writeValueAsString(pg.username())
          + ", password: " + JSON.writeValueAsString(pg.password())
          + ", data_dir: " + JSON.writeValueAsString(dir.resolve("data").toString()) + "}";
    }
    StringBuilder users = new StringBuilder();
    StringBuilder levelList = new StringBuilder();
    for (int l = 1; l <= levels; l++) {
      users.append("  - {id: u").append(l).append("}\n");
      levelList.append("      - {targets: [{user: u").append(l).append("}], delay: ")
          .append(delay.toMillis()).append("ms}\n");
    }
    Path config = Files.writeString(dir.resolve("watchkeeper.yml"), """
        server: {host: 127.0.0.1, port: 0}
        storage: %s
        ingest: {rate_limit: {events_per_second: 1000000, burst: 1000000}}
        api_tokens: [{name: t, role: admin, token: %s}]
        users:
        %sescalation_policies:
          - id: crash
            levels:
        %sservices:
          - id: crash
            integration_keys: [{name: k, key: %s}]
            grouping: {by: [alert]}
            escalation_policy: crash
        """.formatted(storage, ADMIN_TOKEN, users, levelList, INTEGRATION_KEY));
    return new Setup(jar, dir, config, pg);
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

  /**
   * Posts one critical event (its own alert, so its own incident: the summary is the title).
   *
   * @return the HTTP status, or -1 when there was no answer (connection refused or reset)
   */
  static int post(String baseUrl, String eventId, String dedupKey, String summary) {
    String body = "{\"id\":\"" + eventId + "\",\"source\":\"crash-test\",\"type\":\"crash.down\","
        + "\"severity\":\"critical\",\"dedup_key\":\"" + dedupKey + "\",\"summary\":\"" + summary
        + "\",\"labels\":{\"alert\":\"" + dedupKey + "\"}}";
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/events"))
          .header("Authorization", "Bearer " + INTEGRATION_KEY)
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** GET with the admin token; fails unless 200. */
  static JsonNode get(String baseUrl, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(10))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": "
          + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** Every incident (all pages of the list), newest first. */
  static List<JsonNode> incidents(String baseUrl) throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = get(baseUrl, "/api/v1/incidents?limit=100"
          + (cursor == null ? "" : "&cursor=" + cursor));
      page.get("incidents").forEach(out::add);
      JsonNode next = page.path("next_cursor");
      cursor = next.isTextual() ? next.asText() : null;
    } while (cursor != null);
    return out;
  }

  /** The pages of an incident detail, in the order they were written. */
  static List<Page> pages(long incident, JsonNode detail) {
    List<Page> out = new ArrayList<>();
    for (JsonNode p : detail.get("pages")) {
      out.add(new Page(incident, p.get("level").asInt(), p.get("user").asText(),
          Instant.parse(p.get("at").asText())));
    }
    return out;
  }

  /**
   * What is wrong with an incident's pages, or an empty list: each of levels 1..{@code levels}
   * paged exactly once, in order, to its user ({@code u<level>}), and each level at least
   * {@code delay} after the one before (a level never fires early).
   */
  static List<String> problems(List<Page> pages, int levels, Duration delay) {
    List<String> out = new ArrayList<>();
    List<Integer> seen = pages.stream().map(Page::level).toList();
    List<Integer> want = new ArrayList<>();
    for (int l = 1; l <= levels; l++) {
      want.add(l);
    }
    if (!seen.equals(want)) {
      out.add("levels paged " + seen + ", expected " + want);
    }
    for (int i = 0; i < pages.size(); i++) {
      Page p = pages.get(i);
      if (!p.user().equals("u" + p.level())) {
        out.add("level " + p.level() + " paged " + p.user());
      }
      if (i > 0 && p.at().isBefore(pages.get(i - 1).at().plus(delay))) {
        out.add("level " + p.level() + " at " + p.at() + " came less than " + delay.toMillis()
            + " ms after the level before (" + pages.get(i - 1).at() + ")");
      }
    }
    return out;
  }

  /** The q-quantile (0..1) of sorted values, nearest rank; NaN when empty. */
  static double quantile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static String stats(List<Long> values) {
    List<Long> s = values.stream().sorted().toList();
    if (s.isEmpty()) {
      return "none";
    }
    return String.format(Locale.ROOT, "n=%d min=%d p50=%.0f p99=%.0f max=%d ms", s.size(),
        s.get(0), quantile(s, 0.5), quantile(s, 0.99), s.get(s.size() - 1));
  }
}
