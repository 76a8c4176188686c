package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.ApiToken;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.event.EventParser;
import dev.watchkeeper.event.MalformedJsonException;
import dev.watchkeeper.oncall.Layer;
import dev.watchkeeper.oncall.Relief;
import dev.watchkeeper.oncall.Restriction;
import dev.watchkeeper.oncall.Rotation;
import dev.watchkeeper.oncall.Schedule;
import dev.watchkeeper.oncall.Shift;
import dev.watchkeeper.people.User;
import dev.watchkeeper.rota.Rota;
import dev.watchkeeper.rota.Rota.AddResult;
import dev.watchkeeper.rota.Rota.RemoveResult;
import dev.watchkeeper.rota.StoredOverride;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * On-call: who is on call, schedules and their computed shifts, runtime overrides, and the
 * secret URLs of the iCalendar feeds (served by {@link IcalRoutes}). Reading needs a viewer
 * token; changing overrides and seeing feed URLs a responder's. Every change is audited by the
 * rota.
 */
final class ScheduleRoutes {
  /** Default length of a shifts query without {@code until}. */
  static final Duration DEFAULT_SHIFTS_RANGE = Duration.ofDays(7);
  private static final Set<String> OVERRIDE_FIELDS = Set.of("role", "cover", "user", "start",
      "end");

  private final LiveConfig config;
  /** Base of the URLs handed out (public_url, else the bound address). */
  private final java.util.function.Supplier<String> publicUrl;
  private final Auth auth;
  private final ObjectMapper mapper;
  private final Rota rota;
  private final FeedTokens tokens;

  ScheduleRoutes(LiveConfig config, Auth auth, ObjectMapper mapper, Rota rota,
      FeedTokens tokens, java.util.function.Supplier<String> publicUrl) {
    this.publicUrl = publicUrl;
    this.config = config;
    this.auth = auth;
    this.mapper = mapper;
    this.rota = rota;
    this.tokens = tokens;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/oncall", this::onCall);
    routes.get("/api/v1/schedules", this::list);
    routes.get("/api/v1/schedules/{id}", this::get);
    routes.get("/api/v1/schedules/{id}/shifts", this::shifts);
    routes.get("/api/v1/schedules/{id}/overrides", this::overrides);
    routes.post("/api/v1/schedules/{id}/overrides", this::addOverride);
    routes.delete("/api/v1/schedules/{id}/overrides/{oid}", this::removeOverride);
    routes.get("/api/v1/users/{id}/ical", this::userFeed);
  }

  private void onCall(Context ctx) {
    auth.require(ctx, Role.VIEWER);
    Instant at = instant(ctx, "at", rota.now());
    List<Map<String, Object>> schedules = new ArrayList<>();
    for (Rota.Status s : rota.onCall(at)) {
      schedules.add(status(s));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("at", at.toString());
    body.put("schedules", schedules);
    body.put("relieved", reliefs(rota.relieved(at)));
    ctx.json(body);
  }

  private void list(Context ctx) {
    auth.require(ctx, Role.VIEWER);
    Instant now = rota.now();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Rota.Status s : rota.onCall(now)) {
      Map<String, Object> m = summary(s.schedule());
      m.put("on_call", status(s));
      out.add(m);
    }
    ctx.json(Map.of("schedules", out));
  }

  private void get(Context ctx) {
    var token = auth.require(ctx, Role.VIEWER);
    String id = ctx.pathParam("id");
    Rota.Status s = rota.onCall(id, rota.now()).orElseThrow(() -> noSchedule(id));
    Map<String, Object> body = summary(s.schedule());
    body.put("on_call", status(s));
    // The feed URL is a credential of its own: only for those who may change the schedule.
    body.put("ical_url", auth.canOnSchedule(token, Role.RESPONDER, id)
        ? feedUrl("schedules", "schedule", id) : null);
    ctx.json(body);
  }

  private void shifts(Context ctx) {
    auth.require(ctx, Role.VIEWER);
    String id = ctx.pathParam("id");
    Instant since = instant(ctx, "since", rota.now());
    Instant until = instant(ctx, "until", since.plus(DEFAULT_SHIFTS_RANGE));
    if (!until.isAfter(since)) {
      throw ApiException.badRequest("until (" + until + ") must be after since (" + since + ")");
    }
    if (Duration.between(since, until).compareTo(Rota.MAX_RANGE) > 0) {
      throw ApiException.badRequest("the range from since to until is longer than "
          + Rota.MAX_RANGE.toDays() + " days; ask for at most " + Rota.MAX_RANGE.toDays()
          + " days at a time");
    }
    var shifts = rota.shifts(id, since, until).orElseThrow(() -> noSchedule(id));
    Map<String, Object> byRole = new LinkedHashMap<>();
    shifts.forEach((role, list) -> {
      List<Map<String, Object>> out = new ArrayList<>();
      list.forEach(sh -> out.add(shift(sh, false)));
      byRole.put(wire(role), out);
    });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schedule", id);
    body.put("since", since.toString());
    body.put("until", until.toString());
    body.put("shifts", byRole);
    ctx.json(body);
  }

  private void overrides(Context ctx) {
    auth.require(ctx, Role.VIEWER);
    String id = ctx.pathParam("id");
    List<Map<String, Object>> out = new ArrayList<>();
    for (Rota.OverrideView v : rota.overrides(id).orElseThrow(() -> noSchedule(id))) {
      out.add(override(v.override(), v.shifts(), v.ignored()));
    }
    ctx.json(Map.of("schedule", id, "overrides", out));
  }

  private void addOverride(Context ctx) {
    var principal = auth.require(ctx, Role.RESPONDER);
    String actor = principal.actor();
    String id = ctx.pathParam("id");
    Overrides.authorize(auth, ctx, principal, rota, id);
    JsonNode body = body(ctx);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!OVERRIDE_FIELDS.contains(f)) {
        throw ApiException.badRequest("unknown field \"" + f + "\" (known: role, cover, user,"
            + " start, end)");
      }
    }
    boolean hasRole = body.hasNonNull("role");
    boolean hasCover = body.hasNonNull("cover");
    Overrides.requireOneOf(hasRole, hasCover);
    String role = hasRole ? text(body, "role", "primary, secondary or shadow") : null;
    String cover = hasCover ? text(body, "cover", "the id of the user to cover for") : null;
    String user = text(body, "user", "the id of the user who takes over");
    Instant start = time(body, "start");
    Instant end = time(body, "end");
    AddResult.Created c = Overrides.add(rota, id,
        Overrides.request(role, cover, user, start, end), actor);
    ctx.status(201).json(override(c.override(), c.shifts(), null));
  }

  private void removeOverride(Context ctx) {
    var principal = auth.require(ctx, Role.RESPONDER);
    String actor = principal.actor();
    String id = ctx.pathParam("id");
    Overrides.authorize(auth, ctx, principal, rota, id);
    RemoveResult result = Overrides.remove(rota, id, ctx.pathParam("oid"), actor);
    ctx.json(Map.of("status", result instanceof RemoveResult.Deleted ? "deleted" : "ended",
        "override", override(Overrides.of(result), List.of(), null)));
  }

  private void userFeed(Context ctx) {
    var principal = auth.require(ctx, Role.RESPONDER);
    String id = ctx.pathParam("id");
    if (config.get().oncall().user(id).isEmpty()) {
      throw ApiException.notFound("no user with id " + id);
    }
    // A person's feed URL is a credential: for responders of the person's teams.
    auth.requireTeamOfUser(ctx, principal, Role.RESPONDER, id);
    ctx.json(Map.of("user", id, "ical_url", feedUrl("users", "user", id)));
  }

  // --- rendering ---

  String feedUrl(String path, String kind, String id) {
    String base = publicUrl.get();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/ical/" + path + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
        + ".ics?token=" + tokens.token(kind, id);
  }

  private Map<String, Object> summary(Schedule s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("name", s.name());
    m.put("time_zone", s.zone().getId());
    List<Map<String, Object>> layers = new ArrayList<>();
    for (Layer l : s.layers()) {
      Map<String, Object> lm = new LinkedHashMap<>();
      lm.put("role", wire(l.role()));
      lm.put("rotation", rotation(l.rotation()));
      lm.put("members", l.members());
      lm.put("start", l.start().toString());
      lm.put("handoff_time", l.handoffTime().toString());
      List<Map<String, Object>> windows = new ArrayList<>();
      for (Restriction r : l.restrictions()) {
        Map<String, Object> w = new LinkedHashMap<>();
        List<String> days = new ArrayList<>();
        for (DayOfWeek d : r.days()) {
          days.add(d.name().substring(0, 3).toLowerCase(Locale.ROOT));
        }
        w.put("days", days);
        w.put("from", r.start().toString());
        w.put("to", r.end().toString());
        windows.add(w);
      }
      lm.put("restrictions", windows);
      layers.add(lm);
    }
    m.put("layers", layers);
    return m;
  }

  private static Map<String, Object> rotation(Rotation r) {
    if (r instanceof Rotation.Hourly h) {
      return Map.of("hourly", h.hours());
    } else if (r instanceof Rotation.Daily d) {
      return Map.of("daily", d.days());
    } else if (r instanceof Rotation.Weekly w) {
      return Map.of("weekly", w.weeks());
    }
    return Map.of("rrule", ((Rotation.Custom) r).rrule());
  }

  private Map<String, Object> status(Rota.Status s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.schedule().id());
    m.put("name", s.schedule().name());
    m.put("primary", s.primary().map(this::duty).orElse(null));
    m.put("secondary", s.secondary().map(this::duty).orElse(null));
    List<Map<String, Object>> shadows = new ArrayList<>();
    s.shadows().forEach(d -> shadows.add(duty(d)));
    m.put("shadows", shadows);
    m.put("relieved", reliefs(s.relieved()));
    return m;
  }

  private Map<String, Object> duty(Rota.Duty d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("user", d.userId());
    m.put("name", name(d.userId()));
    m.put("until", d.until() == null ? null : d.until().toString());
    return m;
  }

  private List<Map<String, Object>> reliefs(List<Relief> reliefs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Relief r : reliefs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user", r.userId());
      m.put("since", r.from().toString());
      m.put("until", r.until().toString());
      m.put("reason", "paged at night; recovery rule");
      out.add(m);
    }
    return out;
  }

  private Map<String, Object> override(StoredOverride o, List<Shift> shifts, String ignored) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", o.id());
    m.put("schedule", o.scheduleId());
    m.put("kind", o.isCover() ? "cover" : "override");
    m.put("role", o.role() == null ? null : wire(o.role()));
    m.put("cover", o.coverFor());
    m.put("user", o.userId());
    m.put("start", o.start().toString());
    m.put("end", o.end().toString());
    m.put("created_at", o.createdAt().toString());
    m.put("created_by", o.createdBy());
    List<Map<String, Object>> out = new ArrayList<>();
    shifts.forEach(sh -> out.add(shift(sh, true)));
    m.put("shifts", out);
    m.put("ignored", ignored);
    return m;
  }

  private Map<String, Object> shift(Shift s, boolean withRole) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (withRole) {
      m.put("role", wire(s.role()));
    }
    m.put("user", s.userId());
    m.put("start", s.start().toString());
    m.put("end", s.end().toString());
    return m;
  }

  private String name(String userId) {
    return config.get().oncall().user(userId).map(User::name).orElse(userId);
  }

  static String wire(dev.watchkeeper.oncall.Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }

  // --- parsing ---

  private static Instant instant(Context ctx, String name, Instant def) {
    Instant t = Params.timeParam(ctx, name);
    if (t == null) {
      return def;
    }
    return Overrides.inRange(name, t);
  }

  private JsonNode body(Context ctx) {
    try {
      JsonNode n = EventParser.readTree(mapper, Bodies.read(ctx, 16 * 1024));
      if (!n.isObject()) {
        throw ApiException.badRequest("expected a JSON object");
      }
      return n;
    } catch (MalformedJsonException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static String text(JsonNode body, String field, String what) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || v.textValue().isBlank()) {
      throw ApiException.badRequest(field + ": required, " + what);
    }
    return v.textValue();
  }

  private static Instant time(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual()) {
      throw ApiException.badRequest(field + ": required, an RFC 3339 time like"
          + " 2026-11-23T09:00:00Z");
    }
    try {
      return Overrides.inRange(field, OffsetDateTime.parse(v.textValue()).toInstant());
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(field + ": not an RFC 3339 time like 2026-11-23T09:00:00Z");
    }
  }

  static ApiException noSchedule(String id) {
    return Overrides.noSchedule(id);
  }
}
