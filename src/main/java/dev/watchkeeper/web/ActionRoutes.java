package dev.watchkeeper.web;

import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentEngine;
import dev.watchkeeper.incident.IncidentStore;
import dev.watchkeeper.incident.Outcome;
import dev.watchkeeper.notify.ActionLinks;
import dev.watchkeeper.notify.ActionLinks.Grant;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.owasp.encoder.Encode;

/**
 * The one-click links of notifications ({@link ActionLinks}): {@code GET /act/<token>} shows
 * the incident and a confirmation button; {@code POST /act/<token>} acknowledges or resolves it
 * as the user the link was sent to. No login: the signed token is the credential. Every use that
 * acts is on the incident's timeline (the transition names the user and the link); a use that
 * finds nothing left to do is recorded too.
 *
 * <p>Answers: 200 with a page; 404 for a token that is not ours (nothing is revealed); 410 for
 * an expired link; 429 (with {@code Retry-After}) above {@link #PER_MINUTE} requests a minute
 * from one address. Pages are plain HTML without scripts, with every text escaped, not cached
 * and sending no referrer (the token is in the URL).
 */
final class ActionRoutes {
  /** Requests a minute one address may make to {@code /act/}. */
  static final int PER_MINUTE = 30;

  private final ActionLinks links;
  private final IncidentEngine engine;
  private final IncidentStore incidents;
  private final Clock clock;
  private final RateLimiter limiter;
  private final dev.watchkeeper.audit.AuditLog audit;

  /** @param audit where uses that changed an incident are recorded, or null */
  ActionRoutes(ActionLinks links, IncidentEngine engine, IncidentStore incidents, Clock clock,
      dev.watchkeeper.audit.AuditLog audit) {
    this.audit = audit;
    this.links = links;
    this.engine = engine;
    this.incidents = incidents;
    this.clock = clock;
    this.limiter = new RateLimiter(clock, PER_MINUTE / 60.0, PER_MINUTE);
  }

  void register(RoutesConfig routes) {
    routes.get("/act/{token}", ctx -> {
      Optional<Grant> g = grant(ctx);
      if (g.isEmpty()) {
        return;
      }
      Grant grant = g.get();
      Optional<Incident> incident = incidents.find(grant.incidentId());
      if (incident.isEmpty()) {
        page(ctx, 404, "Not found", "<p>This incident no longer exists.</p>");
        return;
      }
      Incident i = incident.get();
      String verb = grant.action() == ActionLinks.Action.ACKNOWLEDGE ? "Acknowledge" : "Resolve";
      page(ctx, 200, verb + " incident #" + i.id(),
          "<p><strong>" + Encode.forHtml(i.title()) + "</strong></p>"
              + "<p>Service " + Encode.forHtml(i.service()) + " · severity "
              + Encode.forHtml(i.severity() == null ? "unknown" : i.severity().wire())
              + " · now <strong>" + i.state().wire() + "</strong></p>"
              + "<form method=\"post\" action=\"/act/" + Encode.forHtmlAttribute(
                  ctx.pathParam("token")) + "\"><button type=\"submit\">" + verb + " as "
              + Encode.forHtml(grant.userId()) + "</button></form>"
              + "<p><small>This link works until " + grant.expiresAt() + ".</small></p>");
    });
    routes.post("/act/{token}", ctx -> {
      Optional<Grant> g = grant(ctx);
      if (g.isEmpty()) {
        return;
      }
      Grant grant = g.get();
      String actor = "user:" + grant.userId() + " (one-click link)";
      Outcome outcome = grant.action() == ActionLinks.Action.ACKNOWLEDGE
          ? engine.acknowledge(grant.incidentId(), actor)
          : engine.resolve(grant.incidentId(), actor);
      String verb = grant.action() == ActionLinks.Action.ACKNOWLEDGE ? "acknowledged"
          : "resolved";
      if (outcome instanceof Outcome.Done done) {
        if (audit != null) {
          audit.record(new dev.watchkeeper.audit.AuditLog.Entry(clock.instant(), actor,
              "incident." + grant.action().wire(), "incident", Long.toString(grant.incidentId()),
              "{\"via\":\"one-click link\"}", ctx.ip(), null,
              "{\"state\":\"" + done.incident().state().wire() + "\"}"));
        }
        page(ctx, 200, "Incident #" + done.incident().id() + " " + verb,
            "<p><strong>" + Encode.forHtml(done.incident().title()) + "</strong> is now "
                + done.incident().state().wire() + ". Escalation has stopped"
                + (grant.action() == ActionLinks.Action.ACKNOWLEDGE
                    ? " while it is acknowledged." : ".") + "</p>");
      } else if (outcome instanceof Outcome.NotFound) {
        page(ctx, 404, "Not found", "<p>This incident no longer exists.</p>");
      } else if (outcome instanceof Outcome.Conflict c) {
        incidents.inTransaction(tx -> {
          tx.addTimeline(grant.incidentId(), clock.instant(), actor, "incident.link_used",
              "one-click " + grant.action().wire() + " link used by " + grant.userId()
                  + "; nothing done: " + c.reason());
          return null;
        });
        page(ctx, 200, "Nothing to do", "<p>" + Encode.forHtml(c.reason()) + "</p>");
      }
    });
  }

  /** The token's grant, or empty after writing the refusal (429, 404 or 410). */
  private Optional<Grant> grant(Context ctx) {
    Duration wait = limiter.acquire(ctx.ip(), 1);
    if (!wait.isZero()) {
      ctx.header("Retry-After", Long.toString(Math.max(1, wait.toSeconds())));
      page(ctx, 429, "Too many requests", "<p>Too many requests from your address; try again in "
          + Math.max(1, wait.toSeconds()) + " s.</p>");
      return Optional.empty();
    }
    ActionLinks.Checked checked = links.check(ctx.pathParam("token"));
    if (checked instanceof ActionLinks.Valid v) {
      return Optional.of(v.grant());
    }
    if (checked instanceof ActionLinks.Expired e) {
      page(ctx, 410, "Link expired", "<p>This link expired at " + e.grant().expiresAt()
          + ". Open the incident in Watchkeeper to act on it.</p>");
      return Optional.empty();
    }
    page(ctx, 404, "Not found", "<p>not found</p>");
    return Optional.empty();
  }

  private static void page(Context ctx, int status, String title, String body) {
    ctx.status(status);
    ctx.header("Cache-Control", "no-store");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    ctx.contentType("text/html; charset=utf-8");
    ctx.result("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + Encode.forHtml(title) + " · Watchkeeper</title>"
        + "<style>body{font:16px system-ui,sans-serif;max-width:36em;margin:2em auto;padding:0 1em}"
        + "button{font-size:1.2em;padding:.5em 1.5em}</style></head><body><h1>"
        + Encode.forHtml(title) + "</h1>" + body + "</body></html>");
  }
}
