package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.check.Check;
import dev.watchkeeper.check.CheckSpec;
import dev.watchkeeper.check.CheckStatus;
import dev.watchkeeper.check.CheckStore;
import dev.watchkeeper.check.Checks;
import dev.watchkeeper.check.Flip;
import dev.watchkeeper.check.Ping;
import dev.watchkeeper.check.Schedule;
import dev.watchkeeper.check.probe.Probe;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.ProbeDefinition;
import dev.watchkeeper.notify.net.SsrfGuard;
import java.net.URI;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.event.Severity;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks over the API: list and read (viewer), create, change, pause, resume and delete
 * (responder), recent pings and state changes (viewer); and the public SVG status badge
 * ({@code /badge/<badge-key>.svg}, no token: the key is the secret). Checks of the config file
 * can be paused and resumed here but changed and deleted only in the file.
 *
 * <p>A check created with a {@code probe} (the same definition as in the config file) is a probe
 * run by this server. Its target is checked against {@code checks.probe_allow_private_networks}
 * when it is created or changed: an internal target not allowed there is refused with 422.
 */
final class CheckRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final List<String> FIELDS = List.of("name", "slug", "service", "period", "grace",
      "cron", "time_zone", "parent", "keywords", "severity", "probe");

  private final LiveConfig config;
  /** Base of the URLs handed out (public_url, else the bound address). */
  private final java.util.function.Supplier<String> publicUrl;
  private final Auth auth;
  private final ObjectMapper mapper;
  private final Checks checks;
  private final CheckStore store;

  CheckRoutes(LiveConfig config, Auth auth, ObjectMapper mapper, Checks checks,
      java.util.function.Supplier<String> publicUrl) {
    this.publicUrl = publicUrl;
    this.config = config;
    this.auth = auth;
    this.mapper = mapper;
    this.checks = checks;
    this.store = checks.store();
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/checks", this::list);
    routes.post("/api/v1/checks", this::create);
    routes.get("/api/v1/checks/{id}", this::get);
    routes.patch("/api/v1/checks/{id}", this::update);
    routes.post("/api/v1/checks/{id}", this::update);
    routes.delete("/api/v1/checks/{id}", this::delete);
    routes.post("/api/v1/checks/{id}/pause", ctx -> change(ctx, checks::pause));
    routes.post("/api/v1/checks/{id}/resume", ctx -> change(ctx, checks::resume));
    routes.get("/api/v1/checks/{id}/pings", this::pings);
    routes.get("/api/v1/checks/{id}/flips", this::flips);
    routes.get("/badge/{file}", this::badge);
  }

  private void list(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    CheckStatus status = null;
    String st = ctx.queryParam("status");
    if (st != null) {
      status = CheckStatus.parse(st).orElseThrow(() -> ApiException.badRequest(
          "status: must be new, up, late, down or paused"));
    }
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, String> probes = store.probeDefinitions();
    // Checks of the caller's teams only, narrowed in the query.
    for (Check c : store.list(ctx.queryParam("service"), status, limit,
        auth.visibleServices(principal))) {
      out.add(body(c, probes.get(c.id())));
    }
    ctx.json(Map.of("checks", out));
  }

  private void get(Context ctx) {
    ctx.json(body(guarded(ctx, Role.VIEWER)));
  }

  /**
   * The check of the path, once the caller has {@code role} on a team owning its service (403
   * otherwise; 404 for no such check).
   */
  private Check guarded(Context ctx, Role role) {
    var principal = auth.require(ctx, role);
    Check c = found(ctx);
    auth.requireService(ctx, principal, role, c.spec().service());
    return c;
  }

  private void create(Context ctx) {
    var principal = auth.require(ctx, Role.RESPONDER);
    JsonNode in = json(ctx);
    Request r = spec(in, null);
    CheckSpec spec = r.spec();
    auth.requireService(ctx, principal, Role.RESPONDER, spec.service());
    allowed(r.probe());
    Checks.Outcome o = checks.create(spec, Check.Origin.API, definition(r.probe()));
    ctx.status(201);
    answer(ctx, o, spec.slug());
  }

  private void update(Context ctx) {
    var principal = auth.require(ctx, Role.RESPONDER);
    Check c = guarded(ctx, Role.RESPONDER);
    Request r = spec(json(ctx), c.spec());
    CheckSpec spec = r.spec();
    auth.requireService(ctx, principal, Role.RESPONDER, spec.service()); // moving it too
    allowed(r.probe());
    answer(ctx, checks.update(c.id(), spec, definition(r.probe())), c.id());
  }

  /** A check from a request, and its probe if the request defines one (else null). */
  private record Request(CheckSpec spec, Probe probe) {}

  private static String definition(Probe p) {
    return p == null ? null : ProbeDefinition.json(p).toString();
  }

  /**
   * 422 for a probe target that is internal (loopback, private, link-local...) and not in
   * {@code checks.probe_allow_private_networks}. A name that does not resolve now is accepted
   * (the prober checks every run again). DNS probes only ask the resolver.
   */
  private void allowed(Probe p) {
    if (p == null || p.type() == Probe.Type.DNS) {
      return;
    }
    URI uri;
    try {
      uri = p.type() == Probe.Type.HTTP ? new URI(p.target()) : new URI("http://" + p.target());
    } catch (java.net.URISyntaxException e) {
      throw ApiException.badRequest("probe." + p.type().wire() + ": not a valid target");
    }
    SsrfGuard guard = new SsrfGuard(config.get().checks().probeAllowPrivateNetworks());
    if (guard.check(uri) instanceof SsrfGuard.Verdict.Refused refused) {
      throw new ApiException(422, "target_not_allowed", "probe." + p.type().wire() + ": "
          + refused.reason() + "; an admin can allow internal networks for probes with"
          + " checks.probe_allow_private_networks");
    }
  }

  private void delete(Context ctx) {
    Check c = guarded(ctx, Role.RESPONDER);
    Checks.Outcome o = checks.delete(c.id());
    if (o instanceof Checks.Outcome.Done) {
      ctx.json(Map.of("id", c.id(), "deleted", true));
    } else {
      answer(ctx, o, c.id());
    }
  }

  private void change(Context ctx, java.util.function.Function<String, Checks.Outcome> op) {
    answer(ctx, op.apply(guarded(ctx, Role.RESPONDER).id()), ctx.pathParam("id"));
  }

  private void answer(Context ctx, Checks.Outcome o, String what) {
    if (o instanceof Checks.Outcome.Done d) {
      ctx.json(body(d.check()));
    } else if (o instanceof Checks.Outcome.Conflict c) {
      throw new ApiException(409, "conflict", c.message());
    } else {
      throw ApiException.notFound("no check " + what);
    }
  }

  private void pings(Context ctx) {
    Check c = guarded(ctx, Role.VIEWER);
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Ping p : store.pings(c.id(), limit)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", p.at().toString());
      m.put("kind", p.kind().wire());
      m.put("exit_code", p.exitCode());
      m.put("transport", p.transport());
      m.put("method", p.method());
      m.put("remote_addr", p.remoteAddr());
      m.put("user_agent", p.userAgent());
      m.put("rid", p.rid());
      m.put("duration_ms", p.durationMs());
      m.put("body", p.body());
      m.put("body_truncated", p.bodyTruncated());
      out.add(m);
    }
    ctx.json(Map.of("pings", out));
  }

  private void flips(Context ctx) {
    Check c = guarded(ctx, Role.VIEWER);
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, 1000);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Flip f : store.flips(c.id(), limit)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", f.at().toString());
      m.put("from", f.from().wire());
      m.put("to", f.to().wire());
      m.put("reason", f.reason());
      m.put("suppressed_by", f.suppressedBy());
      out.add(m);
    }
    ctx.json(Map.of("flips", out));
  }

  private void badge(Context ctx) {
    String file = ctx.pathParam("file");
    Check c = file.endsWith(".svg")
        ? store.findByBadgeKey(file.substring(0, file.length() - 4)).orElse(null) : null;
    if (c == null) {
      throw ApiException.notFound("no such badge");
    }
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType("image/svg+xml; charset=utf-8")
        .result(Badge.svg(c.spec().name(), c.status()));
  }

  private Check found(Context ctx) {
    String id = ctx.pathParam("id");
    return store.find(id.toLowerCase(Locale.ROOT))
        .orElseThrow(() -> ApiException.notFound("no check with id " + id));
  }

  private JsonNode json(Context ctx) {
    byte[] raw = Bodies.read(ctx, 64 * 1024);
    try {
      JsonNode n = mapper.readTree(raw);
      if (n == null || !n.isObject()) {
        throw ApiException.badRequest("the body must be a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not valid JSON");
    }
  }

  /** A spec from a JSON body; fields absent from an update keep their value in {@code base}. */
  private Request spec(JsonNode in, CheckSpec base) {
    List<String> errors = new ArrayList<>();
    in.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        errors.add(f + ": unknown field (known: " + String.join(", ", FIELDS) + ")");
      }
    });
    String service = text(in, "service", base == null ? null : base.service(), errors);
    if (service == null) {
      errors.add("service: is required");
    } else if (config.get().service(service).isEmpty()) {
      errors.add("service: unknown service \"" + service + "\"");
    }
    String slug = text(in, "slug", base == null ? null : base.slug(), errors);
    String name = text(in, "name", base == null ? null : base.name(), errors);
    if (slug == null && name != null) {
      slug = slugOf(name);
    }
    if (slug == null) {
      errors.add("slug: is required (or a name to make it from)");
    } else if (!CheckSpec.SLUG.matcher(slug).matches()) {
      errors.add("slug: must match " + CheckSpec.SLUG.pattern());
    }
    if (name == null) {
      name = slug;
    }
    if (name != null && (name.isBlank() || name.length() > CheckSpec.MAX_NAME_LENGTH)) {
      errors.add("name: must be 1 to " + CheckSpec.MAX_NAME_LENGTH + " characters");
    }
    Probe probe = null;
    boolean isProbe = base != null && base.kind() == CheckSpec.Kind.PROBE;
    if (in.has("probe")) {
      JsonNode p = in.get("probe");
      if (base != null && !isProbe) {
        errors.add("probe: a heartbeat check cannot become a probe; create a new check");
      } else if (p.isNull()) {
        errors.add(base == null ? "probe: must be an object like {\"http\": \"https://...\"}"
            : "probe: cannot be removed; delete the check and create a heartbeat");
      } else {
        ProbeDefinition.Parsed parsed = ProbeDefinition.parse(p, "probe");
        errors.addAll(parsed.errors());
        probe = parsed.probe();
        isProbe = true;
      }
    }
    if (isProbe) {
      for (String f : List.of("period", "cron", "time_zone")) {
        if (in.has(f)) {
          errors.add(f + ": a probe runs every probe.interval; " + f + " is for heartbeats");
        }
      }
    }
    Schedule schedule = base == null ? null : base.schedule();
    if (probe != null) {
      schedule = new Schedule.Every(probe.interval()); // the prober's own heartbeat
    } else if (isProbe) {
      // unchanged
    } else if (in.has("period") && in.has("cron")) {
      errors.add("period and cron exclude each other; give one");
    } else if (in.has("cron")) {
      String tz = text(in, "time_zone", base != null && base.schedule() instanceof Schedule.Cron c
          ? c.zone().getId() : "UTC", errors);
      try {
        schedule = Schedule.cron(text(in, "cron", null, errors), ZoneId.of(tz));
      } catch (DateTimeException e) {
        errors.add("time_zone: unknown time zone \"" + tz + "\"");
      } catch (IllegalArgumentException e) {
        errors.add("cron: " + e.getMessage());
      }
    } else if (in.has("period")) {
      Duration d = duration(in, "period", errors);
      if (d != null && (d.compareTo(Schedule.MIN_PERIOD) < 0
          || d.compareTo(Schedule.MAX_PERIOD) > 0)) {
        errors.add("period: must be between 1s and 365d");
      } else if (d != null) {
        schedule = new Schedule.Every(d);
      }
    } else if (in.has("time_zone")) {
      errors.add("time_zone: only with cron");
    }
    if (schedule == null) {
      schedule = new Schedule.Every(CheckSpec.DEFAULT_PERIOD);
    }
    Duration grace = base != null ? base.grace() : probe != null
        ? probe.interval().multipliedBy(probe.failureThreshold() + 1).plus(probe.timeout())
        : CheckSpec.DEFAULT_GRACE;
    if (in.has("grace")) {
      Duration d = duration(in, "grace", errors);
      if (d != null && d.compareTo(CheckSpec.MAX_GRACE) > 0) {
        errors.add("grace: must be at most 365d");
      } else if (d != null) {
        grace = d;
      }
    }
    String parent = base == null ? null : base.parent();
    if (in.has("parent")) {
      parent = in.get("parent").isNull() ? null : text(in, "parent", null, errors);
    }
    List<String> success = base == null ? List.of() : base.successKeywords();
    List<String> failure = base == null ? List.of() : base.failureKeywords();
    if (in.has("keywords")) {
      JsonNode k = in.get("keywords");
      if (!k.isObject()) {
        errors.add("keywords: must be an object like {\"success\": [...], \"failure\": [...]}");
      } else {
        success = strings(k, "success", errors);
        failure = strings(k, "failure", errors);
      }
    }
    Severity severity = base == null ? CheckSpec.DEFAULT_SEVERITY : base.severity();
    if (in.has("severity")) {
      String s = text(in, "severity", null, errors);
      severity = Severity.parse(s).orElse(null);
      if (severity == null) {
        errors.add("severity: must be one of critical, error, warning, info");
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad_request", "the check is invalid: "
          + String.join("; ", errors), errors, null);
    }
    return new Request(new CheckSpec(service, slug, name, isProbe ? CheckSpec.Kind.PROBE
        : CheckSpec.Kind.HEARTBEAT, schedule, grace, parent, success, failure, severity), probe);
  }

  private static String text(JsonNode in, String field, String dflt, List<String> errors) {
    JsonNode v = in.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      errors.add(field + ": must be a string");
      return dflt;
    }
    return v.textValue();
  }

  private static List<String> strings(JsonNode k, String field, List<String> errors) {
    JsonNode v = k.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray() || v.size() > CheckSpec.MAX_KEYWORDS) {
      errors.add("keywords." + field + ": must be a list of at most " + CheckSpec.MAX_KEYWORDS
          + " strings");
      return out;
    }
    for (JsonNode s : v) {
      if (!s.isTextual() || s.textValue().isEmpty()) {
        errors.add("keywords." + field + ": every keyword must be a non-empty string");
        return List.of();
      }
      out.add(s.textValue());
    }
    return out;
  }

  /** Seconds as a number (as Healthchecks' timeout and grace), or 500ms, 10s, 5m, 2h, 1d. */
  private static Duration duration(JsonNode in, String field, List<String> errors) {
    JsonNode v = in.get(field);
    if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0
        && v.longValue() <= 400L * 86400) {
      return Duration.ofSeconds(v.longValue());
    }
    if (v.isTextual()) {
      Matcher m = SHORT_DURATION.matcher(v.textValue());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
    }
    errors.add(field + ": must be seconds (a whole number) or a duration like 90s, 5m, 2h, 1d");
    return null;
  }

  private static String slugOf(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-")
        .replaceAll("^-+|-+$", "");
    return s.isEmpty() ? null : s.length() > 100 ? s.substring(0, 100) : s;
  }

  private Map<String, Object> body(Check c) {
    return body(c, c.spec().kind() == CheckSpec.Kind.PROBE
        ? store.probeDefinitions().get(c.id()) : null);
  }

  private Map<String, Object> body(Check c, String probe) {
    String base = publicUrl.get();
    CheckSpec s = c.spec();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("name", s.name());
    m.put("slug", s.slug());
    m.put("service", s.service());
    m.put("origin", c.origin().wire());
    m.put("kind", s.kind().wire());
    m.put("status", c.status().wire());
    if (s.schedule() instanceof Schedule.Every e) {
      m.put("period", e.period().toSeconds());
    } else if (s.schedule() instanceof Schedule.Cron cr) {
      m.put("cron", cr.expression());
      m.put("time_zone", cr.zone().getId());
    }
    m.put("grace", s.grace().toSeconds());
    m.put("parent", s.parent());
    m.put("keywords", Map.of("success", s.successKeywords(), "failure", s.failureKeywords()));
    m.put("severity", s.severity().wire());
    if (probe != null) {
      try {
        m.put("probe", mapper.readTree(probe));
      } catch (IOException e) {
        throw new IllegalStateException("unreadable probe definition of check " + c.id(), e);
      }
    }
    m.put("last_ping_at", str(c.lastPingAt()));
    m.put("started", c.startedAt() != null);
    m.put("next_change_at", str(c.dueAt()));
    m.put("last_duration_ms", c.lastDurationMs());
    m.put("pings", c.pings());
    m.put("ping_url", base + "/ping/" + c.id());
    m.put("badge_url", base + "/badge/" + c.badgeKey() + ".svg");
    m.put("created_at", c.createdAt().toString());
    m.put("updated_at", c.updatedAt().toString());
    return m;
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }
}
