package dev.watchkeeper.web.ui;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.incident.IncidentStore;
import dev.watchkeeper.notify.Notification;
import dev.watchkeeper.notify.NotificationStore;
import dev.watchkeeper.web.AuditRoutes;
import dev.watchkeeper.web.Auth;
import dev.watchkeeper.web.NotificationRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pages around incidents: services ({@code /services}), dead-letter notifications
 * ({@code /dead-letters}, retried with {@code POST /dead-letters/{id}/retry}) and the audit log
 * ({@code /audit}, admins of every team). Each reads and decides as its JSON API does
 * ({@code /api/v1/notifications}, {@link NotificationRoutes#retry}, {@link AuditRoutes#query}).
 * Routes are registered only for the stores the server has. Thread-safe.
 */
public final class AdminPages {
  static final int DEAD_SHOWN = 100;
  static final int AUDIT_PAGE = 50;

  private final Auth auth;
  private final LiveConfig config;
  private final IncidentStore incidents;
  private final NotificationStore notifications;
  private final NotificationRoutes notificationRoutes;
  private final AuditLog audit;
  private final Pages pages;

  /**
   * @param notifications the outbox and its routes, or both null when there is none
   * @param audit the audit log, or null
   */
  public AdminPages(UiRoutes ui, Auth auth, LiveConfig config, IncidentStore incidents,
      NotificationStore notifications, NotificationRoutes notificationRoutes, AuditLog audit) {
    this.auth = auth;
    this.config = config;
    this.incidents = incidents;
    this.notifications = notifications;
    this.notificationRoutes = notificationRoutes;
    this.audit = audit;
    this.pages = ui.pages();
  }

  public void register(RoutesConfig routes) {
    routes.get("/services", pages.page(this::services));
    if (notifications != null) {
      routes.get("/dead-letters", pages.page(this::deadLetters));
      routes.post("/dead-letters/{id}/retry", pages.page(this::retry));
    }
    if (audit != null) {
      routes.get("/audit", pages.page(this::audit));
    }
  }

  private void services(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    Map<String, Long> open = incidents.openCountByService(); // one query for every service
    List<AdminViews.ServiceRow> rows = new ArrayList<>();
    for (WatchkeeperConfig.Service s : config.get().services()) {
      if (!auth.canSee(p, s.id())) {
        continue;
      }
      List<String> keys = new ArrayList<>();
      s.integrationKeys().forEach(k -> keys.add(k.name())); // names only, never the keys
      rows.add(new AdminViews.ServiceRow(s.id(), s.name(), auth.teamsOf(s.id()).stream()
          .sorted().toList(), s.escalationPolicy(), keys, open.getOrDefault(s.id(), 0L)));
    }
    pages.render(ctx, 200, "services.jte", pages.chrome(ctx, p, "Services", "services"),
        Map.of("page", new AdminViews.Services(rows)));
  }

  private void deadLetters(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    // Narrowed to the viewer's teams in the query (as GET /api/v1/notifications).
    List<Notification> dead = notifications.list(new NotificationStore.Query(
        Notification.State.DEAD, null, DEAD_SHOWN + 1, auth.visibleServices(p)));
    boolean more = dead.size() > DEAD_SHOWN;
    // Which rows get a retry button (the POST checks again): all when the viewer is responder
    // wherever it sees; else those of the services it is responder on, in a second query.
    java.util.Set<String> visible = auth.visibleServices(p);
    java.util.Set<Long> retryable = null;
    if (visible != null) {
      java.util.Set<String> responderOn = new java.util.TreeSet<>();
      visible.forEach(s -> {
        if (auth.can(p, Role.RESPONDER, s)) {
          responderOn.add(s);
        }
      });
      if (!responderOn.containsAll(visible)) {
        retryable = new java.util.HashSet<>();
        for (Notification n : notifications.list(new NotificationStore.Query(
            Notification.State.DEAD, null, DEAD_SHOWN + 1, responderOn))) {
          retryable.add(n.id());
        }
      }
    } else if (!p.grants().allowsGlobally(Role.RESPONDER)) {
      retryable = java.util.Set.of();
    }
    List<AdminViews.DeadLetter> rows = new ArrayList<>();
    for (Notification n : more ? dead.subList(0, DEAD_SHOWN) : dead) {
      rows.add(new AdminViews.DeadLetter(n, n.channel().name().toLowerCase(Locale.ROOT),
          retryable == null || retryable.contains(n.id())));
    }
    pages.render(ctx, 200, "dead-letters.jte",
        pages.chrome(ctx, p, "Dead letters", "dead-letters"),
        Map.of("page", new AdminViews.DeadLetters(rows, more)));
  }

  private void retry(Context ctx) {
    Principal p = auth.require(ctx, Role.RESPONDER);
    notificationRoutes.retry(ctx, p, ctx.pathParam("id"));
    Pages.seeOther(ctx, "/dead-letters");
  }

  private void audit(Context ctx) {
    Principal p = auth.requireGlobal(ctx, Role.ADMIN);
    List<AuditLog.Row> found = audit.find(AuditRoutes.query(ctx, AUDIT_PAGE + 1));
    boolean more = found.size() > AUDIT_PAGE;
    List<AuditLog.Row> page = more ? found.subList(0, AUDIT_PAGE) : found;
    String actor = or(ctx.queryParam("actor"));
    String action = or(ctx.queryParam("action"));
    String targetType = or(ctx.queryParam("target_type"));
    String targetId = or(ctx.queryParam("target_id"));
    String next = null;
    if (more) {
      StringBuilder q = new StringBuilder("/audit?cursor=")
          .append(AuditRoutes.cursorAfter(page.get(page.size() - 1).id()));
      Map<String, String> filters = new LinkedHashMap<>();
      filters.put("actor", actor);
      filters.put("action", action);
      filters.put("target_type", targetType);
      filters.put("target_id", targetId);
      filters.forEach((k, v) -> {
        if (!v.isEmpty()) {
          q.append('&').append(k).append('=').append(URLEncoder.encode(v,
              StandardCharsets.UTF_8));
        }
      });
      next = q.toString();
    }
    pages.render(ctx, 200, "audit.jte", pages.chrome(ctx, p, "Audit log", "audit"),
        Map.of("page", new AdminViews.Audit(page, actor, action, targetType, targetId, next,
            ctx.queryParam("cursor") != null)));
  }

  private static String or(String s) {
    return s == null ? "" : s;
  }
}
