package dev.watchkeeper.web;

import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/audit}: every change, newest first, for admins of every team. Filters:
 * {@code actor}, {@code action} (exact, or a prefix like {@code token.*}), {@code target_type},
 * {@code target_id}, {@code since}, {@code until}; pages of {@code limit} with {@code cursor}.
 */
public final class AuditRoutes {
  static final int DEFAULT_LIMIT = 100;

  private final Auth auth;
  private final AuditLog audit;

  AuditRoutes(Auth auth, AuditLog audit) {
    this.auth = auth;
    this.audit = audit;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/audit", this::list);
  }

  private void list(Context ctx) {
    auth.requireGlobal(ctx, Role.ADMIN);
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, AuditLog.MAX_LIMIT);
    List<AuditLog.Row> found = audit.find(query(ctx, limit + 1));
    boolean more = found.size() > limit;
    List<AuditLog.Row> page = more ? found.subList(0, limit) : found;
    List<Map<String, Object>> out = new ArrayList<>();
    for (AuditLog.Row r : page) {
      AuditLog.Entry e = r.entry();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("time", e.time().toString());
      m.put("actor", e.actor());
      m.put("action", e.action());
      m.put("target_type", e.targetType());
      m.put("target_id", e.targetId());
      m.put("address", e.address());
      m.put("details", raw(e.detailsJson()));
      m.put("before", raw(e.beforeJson()));
      m.put("after", raw(e.afterJson()));
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", out);
    body.put("next_cursor", more ? Params.encodeCursor(page.get(page.size() - 1).id(), "u")
        : null);
    ctx.json(body);
  }

  /**
   * The filters of the request's query string ({@code actor}, {@code action}, {@code
   * target_type}, {@code target_id}, {@code since}, {@code until}, {@code cursor}) for at most
   * {@code limit} rows; 400 for a bad time or cursor. The API and the audit page read them alike.
   */
  public static AuditLog.Query query(Context ctx, int limit) {
    String cursor = blank(ctx, "cursor");
    return new AuditLog.Query(blank(ctx, "actor"), blank(ctx, "action"),
        blank(ctx, "target_type"), blank(ctx, "target_id"), Params.timeParam(ctx, "since"),
        Params.timeParam(ctx, "until"), cursor == null ? null : Params.decodeCursor(cursor, "u"),
        limit);
  }

  /** The cursor of the page after the one ending with row {@code lastId}. */
  public static String cursorAfter(long lastId) {
    return Params.encodeCursor(lastId, "u");
  }

  private static String blank(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isEmpty() ? null : v;
  }

  private static RawJson raw(String json) {
    return json == null ? null : new RawJson(json);
  }
}
