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
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import java.util.Map;
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
  private final IngestLane lane;
  private final LiveConfig config;
  private dev.watchkeeper.web.ui.UiRoutes ui;
  private volatile int boundPort = -1;

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
      dev.watchkeeper.notify.ActionLinks actionLinks,
      AccessStores access,
      dev.watchkeeper.check.Checks checks,
      dev.watchkeeper.check.PingWriter pingWriter) {

    /** Without logins, run-time API tokens and health checks. */
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
          icalSecret, notifications, null, null, null, null);
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
          icalSecret, null, null, null, null, null);
    }
  }

  public HttpServer(Deps d) {
    this.config = d.config();
    Auth auth = new Auth(d.config(), d.access(), d.clock());
    IngestGate gate = new IngestGate(d.config(), d.committer(), d.clock(), d.meters());
    EventRoutes events = new EventRoutes(d.config(), auth, d.mapper(), gate, d.store(), d.clock(),
        new RequestResults(d.store(), d.alerts(), d.incidents(), d.labelRoutes()));
    AdminRoutes admin = new AdminRoutes(d.config(), auth, d.mapper());
    var server = d.config().get().server();
    HttpTimers timers = new HttpTimers(d.meters());
    this.lane = new IngestLane(d.config(), d.mapper(), timers);
    events.register(lane);
    new dev.watchkeeper.web.compat.PrometheusAlertsRoutes(auth, gate, d.mapper(), d.clock())
        .register(lane);
    if (d.checks() != null) {
      new dev.watchkeeper.web.compat.PingRoutes(d.config(), d.checks(), d.pingWriter(),
          d.clock(), d.meters()).register(lane);
    }
    this.app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.jetty.host = server.host();
      cfg.jetty.port = server.port();
      cfg.http.maxRequestSize = d.config().get().ingest().maxBodyBytes() + 1024L;
      cfg.jsonMapper(new JavalinJackson(d.mapper(), false));
      cfg.jetty.modifyServer(s -> {
        s.setStopTimeout(server.shutdownGrace().toMillis());
        // Javalin puts its servlet context inside this wrapper: the lane answers the ingest hot
        // paths itself and hands every other request on.
        s.setHandler(lane);
      });
      cfg.routes.before(HttpServer::tagRequest);
      cfg.routes.before(ctx -> {
        SecurityHeaders.apply(ctx, d.config().get().security());
        dev.watchkeeper.audit.RequestOrigin.begin(ctx.ip());
      });
      if (d.access() != null) {
        cfg.routes.after(ctx -> auditFallback(ctx, d.access().audit(), d.clock()));
      }
      cfg.routes.after(ctx -> dev.watchkeeper.audit.RequestOrigin.end());
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
      if (d.access() != null) {
        new LoginRoutes(auth, d.access(), d.config(), d.clock(), d.mapper())
            .register(cfg.routes);
        new TokenRoutes(auth, d.access(), d.clock(), d.mapper()).register(cfg.routes);
        new UserRoutes(auth, d.access(), d.clock(), d.mapper()).register(cfg.routes);
        new AuditRoutes(auth, d.access().audit()).register(cfg.routes);
      }
      if (d.silences() != null) {
        new dev.watchkeeper.web.compat.AlertmanagerSilenceRoutes(auth, d.mapper(),
            d.silences()).register(cfg.routes);
      }
      new dev.watchkeeper.web.compat.PagerDutyRoutes(d, gate).register(cfg.routes);
      new AlertRoutes(auth, d.alerts(), d.inhibitions()).register(cfg.routes);
      new IncidentRoutes(auth, d.incidents(), d.incidentEngine(), d.mapper(), d.store(),
          d.access() == null ? null : d.access().audit()).register(cfg.routes);
      NotificationRoutes notificationRoutes = d.notifications() == null ? null
          : new NotificationRoutes(auth, d.notifications(), d.clock(), d.incidents());
      if (d.access() != null && d.incidents() != null) {
        ui = new dev.watchkeeper.web.ui.UiRoutes(auth, d.config(), d.incidents(),
            d.incidentEngine(), d.alerts(), d.store(), d.notifications(),
            new IncidentActions(auth, d.incidents(), d.mapper(), d.access().audit()), d.mapper(),
            d.clock());
        ui.register(cfg.routes);
        new dev.watchkeeper.web.ui.AdminPages(ui, auth, d.config(), d.incidents(),
            d.notifications(), notificationRoutes, d.access().audit()).register(cfg.routes);
        if (d.checks() != null) {
          new dev.watchkeeper.web.ui.CheckPages(ui, auth, d.checks()).register(cfg.routes);
        }
        if (d.rota() != null) {
          new dev.watchkeeper.web.ui.OncallPages(ui, auth, d.config(), d.rota())
              .register(cfg.routes);
        }
        if (d.silences() != null) {
          new dev.watchkeeper.web.ui.SilencePages(ui, auth, d.silences(),
              () -> d.config().get().silences().maxDuration()).register(cfg.routes);
        }
      }
      if (notificationRoutes != null) {
        notificationRoutes.register(cfg.routes);
      }
      if (d.actionLinks() != null) {
        new ActionRoutes(d.actionLinks(), d.incidentEngine(), d.incidents(), d.clock(),
            d.access() == null ? null : d.access().audit()).register(cfg.routes);
      }
      new dev.watchkeeper.web.compat.AlertmanagerAlertsRoutes(d, auth).register(cfg.routes);
      if (d.rota() != null) {
        FeedTokens tokens = new FeedTokens(d.icalSecret());
        new ScheduleRoutes(d.config(), auth, d.mapper(), d.rota(), tokens, this::publicUrl)
            .register(cfg.routes);
        new IcalRoutes(d.config(), d.rota(), tokens).register(cfg.routes);
      }
      if (d.checks() != null) {
        new CheckRoutes(d.config(), auth, d.mapper(), d.checks(), this::publicUrl).register(cfg.routes);
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
        String type = ctx.res().getContentType();
        // Our own 404s are JSON (API) or HTML (pages); anything else is Javalin's default.
        if (ctx.result() == null || ctx.result().isEmpty() || type == null
            || !(type.startsWith("application/json") || type.startsWith("text/html"))) {
          writeError(ctx, ApiException.notFound("no such endpoint: " + ctx.method().name() + " "
              + ctx.path()));
        }
      });
      cfg.requestLogger.http((ctx, ms) -> {
        timers.record(ctx.method().name(), ctx.statusCode(), matchedRoute(ctx, "unmatched"),
            (long) (ms * 1_000_000));
        MDC.clear();
      });
    });
  }

  /**
   * Every successful change made with an API token or a login session is audited: a route that
   * wrote its own audit row (with before and after) is left alone; for the others this writes one
   * naming the request. Ingest (integration keys) is not a change of this kind.
   */
  private static void auditFallback(Context ctx, dev.watchkeeper.audit.AuditLog audit,
      Clock clock) {
    if (Auth.safe(ctx) || ctx.statusCode() < 200 || ctx.statusCode() >= 300
        || dev.watchkeeper.audit.RequestOrigin.recordedCount() > 0) {
      return;
    }
    dev.watchkeeper.access.Principal p = ctx.attribute(Auth.PRINCIPAL);
    if (p == null) {
      return;
    }
    String route = matchedRoute(ctx, ctx.path());
    audit.record(new dev.watchkeeper.audit.AuditLog.Entry(clock.instant(), p.actor(),
        "request." + ctx.method().name().toLowerCase(java.util.Locale.ROOT), "endpoint", route,
        "{\"path\":" + quote(ctx.path()) + ",\"status\":" + ctx.statusCode() + "}"));
  }

  /** The path template of the endpoint that handled the request (not a before/after handler). */
  static String matchedRoute(Context ctx, String otherwise) {
    try {
      var e = ctx.endpoints().matchedHttpEndpoint();
      return e == null ? otherwise : e.path;
    } catch (RuntimeException ex) {
      return otherwise;
    }
  }

  private static String quote(String s) {
    try {
      return new ObjectMapper().writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every registered endpoint as "METHOD /path" (the authorization matrix test walks them). */
  public List<String> routes() {
    List<String> out = new java.util.ArrayList<>(lane.routes());
    for (var e : app.unsafe.internalRouter.allHttpHandlers()) {
      String m = e.endpoint.method.name();
      if (!m.equals("BEFORE") && !m.equals("AFTER") && !m.equals("BEFORE_MATCHED")
          && !m.equals("AFTER_MATCHED")) {
        out.add(m + " " + e.endpoint.path);
      }
    }
    return out;
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
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    ctx.status(e.status()).json(errorBody(e, ctx.attribute(REQUEST_ID)));
  }

  /** The JSON body of every error answer: status, code, a sentence, details, request id. */
  static Map<String, Object> errorBody(ApiException e, Object requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", e.status());
    body.put("error", e.code());
    body.put("message", e.getMessage());
    List<String> details = e.details();
    if (!details.isEmpty()) {
      body.put("errors", details);
    }
    if (requestId != null) {
      body.put("request_id", requestId);
    }
    return body;
  }

  public HttpServer start() {
    app.start();
    boundPort = app.port();
    return this;
  }

  /** The base URL of links handed out: {@code public_url}, else the bound address. */
  public String publicUrl() {
    return config.get().server().baseUrl(port());
  }

  /**
   * The bound port (useful with port 0); the configured one before {@link #start()}. Javalin is
   * never asked before it started: asking makes it build its Jetty server early, which then fails
   * to start.
   */
  public int port() {
    int p = boundPort;
    return p >= 0 ? p : config.get().server().port();
  }

  /** Stops accepting connections and waits for in-flight requests (up to the grace period). */
  @Override
  public void close() {
    if (ui != null) {
      ui.close(); // ends the live streams first: Jetty would wait for them
    }
    app.stop();
  }

  Server jetty() {
    return app.jettyServer().server();
  }
}
