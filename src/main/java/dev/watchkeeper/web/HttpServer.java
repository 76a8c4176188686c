package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.event.EventStore;
import dev.watchkeeper.event.GroupCommitter;
import dev.watchkeeper.obs.LogEvent;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP server: routes, the request/trace id on every request, error mapping (every error is
 * JSON with a sentence; unexpected ones are 500 and logged), and HTTP metrics.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  public static final String TRACE_ID = "wk.trace_id";
  static final String REQUEST_ID = "wk.request_id";

  private final Javalin app;

  /** Everything the routes need, built by the application wiring. */
  public record Deps(
      LiveConfig config,
      ObjectMapper mapper,
      GroupCommitter committer,
      EventStore store,
      Clock clock,
      MeterRegistry meters,
      Supplier<String> metricsScrape,
      BooleanSupplier ready,
      String version,
      dev.watchkeeper.alert.AlertStore alerts,
      dev.watchkeeper.mute.Silences silences,
      dev.watchkeeper.mute.Inhibitions inhibitions,
      dev.watchkeeper.incident.IncidentStore incidents,
      dev.watchkeeper.incident.IncidentEngine incidentEngine,
      Supplier<dev.watchkeeper.alert.LabelRoutes> labelRoutes,
      dev.watchkeeper.rota.Rota rota,
      Supplier<String> icalSecret,
      dev.watchkeeper.notify.NotificationStore notifications,
      dev.watchkeeper.check.Checks checks,
      dev.watchkeeper.check.PingWriter pingWriter) {

    /** Without health checks (their routes are then not served). */
    public Deps(LiveConfig config, ObjectMapper mapper, GroupCommitter committer,
        EventStore store, Clock clock, MeterRegistry meters, Supplier<String> metricsScrape,
        BooleanSupplier ready, String version, dev.watchkeeper.alert.AlertStore alerts,
        dev.watchkeeper.mute.Silences silences, dev.watchkeeper.mute.Inhibitions inhibitions,
        dev.watchkeeper.incident.IncidentStore incidents,
        dev.watchkeeper.incident.IncidentEngine incidentEngine,
        Supplier<dev.watchkeeper.alert.LabelRoutes> labelRoutes, dev.watchkeeper.rota.Rota rota,
        Supplier<String> icalSecret, dev.watchkeeper.notify.NotificationStore notifications) {
      this(config, mapper, committer, store, clock, meters, metricsScrape, ready, version,
          alerts, silences, inhibitions, incidents, incidentEngine, labelRoutes, rota,
          icalSecret, notifications, null, null);
    }

    /** Without the notifications outbox (its routes are then not served). */
    public Deps(LiveConfig config, ObjectMapper mapper, GroupCommitter committer,
        EventStore store, Clock clock, MeterRegistry meters, Supplier<String> metricsScrape,
        BooleanSupplier ready, String version, dev.watchkeeper.alert.AlertStore alerts,
        dev.watchkeeper.mute.Silences silences, dev.watchkeeper.mute.Inhibitions inhibitions,
        dev.watchkeeper.incident.IncidentStore incidents,
        dev.watchkeeper.incident.IncidentEngine incidentEngine,
        Supplier<dev.watchkeeper.alert.LabelRoutes> labelRoutes, dev.watchkeeper.rota.Rota rota,
        Supplier<String> icalSecret) {
      this(config, mapper, committer, store, clock, meters, metricsScrape, ready, version,
          alerts, silences, inhibitions, incidents, incidentEngine, labelRoutes, rota,
          icalSecret, null, null, null);
    }
  }

  public HttpServer(Deps d) {
    Auth auth = new Auth(d.config());
    IngestGate gate = new IngestGate(d.config(), d.committer(), d.clock(), d.meters());
    EventRoutes events = new EventRoutes(d.config(), auth, d.mapper(), gate, d.store(), d.clock(),
        new RequestResults(d.store(), d.alerts(), d.incidents(), d.labelRoutes()));
    AdminRoutes admin = new AdminRoutes(d.config(), auth, d.mapper());
    var server = d.config().get().server();
    this.app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.jetty.host = server.host();
      cfg.jetty.port = server.port();
      cfg.http.maxRequestSize = d.config().get().ingest().maxBodyBytes() + 1024L;
      cfg.jsonMapper(new JavalinJackson(d.mapper(), false));
      cfg.jetty.modifyServer(s -> s.setStopTimeout(server.shutdownGrace().toMillis()));
      cfg.routes.before(HttpServer::tagRequest);
      cfg.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
      cfg.routes.get("/readyz", ctx -> {
        boolean ready = d.ready().getAsBoolean();
        ctx.status(ready ? 200 : 503)
            .json(Map.of("status", ready ? "ready" : "not ready", "version", d.version()));
      });
      cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
          .result(d.metricsScrape().get()));
      cfg.routes.get("/api/v1/version", ctx -> ctx.json(Map.of("version", d.version())));
      // Readiness lint of the config in force: would a page reach someone?
      cfg.routes.get("/api/v1/readiness", ctx -> {
        auth.require(ctx, Role.VIEWER);
        var findings = dev.watchkeeper.config.ReadinessLint.check(d.config().get(),
            d.clock().instant());
        var list = new java.util.ArrayList<Map<String, String>>();
        findings.forEach(f -> list.add(Map.of("code", f.code(), "subject", f.subject(),
            "message", f.message())));
        ctx.json(Map.of("ready", findings.isEmpty(), "findings", list));
      });
      events.register(cfg.routes);
      admin.register(cfg.routes);
      if (d.silences() != null) {
        new dev.watchkeeper.web.compat.AlertmanagerSilenceRoutes(d.config(), d.mapper(),
            d.silences()).register(cfg.routes);
      }
      new dev.watchkeeper.web.compat.PagerDutyRoutes(d, gate).register(cfg.routes);
      new AlertRoutes(auth, d.alerts(), d.inhibitions()).register(cfg.routes);
      new IncidentRoutes(auth, d.incidents(), d.incidentEngine(), d.mapper(), d.store())
          .register(cfg.routes);
      if (d.notifications() != null) {
        new NotificationRoutes(auth, d.notifications(), d.clock()).register(cfg.routes);
      }
      new dev.watchkeeper.web.compat.PrometheusAlertsRoutes(auth, gate, d.mapper(), d.clock())
          .register(cfg.routes);
      new dev.watchkeeper.web.compat.AlertmanagerAlertsRoutes(d).register(cfg.routes);
      if (d.rota() != null) {
        FeedTokens tokens = new FeedTokens(d.icalSecret());
        new ScheduleRoutes(d.config(), auth, d.mapper(), d.rota(), tokens).register(cfg.routes);
        new IcalRoutes(d.config(), d.rota(), tokens).register(cfg.routes);
      }
      if (d.checks() != null) {
        new CheckRoutes(d.config(), auth, d.mapper(), d.checks()).register(cfg.routes);
        new dev.watchkeeper.web.compat.PingRoutes(d.config(), d.checks(), d.pingWriter(),
            d.clock(), d.meters()).register(cfg.routes);
      }
      cfg.routes.exception(ApiException.class, (e, ctx) -> writeError(ctx, e));
      cfg.routes.exception(HttpResponseException.class, (e, ctx) -> writeError(ctx,
          new ApiException(e.getStatus(), codeOf(e.getStatus()), e.getMessage())));
      cfg.routes.exception(Exception.class, (e, ctx) -> {
        LogEvent.REQUEST_FAILED.error(log).setCause(e).addKeyValue("method", ctx.method().name())
            .addKeyValue("path", ctx.path()).log("request failed unexpectedly");
        writeError(ctx, new ApiException(500, "internal_error",
            "an unexpected error occurred; it was logged with request id "
                + ctx.attribute(REQUEST_ID)));
      });
      cfg.routes.error(404, ctx -> {
        if (ctx.path().startsWith("/ping/")) {
          return; // Healthchecks' plain-text answers (web/compat/PingRoutes)
        }
        if (ctx.result() == null || ctx.result().isEmpty()
            || !ctx.res().getContentType().startsWith("application/json")) {
          writeError(ctx, ApiException.notFound("no such endpoint: " + ctx.method().name() + " "
              + ctx.path()));
        }
      });
      cfg.requestLogger.http((ctx, ms) -> {
        String route;
        try {
          route = ctx.endpoint().path;
        } catch (RuntimeException e) {
          route = "unmatched";
        }
        Timer.builder("watchkeeper.http.requests")
            .description("HTTP requests by route and status")
            .tag("method", ctx.method().name()).tag("route", route)
            .tag("status", Integer.toString(ctx.statusCode()))
            .register(d.meters())
            .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
        MDC.clear();
      });
    });
  }

  /** Request id and W3C trace context on every request, in the MDC and the response headers. */
  private static void tagRequest(Context ctx) {
    String traceId = RequestIds.traceIdOf(ctx.header("traceparent"));
    if (traceId == null) {
      traceId = RequestIds.newTraceId();
    }
    String spanId = RequestIds.newSpanId();
    ctx.attribute(TRACE_ID, traceId);
    ctx.attribute(REQUEST_ID, spanId);
    ctx.header("traceparent", "00-" + traceId + "-" + spanId + "-01");
    ctx.header("X-Request-Id", spanId);
    MDC.put("trace_id", traceId);
    MDC.put("request_id", spanId);
  }

  private static String codeOf(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      default -> "http_" + status;
    };
  }

  public static void writeError(Context ctx, ApiException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", e.status());
    body.put("error", e.code());
    body.put("message", e.getMessage());
    List<String> details = e.details();
    if (!details.isEmpty()) {
      body.put("errors", details);
    }
    Object rid = ctx.attribute(REQUEST_ID);
    if (rid != null) {
      body.put("request_id", rid);
    }
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    ctx.status(e.status()).json(body);
  }

  public HttpServer start() {
    app.start();
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return app.port();
  }

  /** Stops accepting connections and waits for in-flight requests (up to the grace period). */
  @Override
  public void close() {
    app.stop();
  }

  Server jetty() {
    return app.jettyServer().server();
  }
}
