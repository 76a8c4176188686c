package dev.watchkeeper.web.compat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v2/status} (alertmanagerStatus) and {@code GET /api/v2/receivers} with
 * Alertmanager 0.25's shapes, for {@code amtool config show}, {@code amtool cluster show} and
 * Grafana. Watchkeeper is no Alertmanager cluster ({@code cluster.status} is {@code disabled}, as
 * Alertmanager answers when clustering is off) and has no Alertmanager configuration: {@code
 * config.original} is a short, valid Alertmanager YAML saying that Watchkeeper routes internally.
 * {@code uptime} is, as in Alertmanager, the time the server started. {@code versionInfo.version}
 * is {@code 0.25.0+watchkeeper.<version>} (see {@link #apiVersion}); the other build fields are
 * empty, except {@code goVersion}, which names the Java runtime.
 *
 * <p>Alertmanager serves its status without authentication; here it needs a viewer token like the
 * rest of the API (it names the version). Registered by {@link AlertmanagerAlertsRoutes}.
 */
final class AlertmanagerStatusRoutes {
  static final String CONFIG_NOTE = """
      # Watchkeeper answers the Alertmanager API; it has no Alertmanager configuration.
      # Alerts are routed inside Watchkeeper: they become Watchkeeper alerts and incidents,
      # grouped by service, and its own config file decides who is told.
      global:
        resolve_timeout: 5m
      route:
        receiver: watchkeeper
        group_by: [service]
      receivers:
        - name: watchkeeper
      """;

  private final AlertmanagerAuth auth;
  private final ObjectMapper mapper;
  private final String version;
  private final Instant started;

  AlertmanagerStatusRoutes(AlertmanagerAuth auth, ObjectMapper mapper, String version,
      Instant started) {
    this.auth = auth;
    this.mapper = mapper;
    this.version = apiVersion(version);
    this.started = started;
  }

  /** The Alertmanager version whose API v2 this server answers like. */
  static final String AM_VERSION = "0.25.0";

  /**
   * {@code versionInfo.version}: the Alertmanager version whose API is spoken, with Watchkeeper's
   * own version as semver build metadata ({@code 0.25.0+watchkeeper.0.1.0-SNAPSHOT}). amtool
   * compares the major.minor of this with its own and prints a warning on every command when they
   * differ; with this form amtool 0.25 does not, and the Watchkeeper version is still there.
   */
  static String apiVersion(String watchkeeperVersion) {
    String v = watchkeeperVersion == null ? "" : watchkeeperVersion.replaceAll("[^0-9A-Za-z.-]",
        "-").replaceAll("\\.{2,}", ".").replaceAll("^\\.|\\.$", "");
    return v.isEmpty() ? AM_VERSION : AM_VERSION + "+watchkeeper." + v;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v2/status", AlertmanagerAlertsRoutes.amError(mapper, this::status));
    routes.get("/api/v2/receivers", AlertmanagerAlertsRoutes.amError(mapper, this::receivers));
  }

  private void status(Context ctx) {
    auth.require(ctx, Role.VIEWER);
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("name", "");
    cluster.put("peers", List.of());
    cluster.put("status", "disabled");
    Map<String, Object> versionInfo = new LinkedHashMap<>();
    versionInfo.put("branch", "");
    versionInfo.put("buildDate", "");
    versionInfo.put("buildUser", "");
    // Not Go: the Java runtime, written the way Go writes its version ("go1.19.8").
    versionInfo.put("goVersion", "java" + System.getProperty("java.version", ""));
    versionInfo.put("revision", "");
    versionInfo.put("version", version);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster", cluster);
    out.put("config", Map.of("original", CONFIG_NOTE));
    out.put("uptime", AlertmanagerAlertsRoutes.TIME.format(started));
    out.put("versionInfo", versionInfo);
    ctx.json(out);
  }

  private void receivers(Context ctx) {
    auth.require(ctx, Role.VIEWER);
    ctx.json(List.of(Map.of("name", AlertmanagerAlertsRoutes.RECEIVER)));
  }
}
