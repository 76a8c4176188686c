package dev.watchkeeper.web.ui;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.check.Check;
import dev.watchkeeper.check.CheckStatus;
import dev.watchkeeper.check.Checks;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Auth;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The health-check pages: the checks list ({@code /checks}), one check with its recent pings
 * ({@code /checks/{id}}) and its pause/resume forms. Read through the check package's public
 * API ({@link Checks}, its store); who may see and do what is decided as for
 * {@code /api/v1/checks} (the team owning the check's service). Thread-safe.
 */
public final class CheckPages {
  static final int MAX_LISTED = 500;
  static final int PINGS_SHOWN = 50;
  static final List<String> STATUSES = List.of("new", "up", "late", "down", "paused");

  private final Auth auth;
  private final Checks checks;
  private final Pages pages;

  public CheckPages(UiRoutes ui, Auth auth, Checks checks) {
    this.auth = auth;
    this.checks = checks;
    this.pages = ui.pages();
  }

  public void register(RoutesConfig routes) {
    routes.get("/checks", pages.page(this::list));
    routes.get("/checks/{id}", pages.page(this::check));
    routes.post("/checks/{id}/pause", pages.page(ctx -> change(ctx, checks::pause)));
    routes.post("/checks/{id}/resume", pages.page(ctx -> change(ctx, checks::resume)));
  }

  private void list(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    String st = ctx.queryParam("status");
    CheckStatus status = null;
    if (st != null && !st.isBlank()) {
      status = CheckStatus.parse(st).orElseThrow(() -> ApiException.badRequest(
          "status: must be new, up, late, down or paused"));
    }
    // As the API: the caller's teams' checks, narrowed in the query.
    List<Check> found = checks.store().list(null, status, MAX_LISTED + 1,
        auth.visibleServices(p));
    boolean truncated = found.size() > MAX_LISTED;
    List<Check> visible = new ArrayList<>(truncated ? found.subList(0, MAX_LISTED) : found);
    pages.render(ctx, 200, "checks.jte", pages.chrome(ctx, p, "Checks", "checks"),
        Map.of("page", new CheckViews.ListView(visible, status == null ? null : status.wire(),
            STATUSES, truncated)));
  }

  private void check(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    Check c = found(ctx);
    auth.requireService(ctx, p, Role.VIEWER, c.spec().service());
    pages.render(ctx, 200, "check.jte", pages.chrome(ctx, p, c.spec().name(), "checks"),
        Map.of("page", new CheckViews.CheckView(c, checks.store().pings(c.id(), PINGS_SHOWN),
            auth.can(p, Role.RESPONDER, c.spec().service()))));
  }

  private void change(Context ctx, Function<String, Checks.Outcome> op) {
    Principal p = auth.require(ctx, Role.RESPONDER);
    Check c = found(ctx);
    auth.requireService(ctx, p, Role.RESPONDER, c.spec().service());
    Checks.Outcome o = op.apply(c.id());
    if (o instanceof Checks.Outcome.Conflict conflict) {
      throw new ApiException(409, "conflict", conflict.message());
    } else if (!(o instanceof Checks.Outcome.Done)) {
      throw ApiException.notFound("no check with id " + c.id());
    }
    Pages.seeOther(ctx, "/checks/" + c.id());
  }

  private Check found(Context ctx) {
    String id = ctx.pathParam("id");
    return checks.store().find(id.toLowerCase(Locale.ROOT))
        .orElseThrow(() -> ApiException.notFound("no check with id " + id));
  }
}
