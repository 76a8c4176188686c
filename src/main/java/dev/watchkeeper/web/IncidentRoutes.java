package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.event.EventParser;
import dev.watchkeeper.event.EventQuery;
import dev.watchkeeper.event.EventStore;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.event.MalformedJsonException;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentEngine;
import dev.watchkeeper.incident.IncidentQuery;
import dev.watchkeeper.incident.IncidentState;
import dev.watchkeeper.incident.IncidentStore;
import dev.watchkeeper.incident.IncidentTimer;
import dev.watchkeeper.incident.IncidentTx;
import dev.watchkeeper.incident.Outcome;
import dev.watchkeeper.incident.Page;
import dev.watchkeeper.incident.TimelineEntry;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Incidents: list, detail (with alerts), timeline, and the responder actions. Every action names
 * its actor (the API token); an action that does not fit the incident's state is a 409 saying why.
 */
final class IncidentRoutes {
  static final int MAX_NOTE = 10_000;
  static final int MAX_ASSIGNEE = 200;
  static final java.time.Duration CHANGE_LOOKBACK = java.time.Duration.ofHours(1);
  static final int MAX_CHANGES = 20;

  private final Auth auth;
  private final IncidentStore store;
  private final IncidentEngine engine;
  private final ObjectMapper mapper;
  private final EventStore events;
  private final IncidentActions actions;

  IncidentRoutes(Auth auth, IncidentStore store, IncidentEngine engine, ObjectMapper mapper,
      EventStore events, dev.watchkeeper.audit.AuditLog audit) {
    this.events = events;
    this.actions = new IncidentActions(auth, store, mapper, audit);
    this.auth = auth;
    this.store = store;
    this.engine = engine;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/incidents", this::list);
    routes.get("/api/v1/incidents/{id}", this::get);
    routes.get("/api/v1/incidents/{id}/timeline", this::timeline);
    routes.post("/api/v1/incidents/{id}/acknowledge", ctx -> bodyless(ctx, "acknowledge",
        engine::acknowledge));
    routes.post("/api/v1/incidents/{id}/resolve", ctx -> bodyless(ctx, "resolve",
        engine::resolve));
    routes.post("/api/v1/incidents/{id}/escalate", ctx -> bodyless(ctx, "escalate",
        engine::escalate));
    routes.post("/api/v1/incidents/{id}/snooze", this::snooze);
    routes.post("/api/v1/incidents/{id}/reassign", this::reassign);
    routes.post("/api/v1/incidents/{id}/notes", this::note);
    routes.post("/api/v1/incidents/{id}/priority", this::priority);
    routes.post("/api/v1/incidents/{id}/merge", this::merge);
  }

  private void list(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    String service = ctx.queryParam("service");
    if (service != null && !auth.canSee(principal, service)) {
      auth.requireService(ctx, principal, Role.VIEWER, service);
    }
    int limit = Params.intParam(ctx, "limit", IncidentQuery.DEFAULT_LIMIT, 1,
        IncidentQuery.MAX_LIMIT);
    IncidentState state = null;
    String st = ctx.queryParam("state");
    if (st != null) {
      try {
        state = IncidentState.parse(st);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("state: must be triggered, acknowledged or resolved");
      }
    }
    Severity severity = null;
    String sev = ctx.queryParam("severity");
    if (sev != null) {
      severity = Severity.parse(sev).orElseThrow(() -> ApiException.badRequest(
          "severity: must be one of critical, error, warning, info"));
    }
    String priority = ctx.queryParam("priority");
    if (priority != null) {
      priority = priority.toUpperCase(Locale.ROOT);
      if (!Incident.PRIORITIES.contains(priority)) {
        throw ApiException.badRequest("priority: must be one of P1, P2, P3, P4, P5");
      }
    }
    String cursor = ctx.queryParam("cursor");
    List<Incident> found = store.list(new IncidentQuery(ctx.queryParam("service"), state,
        severity, priority, Params.timeParam(ctx, "since"), Params.timeParam(ctx, "until"),
        cursor == null ? null : Params.decodeCursor(cursor, "i"), limit + 1,
        auth.visibleServices(principal)));
    boolean more = found.size() > limit;
    List<Incident> page = more ? found.subList(0, limit) : found;
    List<Map<String, Object>> out = new ArrayList<>();
    // A team-scoped principal sees its teams' incidents only: narrowed in the query above, so a
    // page is full whenever more incidents follow.
    page.forEach(i -> out.add(render(i)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("incidents", out);
    body.put("next_cursor", more ? Params.encodeCursor(page.get(page.size() - 1).id(), "i")
        : null);
    ctx.json(body);
  }

  private void get(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    long id = id(ctx);
    Incident i = store.find(id).orElseThrow(() -> notFound(id));
    auth.requireService(ctx, principal, Role.VIEWER, i.service());
    List<IncidentTx.AlertRow> alerts = store.alertsOf(id);
    Map<String, Object> body = render(i);
    List<Map<String, Object>> list = new ArrayList<>();
    for (IncidentTx.AlertRow a : alerts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("fingerprint", a.fingerprint());
      m.put("status", a.firing() ? "firing" : "resolved");
      m.put("severity", a.severity() == null ? null : a.severity().wire());
      m.put("summary", a.summary());
      m.put("labels", a.labels());
      list.add(m);
    }
    body.put("alerts", list);
    // "What changed before this": change events of the service in the hour before it opened.
    List<Map<String, Object>> changes = new ArrayList<>();
    for (StoredEvent se : events.find(new EventQuery(i.service(), null, "change", null,
        i.openedAt().minus(CHANGE_LOOKBACK), i.openedAt().plusMillis(1), null, MAX_CHANGES))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("time", se.event().time().toString());
      m.put("source", se.event().source());
      m.put("summary", se.event().summary());
      m.put("event_id", se.event().id());
      changes.add(m);
    }
    body.put("changes_before", changes);
    // What will happen by itself, and when: acknowledgement timeout, snooze end, auto-resolve.
    List<Map<String, Object>> timers = new ArrayList<>();
    for (IncidentTimer t : store.timers(id)) {
      timers.add(Map.of("kind", t.kind().wire(), "due_at", t.dueAt().toString()));
    }
    body.put("pending", timers);
    // Escalation: the level paged last and everyone paged so far.
    store.escalation(id).ifPresentOrElse(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", e.policyId());
      m.put("level", e.level());
      m.put("round", e.round() + 1);
      m.put("fired_at", e.firedAt().toString());
      m.put("exhausted", e.exhausted());
      body.put("escalation", m);
    }, () -> body.put("escalation", null));
    List<Map<String, Object>> pages = new ArrayList<>();
    for (Page p : store.pages(id)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user", p.userId());
      m.put("level", p.level());
      m.put("at", p.at().toString());
      m.put("reason", p.reason());
      pages.add(m);
    }
    body.put("pages", pages);
    ctx.json(body);
  }

  private void timeline(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    long id = id(ctx);
    Incident found = store.find(id).orElseThrow(() -> notFound(id));
    auth.requireService(ctx, principal, Role.VIEWER, found.service());
    List<Map<String, Object>> out = new ArrayList<>();
    for (TimelineEntry t : store.timeline(id)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", t.at().toString());
      m.put("actor", t.actor());
      m.put("kind", t.kind());
      m.put("message", t.message());
      out.add(m);
    }
    ctx.json(Map.of("incident_id", id, "timeline", out));
  }

  private void snooze(Context ctx) {
    guard(ctx);
    JsonNode body = body(ctx);
    JsonNode until = body.get("until");
    if (until == null || !until.isTextual()) {
      throw ApiException.badRequest("until: required, an RFC 3339 time like"
          + " 2026-11-23T12:00:00Z");
    }
    Instant t;
    try {
      t = OffsetDateTime.parse(until.textValue()).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("until: not an RFC 3339 time like 2026-11-23T12:00:00Z");
    }
    act(ctx, "snooze", Map.of("until", t.toString()), (id, actor) -> engine.snooze(id, actor, t));
  }

  private void reassign(Context ctx) {
    guard(ctx);
    String assignee = text(body(ctx), "assignee", MAX_ASSIGNEE);
    act(ctx, "reassign", Map.of("assignee", assignee),
        (id, actor) -> engine.reassign(id, actor, assignee));
  }

  private void note(Context ctx) {
    guard(ctx);
    String text = text(body(ctx), "text", MAX_NOTE);
    act(ctx, "note", Map.of("text", text), (id, actor) -> engine.note(id, actor, text));
  }

  private void priority(Context ctx) {
    guard(ctx);
    String p = text(body(ctx), "priority", 2).toUpperCase(Locale.ROOT);
    if (!Incident.PRIORITIES.contains(p)) {
      throw ApiException.badRequest("priority: must be one of P1, P2, P3, P4, P5");
    }
    act(ctx, "priority", Map.of("priority", p), (id, actor) -> engine.prioritize(id, actor, p));
  }

  private void merge(Context ctx) {
    var principal = guard(ctx);
    JsonNode into = body(ctx).get("into");
    if (into == null || !into.canConvertToLong() || !into.isIntegralNumber()) {
      throw ApiException.badRequest("into: required, the id of the incident to merge into");
    }
    long target = into.longValue();
    // Merging changes the target incident as well: the actor must be a responder of both.
    store.find(target).ifPresent(t ->
        auth.requireService(ctx, principal, Role.RESPONDER, t.service()));
    act(ctx, "merge", Map.of("into", target), (id, actor) -> engine.merge(id, target, actor));
  }

  /** Before reading the body: a responder of a team owning the incident's service, or 403. */
  private dev.watchkeeper.access.Principal guard(Context ctx) {
    actions.guard(ctx, id(ctx));
    return auth.authenticate(ctx);
  }

  /**
   * Runs a responder action ({@link IncidentActions}: checked and audited) and answers with the
   * incident, 404 or 409.
   */
  private void act(Context ctx, String action, Map<String, Object> details,
      IncidentActions.Action a) {
    answer(ctx, actions.run(ctx, id(ctx), action, details, a));
  }

  /**
   * An action that takes no input: a body may be left out or be a JSON object (its fields are
   * ignored), but a body that is not JSON is refused with 400 rather than acted on.
   */
  private void bodyless(Context ctx, String action, IncidentActions.Action a) {
    guard(ctx);
    byte[] raw = Bodies.read(ctx, 64 * 1024);
    if (!new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      body(raw);
    }
    act(ctx, action, null, a);
  }

  private JsonNode body(Context ctx) {
    return body(Bodies.read(ctx, 64 * 1024));
  }

  private JsonNode body(byte[] raw) {
    try {
      JsonNode n = EventParser.readTree(mapper, raw);
      if (!n.isObject()) {
        throw ApiException.badRequest("expected a JSON object");
      }
      return n;
    } catch (MalformedJsonException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static String text(JsonNode body, String field, int max) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || v.textValue().isBlank()) {
      throw ApiException.badRequest(field + ": required, a non-empty string");
    }
    if (v.textValue().length() > max) {
      throw ApiException.badRequest(field + ": longer than " + max + " characters");
    }
    return v.textValue();
  }

  private void answer(Context ctx, Outcome outcome) {
    if (outcome instanceof Outcome.Done done) {
      ctx.json(render(done.incident()));
    } else if (outcome instanceof Outcome.NotFound nf) {
      throw notFound(nf.id());
    } else if (outcome instanceof Outcome.Conflict c) {
      throw new ApiException(409, "conflict", c.reason());
    }
  }

  private static long id(Context ctx) {
    String raw = ctx.pathParam("id");
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no incident with id " + raw);
    }
  }

  private static ApiException notFound(long id) {
    return ApiException.notFound("no incident with id " + id);
  }

  static Map<String, Object> render(Incident i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    m.put("service", i.service());
    m.put("state", i.state().wire());
    m.put("title", i.title());
    m.put("severity", i.severity() == null ? null : i.severity().name().toLowerCase(Locale.ROOT));
    m.put("group_key", i.groupKey());
    m.put("opened_at", i.openedAt().toString());
    m.put("acknowledged_at", str(i.acknowledgedAt()));
    m.put("acknowledged_by", i.acknowledgedBy());
    m.put("resolved_at", str(i.resolvedAt()));
    m.put("resolved_by", i.resolvedBy());
    m.put("snoozed_until", str(i.snoozedUntil()));
    m.put("assignee", i.assignee());
    m.put("priority", i.priority());
    m.put("urgency", i.urgency());
    m.put("merged_into", i.mergedInto());
    m.put("alert_count", i.alertCount());
    m.put("updated_at", i.updatedAt().toString());
    return m;
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }
}
