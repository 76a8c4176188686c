package dev.watchkeeper.web.compat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.alert.Alert;
import dev.watchkeeper.alert.AlertLabels;
import dev.watchkeeper.alert.AlertQuery;
import dev.watchkeeper.alert.AlertStatus;
import dev.watchkeeper.alert.AlertStore;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.mute.Inhibitions;
import dev.watchkeeper.mute.Matcher;
import dev.watchkeeper.mute.Silences;
import dev.watchkeeper.web.HttpServer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The alert-reading endpoints of the Alertmanager API v2, with Alertmanager 0.25's JSON shapes, so
 * that amtool ({@code amtool alert query}) and Grafana can read Watchkeeper's alerts:
 * {@code GET /api/v2/alerts} (gettableAlerts) and {@code GET /api/v2/alerts/groups} (alertGroups).
 * {@link #register} also registers {@link AlertmanagerStatusRoutes} ({@code GET /api/v2/status},
 * {@code GET /api/v2/receivers}).
 *
 * <p>Only firing alerts are listed: Alertmanager lists active alerts, and resolved ones disappear
 * from its API. Every alert has the one receiver {@code watchkeeper}; alerts are grouped by
 * service. An alert muted by an active silence is {@code suppressed} with the silence ids in
 * {@code silencedBy}; an alert inhibited by the config's {@code inhibit_rules} is
 * {@code suppressed} with the fingerprints of the firing source alerts in {@code inhibitedBy}
 * (computed from the alerts firing now, like Alertmanager's view at the time of the request).
 *
 * <p>Authentication as for the silence endpoints: a viewer (or higher) API token as a bearer token
 * or as the Basic auth password. Errors are Alertmanager-style JSON strings.
 */
public final class AlertmanagerAlertsRoutes {
  /** The only receiver: Watchkeeper routes internally. */
  static final String RECEIVER = "watchkeeper";

  /**
   * How long after its last report a firing alert is expected to end unless reported again:
   * Alertmanager's default {@code resolve_timeout}. Prometheus re-sends firing alerts every
   * minute, so this end stays in the future while Prometheus keeps reporting.
   */
  static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(5);

  /** strfmt.DateTime's format, which Alertmanager writes (milliseconds, UTC). */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final AlertmanagerAuth auth;
  private final ObjectMapper mapper;
  private final AlertStore alerts;
  private final Silences silences;
  private final Inhibitions inhibitions;
  private final AlertmanagerStatusRoutes status;

  public AlertmanagerAlertsRoutes(HttpServer.Deps d, dev.watchkeeper.web.Auth auth) {
    this.auth = new AlertmanagerAuth(auth);
    this.mapper = d.mapper();
    this.alerts = d.alerts();
    this.silences = d.silences();
    this.inhibitions = d.inhibitions();
    this.status = new AlertmanagerStatusRoutes(this.auth, d.mapper(), d.version(), d.clock().instant());
  }

  /** Registers the alert endpoints and the status endpoints. */
  public void register(RoutesConfig routes) {
    routes.get("/api/v2/alerts", amError(mapper, this::list));
    routes.get("/api/v2/alerts/groups", amError(mapper, this::groups));
    status.register(routes);
  }

  /** Answers {@link AlertmanagerError} as Alertmanager does: the status and a JSON string. */
  static Handler amError(ObjectMapper mapper, Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (AlertmanagerError e) {
        ctx.status(e.status()).contentType("application/json")
            .result(mapper.writeValueAsString(e.getMessage()));
      }
    };
  }

  private void list(Context ctx) {
    auth.require(ctx, Role.VIEWER);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Listed a : select(ctx)) {
      out.add(a.json());
    }
    ctx.json(out);
  }

  private void groups(Context ctx) {
    auth.require(ctx, Role.VIEWER);
    Map<String, List<Map<String, Object>>> byService = new TreeMap<>();
    for (Listed a : select(ctx)) {
      byService.computeIfAbsent(a.alert().service(), s -> new ArrayList<>()).add(a.json());
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, List<Map<String, Object>>> g : byService.entrySet()) {
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("labels", Map.of("service", g.getKey()));
      group.put("receiver", Map.of("name", RECEIVER));
      group.put("alerts", g.getValue());
      out.add(group);
    }
    ctx.json(out);
  }

  /** One alert as listed, with its JSON (gettableAlert). */
  private record Listed(Alert alert, Map<String, Object> json) {}

  /**
   * The firing alerts that pass the request's filters, sorted by fingerprint like Alertmanager.
   * Query parameters, as in Alertmanager ({@code alertFilter} in api/v2): {@code active}
   * (false hides alerts that are neither silenced nor inhibited), {@code silenced} (false hides
   * silenced ones), {@code inhibited} (false hides inhibited ones), {@code unprocessed} (booleans,
   * default true; {@code unprocessed} is accepted and, as in Alertmanager 0.25, does not filter),
   * {@code filter} (matchers, repeatable, all must match), {@code receiver} (accepted and ignored:
   * every alert goes to the one receiver).
   */
  private List<Listed> select(Context ctx) {
    boolean active = bool(ctx, "active");
    boolean silenced = bool(ctx, "silenced");
    boolean inhibited = bool(ctx, "inhibited");
    bool(ctx, "unprocessed");
    List<Matcher> filter = new ArrayList<>();
    for (String f : ctx.queryParams("filter")) {
      filter.addAll(AlertmanagerMatchers.parse(f));
    }
    List<Alert> firing = firing();
    Map<Long, AlertStore.LastEvent> last = alerts.lastEvents(firing);
    // Every firing alert may be a source, whatever the filters: no second read needed.
    Function<Map<String, String>, List<String>> inhibitors = inhibitions == null
        ? labels -> List.of()
        : inhibitions.over(firing.stream()
            .map(a -> new AlertLabels(a.service(), a.fingerprint(), a.labels())).toList());
    java.util.function.BiFunction<String, Map<String, String>, List<String>> silencers =
        silences == null ? (service, labels) -> List.of() : silences.snapshot();
    var principal = auth.require(ctx, Role.VIEWER);
    List<Listed> out = new ArrayList<>();
    for (Alert a : firing) {
      if (!matches(filter, a.labels()) || !auth.canSee(principal, a.service())) {
        continue;
      }
      List<String> silencedBy = silencers.apply(a.service(), a.labels());
      List<String> inhibitedBy = inhibitors.apply(a.labels());
      boolean suppressed = !silencedBy.isEmpty() || !inhibitedBy.isEmpty();
      if ((!active && !suppressed) || (!silenced && !silencedBy.isEmpty())
          || (!inhibited && !inhibitedBy.isEmpty())) {
        continue;
      }
      out.add(new Listed(a, render(a, last.get(a.lastSeq()), silencedBy, inhibitedBy)));
    }
    out.sort(Comparator.comparing((Listed l) -> l.alert().fingerprint())
        .thenComparing(l -> l.alert().service()));
    return out;
  }

  /** Every firing alert, read page by page. */
  private List<Alert> firing() {
    List<Alert> all = new ArrayList<>();
    Long before = null;
    while (true) {
      List<Alert> page = alerts.list(new AlertQuery(null, AlertStatus.FIRING, null, before,
          AlertQuery.MAX_LIMIT));
      all.addAll(page);
      if (page.size() < AlertQuery.MAX_LIMIT) {
        return all;
      }
      before = page.get(page.size() - 1).id();
    }
  }

  /**
   * Alertmanager's filter rule for alerts ({@code matchFilterLabels}): a missing label is "", but
   * an {@code =}/{@code =~} matcher with an empty value accepts a missing label, and a
   * {@code !=}/{@code !~} matcher with an empty value accepts a present one.
   */
  static boolean matches(List<Matcher> filter, Map<String, String> labels) {
    for (Matcher m : filter) {
      boolean present = labels.containsKey(m.name());
      if (m.value().isEmpty() && (m.isEqual() ? !present : present)) {
        continue;
      }
      if (!m.matchesValue(labels.get(m.name()))) {
        return false;
      }
    }
    return true;
  }

  /** A gettableAlert. */
  private Map<String, Object> render(Alert a, AlertStore.LastEvent last, List<String> silencedBy,
      List<String> inhibitedBy) {
    JsonNode payload = payload(last);
    Instant updatedAt = last == null || last.receivedAt().isBefore(a.lastSeen())
        ? a.lastSeen() : last.receivedAt();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("annotations", annotations(payload));
    // The alert's end time (AlertExpiry: its endsAt, or resolve_timeout after its last report).
    // Alerts of other sources have none; they are shown as Alertmanager shows an alert sent
    // without endsAt: resolve_timeout (5m) after it was last reported (the later of last_seen and
    // the receipt of its last event), though they resolve only when their source says so.
    m.put("endsAt", TIME.format(a.endsAt() != null ? a.endsAt()
        : updatedAt.plus(RESOLVE_TIMEOUT)));
    m.put("fingerprint", a.fingerprint());
    m.put("receivers", List.of(Map.of("name", RECEIVER)));
    m.put("startsAt", TIME.format(a.firstSeen()));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("inhibitedBy", inhibitedBy);
    status.put("silencedBy", silencedBy);
    status.put("state", silencedBy.isEmpty() && inhibitedBy.isEmpty() ? "active" : "suppressed");
    m.put("status", status);
    m.put("updatedAt", TIME.format(updatedAt));
    JsonNode gen = payload == null ? null : payload.get("generatorURL");
    m.put("generatorURL", gen != null && gen.isTextual() ? gen.textValue() : "");
    m.put("labels", new TreeMap<>(a.labels()));
    return m;
  }

  private JsonNode payload(AlertStore.LastEvent last) {
    if (last == null || last.payloadJson() == null) {
      return null;
    }
    try {
      JsonNode n = mapper.readTree(last.payloadJson());
      return n != null && n.isObject() ? n : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The string values of the payload's {@code annotations} object; {@code {}} without one. */
  static Map<String, String> annotations(JsonNode payload) {
    Map<String, String> out = new TreeMap<>();
    JsonNode ann = payload == null ? null : payload.get("annotations");
    if (ann != null && ann.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ann.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual()) {
          out.put(e.getKey(), e.getValue().textValue());
        }
      }
    }
    return out;
  }

  /** A boolean query parameter, default true; 400 (a JSON string) when not true/false. */
  static boolean bool(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return true;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new AlertmanagerError(400, name + " in query must be of type boolean: \""
          + v + "\"");
    };
  }
}
