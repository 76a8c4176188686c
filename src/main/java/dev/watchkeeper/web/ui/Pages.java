package dev.watchkeeper.web.ui;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Auth;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rendering pages: the precompiled JTE templates (src/main/jte, compiled at build time, HTML
 * escaped by default), the layout's {@link Chrome}, and what a page does with an error: an
 * anonymous (or expired) browser asking for a page is sent to {@code /login?next=...}; any other
 * error is an HTML page with the status and its sentence. Thread-safe.
 */
public final class Pages {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);
  private final Auth auth;
  private final Assets assets;

  Pages(Auth auth, Assets assets) {
    this.auth = auth;
    this.assets = assets;
  }

  /** A page handler: answers with the page, or throws {@link ApiException}. */
  public interface PageHandler {
    void handle(Context ctx) throws Exception;
  }

  /** {@code h} with this class's error handling around it. */
  public Handler page(PageHandler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (ApiException e) {
        if (e.status() == 401 && ctx.header("Authorization") == null
            && ctx.method().name().equals("GET")) {
          ctx.header("Cache-Control", "no-store");
          ctx.redirect("/login?next=" + URLEncoder.encode(pathAndQuery(ctx),
              StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
          return;
        }
        error(ctx, e.status(), e.getMessage(), null);
      }
    };
  }

  /** The layout data for a page of {@code section} seen by the request's principal. */
  public Chrome chrome(Context ctx, Principal p, String title, String section) {
    return new Chrome(title, section, p == null ? null : p.name(),
        p == null ? null : auth.csrfTokenOf(ctx), assets.urls(),
        p != null && p.grants().allowsGlobally(
            dev.watchkeeper.config.WatchkeeperConfig.Role.ADMIN));
  }

  /** Renders {@code template} with {@code params} (plus {@code chrome}) as the response. */
  public void render(Context ctx, int status, String template, Chrome chrome,
      Map<String, Object> params) {
    Map<String, Object> all = new LinkedHashMap<>(params);
    all.put("chrome", chrome);
    StringOutput out = new StringOutput(16 * 1024);
    engine.render(template, all, out);
    ctx.status(status).contentType("text/html; charset=utf-8")
        .header("Cache-Control", "no-store").result(out.toString());
  }

  /** An error page: the status, its sentence, and a way back. */
  public void error(Context ctx, int status, String message, String back) {
    Principal p = null;
    try {
      p = status == 401 ? null : auth.authenticate(ctx);
    } catch (ApiException e) {
      // shown without the navigation
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("status", status);
    params.put("message", message);
    params.put("back", back);
    render(ctx, status, "error.jte", chrome(ctx, p, titleOf(status), null), params);
  }

  /** 303 to {@code location}: the answer to a form that worked (POST, redirect, GET). */
  public static void seeOther(Context ctx, String location) {
    ctx.redirect(location, HttpStatus.SEE_OTHER);
  }

  private static String titleOf(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Please log in";
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 409 -> "Not possible now";
      default -> "Error " + status;
    };
  }

  static String pathAndQuery(Context ctx) {
    String q = ctx.queryString();
    return q == null || q.isEmpty() ? ctx.path() : ctx.path() + "?" + q;
  }
}
