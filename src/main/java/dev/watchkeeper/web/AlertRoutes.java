package dev.watchkeeper.web;

import dev.watchkeeper.alert.Alert;
import dev.watchkeeper.alert.AlertQuery;
import dev.watchkeeper.alert.AlertStatus;
import dev.watchkeeper.alert.AlertStore;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.mute.Inhibitions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /api/v1/alerts}: alerts newest first, with filters and a cursor. A firing alert
 * lists in {@code inhibited_by} the fingerprints of the firing alerts that inhibit it now (by the
 * inhibition rules in force); empty otherwise.
 */
final class AlertRoutes {
  private final Auth auth;
  private final AlertStore alerts;
  private final Inhibitions inhibitions;

  /** @param inhibitions null: nothing is inhibited */
  AlertRoutes(Auth auth, AlertStore alerts, Inhibitions inhibitions) {
    this.auth = auth;
    this.alerts = alerts;
    this.inhibitions = inhibitions;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/alerts", this::list);
  }

  private void list(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    String service = ctx.queryParam("service");
    if (service != null) {
      auth.requireService(ctx, principal, Role.VIEWER, service);
    }
    int limit = Params.intParam(ctx, "limit", AlertQuery.DEFAULT_LIMIT, 1, AlertQuery.MAX_LIMIT);
    AlertStatus status = null;
    String st = ctx.queryParam("status");
    if (st != null) {
      if (!st.equals("firing") && !st.equals("resolved")) {
        throw ApiException.badRequest("status: must be firing or resolved");
      }
      status = AlertStatus.parse(st);
    }
    Severity severity = null;
    String sev = ctx.queryParam("severity");
    if (sev != null) {
      severity = Severity.parse(sev).orElseThrow(() -> ApiException.badRequest(
          "severity: must be one of critical, error, warning, info"));
    }
    String cursor = ctx.queryParam("cursor");
    Long before = cursor == null ? null : Params.decodeCursor(cursor, "a");
    List<Alert> found = alerts.list(new AlertQuery(ctx.queryParam("service"), status, severity,
        before, limit + 1, auth.visibleServices(principal)));
    boolean more = found.size() > limit;
    List<Alert> page = more ? found.subList(0, limit) : found;
    // Reads the firing alerts only if an alert of the page is a possible target of some rule.
    Function<Map<String, String>, List<String>> inhibitedBy =
        inhibitions == null ? labels -> List.of() : inhibitions.snapshot();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Alert a : page) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("service", a.service());
      m.put("routed_from", a.routedFrom());
      m.put("fingerprint", a.fingerprint());
      m.put("status", a.status().wire());
      m.put("severity", a.severity() == null ? null : a.severity().wire());
      m.put("pages", a.pages());
      m.put("source", a.source());
      m.put("summary", a.summary());
      m.put("labels", a.labels());
      m.put("first_seen", a.firstSeen().toString());
      m.put("last_seen", a.lastSeen().toString());
      m.put("resolved_at", a.resolvedAt() == null ? null : a.resolvedAt().toString());
      m.put("ends_at", a.endsAt() == null ? null : a.endsAt().toString());
      m.put("event_count", a.eventCount());
      m.put("inhibited_by", a.status() == AlertStatus.FIRING ? inhibitedBy.apply(a.labels())
          : List.of());
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("alerts", out);
    body.put("next_cursor", more ? Params.encodeCursor(page.get(page.size() - 1).id(), "a")
        : null);
    ctx.json(body);
  }
}
