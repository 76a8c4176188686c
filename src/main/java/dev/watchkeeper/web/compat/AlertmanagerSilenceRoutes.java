package dev.watchkeeper.web.compat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.mute.ExpireResult;
import dev.watchkeeper.mute.Matcher;
import dev.watchkeeper.mute.Silence;
import dev.watchkeeper.mute.SilenceRequest;
import dev.watchkeeper.mute.SilenceResult;
import dev.watchkeeper.mute.Silences;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The silence endpoints of the Alertmanager API v2, with Alertmanager 0.25's paths, JSON shapes
 * and status codes, so that amtool and other Alertmanager clients work against Watchkeeper:
 * {@code GET/POST /api/v2/silences}, {@code GET/DELETE /api/v2/silence/{silenceID}}.
 *
 * <p>Watchkeeper's extension: a silence may carry {@code "expireWhenResolved": true} (optional,
 * default false; it expires when an alert it mutes resolves and no firing alert matches it any
 * more). GET returns the field on every silence; Alertmanager clients ignore it. An update that
 * leaves the field out keeps the value of the silence it updates, so amtool or Grafana editing a
 * silence does not drop it.
 *
 * <p>Silences belong to a team (extension field {@code "team"}): a team's silence mutes only
 * alerts of services that team owns, is seen by that team's viewers and changed or expired by its
 * responders. A request without {@code team} gets every team when the caller is a global responder,
 * else the one team the caller is responder on (with several, 400 asks which). A silence of every
 * team is seen by every viewer and changed only by global responders. So amtool with a team's
 * token works unchanged and cannot mute another team's pages.
 *
 * <p>Errors are answered like Alertmanager: the status and a JSON string as the body (not
 * Watchkeeper's error object), because that is what Alertmanager clients decode. Viewer tokens may
 * read; responder and admin tokens may create, update and expire.
 */
public final class AlertmanagerSilenceRoutes {
  /** strfmt.DateTime's format, which Alertmanager writes. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** The extension field (not in Alertmanager's API). */
  static final String EXPIRE_WHEN_RESOLVED = "expireWhenResolved";

  /** The extension field naming the team a silence belongs to. */
  static final String TEAM = "team";

  private final AlertmanagerAuth auth;
  private final ObjectMapper mapper;
  private final Silences silences;

  public AlertmanagerSilenceRoutes(dev.watchkeeper.web.Auth auth, ObjectMapper mapper,
      Silences silences) {
    this.auth = new AlertmanagerAuth(auth);
    this.mapper = mapper;
    this.silences = silences;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v2/silences", amError(this::list));
    routes.post("/api/v2/silences", amError(this::save));
    routes.get("/api/v2/silence/{silenceID}", amError(this::get));
    routes.delete("/api/v2/silence/{silenceID}", amError(this::expire));
  }

  private Handler amError(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (AlertmanagerError e) {
        writeString(ctx, e.status(), e.getMessage());
      } catch (Silences.ConcurrentChangeException e) {
        writeString(ctx, 500, e.getMessage());
      }
    };
  }

  /** A JSON string body (Javalin's json() would write a String unquoted). */
  private void writeString(Context ctx, int status, String message)
      throws JsonProcessingException {
    ctx.status(status).contentType("application/json").result(mapper.writeValueAsString(message));
  }

  private void list(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    List<Matcher> filter = new ArrayList<>();
    for (String f : ctx.queryParams("filter")) {
      filter.addAll(AlertmanagerMatchers.parse(f));
    }
    Instant now = silences.now();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Silence s : silences.list(filter)) {
      if (auth.canSeeSilenceOf(principal, s.team())) {
        out.add(render(s, now));
      }
    }
    ctx.json(out);
  }

  private void get(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    ctx.json(render(visible(principal, ctx.pathParam("silenceID")), silences.now()));
  }

  /** The silence if {@code p} may see it; 404 alike for missing and hidden. */
  private Silence visible(dev.watchkeeper.access.Principal p, String id) {
    return silences.get(id).filter(s -> auth.canSeeSilenceOf(p, s.team()))
        .orElseThrow(() -> new AlertmanagerError(404, "silence not found"));
  }

  private void expire(Context ctx) {
    var token = auth.require(ctx, Role.RESPONDER);
    Silence s = visible(token, ctx.pathParam("silenceID"));
    auth.requireTeam(ctx, token, Role.RESPONDER, s.team());
    ExpireResult r = silences.expire(s.id(), token.name());
    if (r instanceof ExpireResult.NotFound) {
      throw new AlertmanagerError(404, "silence not found");
    }
    ctx.status(200);
  }

  private void save(Context ctx) {
    var token = auth.require(ctx, Role.RESPONDER);
    JsonNode body;
    try {
      body = mapper.readTree(ctx.bodyAsBytes());
    } catch (java.io.IOException e) {
      String why = e instanceof JsonProcessingException j
          ? dev.watchkeeper.event.MalformedJsonException.readable(j.getOriginalMessage())
          : e.getMessage();
      throw new AlertmanagerError(400, "parsing silence body from \"\" failed, because " + why);
    }
    if (body == null || !body.isObject()) {
      throw new AlertmanagerError(400,
          "parsing silence body from \"\" failed, because the body is not a JSON object");
    }
    List<String> problems = new ArrayList<>();
    SilenceRequest request = request(body, problems);
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    Silence prev = request.id() == null ? null : visible(token, request.id());
    if (prev != null) {
      auth.requireTeam(ctx, token, Role.RESPONDER, prev.team());
    }
    JsonNode ewr = body.get(EXPIRE_WHEN_RESOLVED);
    if ((ewr == null || ewr.isNull()) && prev != null) {
      // Left out by a client that does not know the extension: keep what the silence had.
      request = new SilenceRequest(request.id(), request.matchers(), request.startsAt(),
          request.endsAt(), request.createdBy(), request.comment(), prev.expireWhenResolved());
    }
    // Left out: an update keeps the silence's team; a new one gets the caller's.
    request = request.forTeam(auth.silenceTeam(ctx, token, request.team(), prev));
    SilenceResult result = silences.save(request, token.name());
    if (result instanceof SilenceResult.Saved saved) {
      ctx.json(Map.of("silenceID", saved.silence().id()));
    } else if (result instanceof SilenceResult.Invalid inv) {
      throw invalid(inv.problems());
    } else {
      throw new AlertmanagerError(404, "silence not found");
    }
  }

  private static AlertmanagerError invalid(List<String> problems) {
    return new AlertmanagerError(400, "invalid silence: " + String.join("; ", problems));
  }

  /** Reads a postableSilence; shape problems (wrong types, bad times) go to {@code problems}. */
  private static SilenceRequest request(JsonNode b, List<String> problems) {
    String id = text(b, "id", problems);
    List<Matcher> matchers = new ArrayList<>();
    JsonNode ms = b.get("matchers");
    if (ms != null && !ms.isNull() && !ms.isArray()) {
      problems.add("matchers: must be an array");
    } else if (ms != null) {
      for (int i = 0; i < ms.size(); i++) {
        JsonNode m = ms.get(i);
        String path = "matchers[" + i + "]";
        if (!m.isObject()) {
          problems.add(path + ": must be an object");
          continue;
        }
        String name = text(m, "name", problems, path + ".");
        String value = text(m, "value", problems, path + ".");
        if (name == null) {
          problems.add(path + ".name: required");
        }
        if (value == null) {
          problems.add(path + ".value: required");
        }
        boolean isRegex = bool(m, "isRegex", false, problems, path + ".");
        boolean isEqual = bool(m, "isEqual", true, problems, path + ".");
        if (name != null && value != null) {
          matchers.add(Matcher.of(name, value, isRegex, isEqual));
        }
      }
    }
    Instant startsAt = time(b, "startsAt", problems);
    Instant endsAt = time(b, "endsAt", problems);
    return new SilenceRequest(id == null || id.isEmpty() ? null : id, matchers, startsAt, endsAt,
        text(b, "createdBy", problems), text(b, "comment", problems),
        bool(b, EXPIRE_WHEN_RESOLVED, false, problems, ""), emptyToNull(text(b, TEAM, problems)));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String text(JsonNode n, String field, List<String> problems) {
    return text(n, field, problems, "");
  }

  private static String text(JsonNode n, String field, List<String> problems, String prefix) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(prefix + field + ": must be a string");
      return null;
    }
    return v.textValue();
  }

  private static boolean bool(JsonNode n, String field, boolean def, List<String> problems,
      String prefix) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return def;
    }
    if (!v.isBoolean()) {
      problems.add(prefix + field + ": must be true or false");
      return def;
    }
    return v.booleanValue();
  }

  private static Instant time(JsonNode n, String field, List<String> problems) {
    String s = text(n, field, problems);
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      problems.add(field + ": not an RFC 3339 date-time (like 2026-11-23T09:30:00.000Z): \""
          + s + "\"");
      return null;
    }
  }

  /** A gettableSilence. */
  static Map<String, Object> render(Silence s, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("status", Map.of("state", s.state(now).wire()));
    m.put("updatedAt", TIME.format(s.updatedAt()));
    List<Map<String, Object>> ms = new ArrayList<>();
    for (Matcher x : s.matchers()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", x.name());
      j.put("value", x.value());
      j.put("isRegex", x.isRegex());
      j.put("isEqual", x.isEqual());
      ms.add(j);
    }
    m.put("matchers", ms);
    m.put("startsAt", TIME.format(s.startsAt()));
    m.put("endsAt", TIME.format(s.endsAt()));
    m.put("createdBy", s.createdBy());
    m.put("comment", s.comment());
    m.put(EXPIRE_WHEN_RESOLVED, s.expireWhenResolved());
    if (s.team() != null) {
      m.put(TEAM, s.team());
    }
    return m;
  }
}
