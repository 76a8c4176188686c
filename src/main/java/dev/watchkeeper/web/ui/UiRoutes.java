package dev.watchkeeper.web.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.access.Principal;
import dev.watchkeeper.alert.Alert;
import dev.watchkeeper.alert.AlertStore;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.event.EventQuery;
import dev.watchkeeper.event.EventStore;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentEngine;
import dev.watchkeeper.incident.IncidentQuery;
import dev.watchkeeper.incident.IncidentState;
import dev.watchkeeper.incident.IncidentStore;
import dev.watchkeeper.incident.IncidentTx;
import dev.watchkeeper.incident.Outcome;
import dev.watchkeeper.notify.Notification;
import dev.watchkeeper.notify.NotificationStore;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Auth;
import dev.watchkeeper.web.IncidentActions;
import dev.watchkeeper.web.Params;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The responder pages: {@code /} (to the incidents), {@code /assets/*}, the incidents list with
 * live updates ({@code /incidents}, {@code /incidents/stream}), the incident page and its forms
 * ({@code POST /incidents/{id}/acknowledge|resolve|snooze|reassign|notes}, each answered with a
 * 303 back to the page so they work without JavaScript). Who may see and do what is decided
 * exactly as for the JSON API (the same {@link Auth} checks and {@link IncidentActions}).
 */
public final class UiRoutes implements AutoCloseable {
  static final int PAGE_SIZE = 50;
  static final int MAX_NOTE = 10_000;
  static final int MAX_ASSIGNEE = 200;
  static final Duration CHANGE_LOOKBACK = Duration.ofHours(1);
  static final int MAX_CHANGES = 20;
  static final int MAX_NOTIFICATIONS = 100;
  static final Duration MAX_SNOOZE = Duration.ofDays(7);

  private final Auth auth;
  private final LiveConfig config;
  private final IncidentStore incidents;
  private final IncidentEngine engine;
  private final AlertStore alerts;
  private final EventStore events;
  private final NotificationStore notifications;
  private final IncidentActions actions;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Assets assets = new Assets();
  private final Pages pages;
  private final LiveIncidents live;

  /** @param notifications the outbox, or null when there is none */
  public UiRoutes(Auth auth, LiveConfig config, IncidentStore incidents, IncidentEngine engine,
      AlertStore alerts, EventStore events, NotificationStore notifications,
      IncidentActions actions, ObjectMapper mapper, Clock clock) {
    this.auth = auth;
    this.config = config;
    this.incidents = incidents;
    this.engine = engine;
    this.alerts = alerts;
    this.events = events;
    this.notifications = notifications;
    this.actions = actions;
    this.mapper = mapper;
    this.clock = clock;
    this.pages = new Pages(auth, assets);
    this.live = new LiveIncidents(incidents, auth);
  }

  public void register(RoutesConfig routes) {
    routes.get("/", ctx -> Pages.seeOther(ctx, "/incidents"));
    routes.get(Assets.PREFIX + "{file}", assets::serve);
    routes.get("/incidents", pages.page(this::list));
    routes.get("/incidents/stream", pages.page(this::stream));
    routes.get("/incidents/{id}", pages.page(this::incident));
    routes.post("/incidents/{id}/acknowledge", pages.page(ctx -> act(ctx, "acknowledge")));
    routes.post("/incidents/{id}/resolve", pages.page(ctx -> act(ctx, "resolve")));
    routes.post("/incidents/{id}/snooze", pages.page(ctx -> act(ctx, "snooze")));
    routes.post("/incidents/{id}/reassign", pages.page(ctx -> act(ctx, "reassign")));
    routes.post("/incidents/{id}/notes", pages.page(ctx -> act(ctx, "note")));
  }

  /** Rendering, shared by the other pages (OncallPages, SilencePages, ...). */
  Pages pages() {
    return pages;
  }

  /** The gzipped size of the pages' assets (for the benchmark's page weight). */
  public long assetBytes() {
    return assets.gzippedBytes();
  }

  private void list(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    String service = blankToNull(ctx.queryParam("service"));
    if (service != null && !auth.canSee(p, service)) {
      auth.requireService(ctx, p, Role.VIEWER, service);
    }
    String stateParam = blankToNull(ctx.queryParam("state"));
    IncidentState state = null;
    if (stateParam != null) {
      try {
        state = IncidentState.parse(stateParam);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("state: must be triggered, acknowledged or resolved");
      }
    }
    String sevParam = blankToNull(ctx.queryParam("severity"));
    Severity severity = sevParam == null ? null : Severity.parse(sevParam).orElseThrow(() ->
        ApiException.badRequest("severity: must be one of critical, error, warning, info"));
    String priority = blankToNull(ctx.queryParam("priority"));
    if (priority != null) {
      priority = priority.toUpperCase(Locale.ROOT);
      if (!Incident.PRIORITIES.contains(priority)) {
        throw ApiException.badRequest("priority: must be one of P1, P2, P3, P4, P5");
      }
    }
    String cursor = blankToNull(ctx.queryParam("cursor"));
    long since = incidents.lastTimelineId();
    List<Incident> found = incidents.list(new IncidentQuery(service, state, severity, priority,
        null, null, cursor == null ? null : Params.decodeCursor(cursor, "i"), PAGE_SIZE + 1,
        auth.visibleServices(p)));
    boolean more = found.size() > PAGE_SIZE;
    List<Incident> page = more ? found.subList(0, PAGE_SIZE) : found;
    // Like the API: a team-scoped viewer sees its teams' incidents only (narrowed in the query).
    List<Incident> visible = page;
    String next = null;
    if (more) {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("state", stateParam);
      q.put("service", service);
      q.put("severity", sevParam);
      q.put("priority", priority);
      q.put("cursor", Params.encodeCursor(page.get(page.size() - 1).id(), "i"));
      next = "/incidents" + query(q);
    }
    List<String> services = config.get().services().stream().map(WatchkeeperConfig.Service::id)
        .filter(s -> auth.canSee(p, s)).sorted().toList();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", new IncidentsView(visible, stateParam, service, sevParam, priority,
        services, next, cursor != null, since));
    pages.render(ctx, 200, "incidents.jte", pages.chrome(ctx, p, "Incidents", "incidents"),
        params);
  }

  private void stream(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    String s = ctx.queryParam("since");
    Long since = null;
    if (s != null) {
      try {
        since = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("since: not a whole number: \"" + s + "\"");
      }
    }
    Long from = since;
    new SseHandler(client -> live.add(client, p, from)).handle(ctx);
  }

  private void incident(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    long id = id(ctx);
    Incident i = incidents.find(id).orElseThrow(() -> notFound(id));
    auth.requireService(ctx, p, Role.VIEWER, i.service());
    boolean canRespond = auth.can(p, Role.RESPONDER, i.service());
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("page", new IncidentView(i, incidents.escalation(id).orElse(null),
        incidents.timeline(id), alertViews(id), changes(i), notificationViews(id),
        incidents.timers(id), canRespond, users()));
    pages.render(ctx, 200, "incident.jte",
        pages.chrome(ctx, p, "#" + i.id() + " " + i.title(), "incidents"), params);
  }

  private List<IncidentView.AlertView> alertViews(long id) {
    List<IncidentTx.AlertRow> rows = incidents.alertsOf(id);
    List<Alert> full = new ArrayList<>();
    for (IncidentTx.AlertRow r : rows) {
      alerts.find(r.service(), r.fingerprint()).ifPresent(full::add);
    }
    Map<Long, AlertStore.LastEvent> last = alerts.lastEvents(full);
    Map<String, Alert> byFingerprint = new LinkedHashMap<>();
    full.forEach(a -> byFingerprint.put(a.service() + "\n" + a.fingerprint(), a));
    List<IncidentView.AlertView> out = new ArrayList<>();
    for (IncidentTx.AlertRow r : rows) {
      Alert a = byFingerprint.get(r.service() + "\n" + r.fingerprint());
      JsonNode payload = a == null ? null : payload(last.get(a.lastSeq()));
      Map<String, String> annotations = new TreeMap<>();
      String generator = null;
      List<IncidentView.LinkView> links = new ArrayList<>();
      if (payload != null) {
        JsonNode ann = payload.get("annotations");
        if (ann != null && ann.isObject()) {
          ann.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
              annotations.put(e.getKey(), e.getValue().textValue());
            }
          });
        }
        JsonNode gen = payload.get("generatorURL");
        if (gen != null && gen.isTextual() && !gen.textValue().isEmpty()) {
          generator = gen.textValue();
        }
        JsonNode ls = payload.get("links");
        if (ls != null && ls.isArray()) {
          for (JsonNode l : ls) {
            JsonNode href = l.get("href");
            JsonNode text = l.get("text");
            if (href != null && href.isTextual()) {
              links.add(new IncidentView.LinkView(href.textValue(),
                  text != null && text.isTextual() ? text.textValue() : null));
            }
          }
        }
      }
      out.add(new IncidentView.AlertView(r.fingerprint(), r.firing() ? "firing" : "resolved",
          r.severity() == null ? null : r.severity().wire(), r.summary(),
          new TreeMap<>(r.labels()), annotations, generator, links));
    }
    return out;
  }

  private JsonNode payload(AlertStore.LastEvent last) {
    if (last == null || last.payloadJson() == null) {
      return null;
    }
    try {
      JsonNode n = mapper.readTree(last.payloadJson());
      return n != null && n.isObject() ? n : null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null; // shown without what the payload would have added
    }
  }

  private List<IncidentView.ChangeView> changes(Incident i) {
    List<IncidentView.ChangeView> out = new ArrayList<>();
    for (StoredEvent se : events.find(new EventQuery(i.service(), null, "change", null,
        i.openedAt().minus(CHANGE_LOOKBACK), i.openedAt().plusMillis(1), null, MAX_CHANGES))) {
      out.add(new IncidentView.ChangeView(se.event().time(), se.event().source(),
          se.event().summary()));
    }
    return out;
  }

  private List<IncidentView.NotificationView> notificationViews(long id) {
    if (notifications == null) {
      return List.of();
    }
    List<IncidentView.NotificationView> out = new ArrayList<>();
    for (Notification n : notifications.list(new NotificationStore.Query(null, id,
        MAX_NOTIFICATIONS))) {
      out.add(new IncidentView.NotificationView(n.id(), n.userId(),
          n.channel().name().toLowerCase(Locale.ROOT), n.kind(), n.state().wire(), n.attempts(),
          n.lastError(), n.updatedAt()));
    }
    return out;
  }

  private List<String> users() {
    WatchkeeperConfig c = config.get();
    if (c.oncall() == null || c.oncall().users() == null) {
      return List.of();
    }
    return c.oncall().users().stream().map(u -> u.id()).sorted().toList();
  }

  /** A form on the incident page: checked first, then its fields, then 303 back. */
  private void act(Context ctx, String action) {
    long id = id(ctx);
    actions.guard(ctx, id);
    Map<String, Object> details = null;
    IncidentActions.Action a;
    switch (action) {
      case "acknowledge" -> a = engine::acknowledge;
      case "resolve" -> a = engine::resolve;
      case "snooze" -> {
        Instant until = snoozeUntil(ctx);
        details = Map.of("until", until.toString());
        a = (i, actor) -> engine.snooze(i, actor, until);
      }
      case "reassign" -> {
        String assignee = field(ctx, "assignee", MAX_ASSIGNEE);
        details = Map.of("assignee", assignee);
        a = (i, actor) -> engine.reassign(i, actor, assignee);
      }
      case "note" -> {
        String text = field(ctx, "text", MAX_NOTE);
        details = Map.of("text", text);
        a = (i, actor) -> engine.note(i, actor, text);
      }
      default -> throw new IllegalArgumentException(action);
    }
    Outcome outcome = actions.run(ctx, id, action, details, a);
    if (outcome instanceof Outcome.NotFound) {
      throw notFound(id);
    }
    if (outcome instanceof Outcome.Conflict c) {
      pages.error(ctx, 409, c.reason(), "/incidents/" + id);
      return;
    }
    Pages.seeOther(ctx, back(ctx.formParam("return"), "/incidents/" + id));
  }

  private Instant snoozeUntil(Context ctx) {
    Instant now = clock.instant();
    String until = blankToNull(ctx.formParam("until"));
    Instant t;
    if (until != null) {
      try {
        t = OffsetDateTime.parse(until.trim()).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("until: not a time like 2026-11-23T12:00:00Z (RFC 3339,"
            + " with a time zone offset)");
      }
    } else {
      String f = blankToNull(ctx.formParam("for"));
      if (f == null) {
        throw ApiException.badRequest("snooze: give a length (for) or an end time (until)");
      }
      if (!IncidentView.SNOOZE_FOR.contains(f)) {
        throw ApiException.badRequest("for: must be one of "
            + String.join(", ", IncidentView.SNOOZE_FOR));
      }
      t = now.plus(parseShort(f));
    }
    if (!t.isAfter(now)) {
      throw ApiException.badRequest("until: must be in the future");
    }
    if (t.isAfter(now.plus(MAX_SNOOZE))) {
      throw ApiException.badRequest("until: at most 7 days ahead");
    }
    return t;
  }

  private static Duration parseShort(String s) {
    long n = Long.parseLong(s.substring(0, s.length() - 1));
    return s.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofHours(n);
  }

  private static String field(Context ctx, String name, int max) {
    String v = ctx.formParam(name);
    if (v == null || v.isBlank()) {
      throw ApiException.badRequest(name + ": required");
    }
    if (v.length() > max) {
      throw ApiException.badRequest(name + ": longer than " + max + " characters");
    }
    return v;
  }

  /** Where a form goes back to: a page of the incidents on this server, else {@code dflt}. */
  static String back(String ret, String dflt) {
    if (ret == null || !(ret.equals("/incidents") || ret.startsWith("/incidents?")
        || ret.startsWith("/incidents/")) || ret.contains("//") || ret.contains("\\")
        || ret.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return dflt;
    }
    return ret;
  }

  private static String query(Map<String, String> q) {
    StringBuilder sb = new StringBuilder();
    q.forEach((k, v) -> {
      if (v != null) {
        sb.append(sb.length() == 0 ? '?' : '&').append(k).append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    });
    return sb.toString();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
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

  @Override
  public void close() {
    live.close();
  }
}
