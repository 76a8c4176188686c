package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.audit.RequestOrigin;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.obs.LogEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The ingest hot paths ({@code POST /api/v1/events}, {@code POST /api/v2/alerts} and the
 * Healthchecks ping URLs) served by a Jetty core handler in front of Javalin, which gets every
 * other request. A profile of one-event and one-ping requests showed Jetty's servlet layer and
 * Javalin's routing (a regular expression per registered route) taking most of the CPU of a
 * request; see bench/RESULTS.md. What every request gets is the same on both paths: trace and
 * request ids, the security headers, JSON errors with a sentence, the request timer, the audit
 * origin.
 *
 * <p>Routes are matched by method and exact path, or for {@code /ping/} by the number of path
 * segments (1 to 3). A trailing slash is ignored, as Javalin does.
 */
public final class IngestLane extends Handler.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(IngestLane.class);

  /** A lane route: answers the exchange, now or later (from any thread). */
  @FunctionalInterface
  public interface Route {
    void handle(LaneExchange ex) throws Exception;
  }

  private static final Route NOT_FOUND = ex -> ex.plain(404, "not found");

  private record Exact(String method, String path, Route route) {}

  private final LiveConfig config;
  private final ObjectMapper mapper;
  private final HttpTimers timers;
  private final List<Exact> exact = new ArrayList<>();
  private final Map<String, Route> pings = new java.util.HashMap<>();

  IngestLane(LiveConfig config, ObjectMapper mapper, HttpTimers timers) {
    this.config = config;
    this.mapper = mapper;
    this.timers = timers;
  }

  /** Serves {@code method path} (an exact path) on the lane. */
  public void route(String method, String path, Route route) {
    exact.add(new Exact(method, path, route));
  }

  /**
   * Serves GET, HEAD and POST of {@code /ping/{a}}, {@code /ping/{a}/{b}} and
   * {@code /ping/{a}/{b}/{c}}; other {@code /ping/} paths of those methods get {@code notFound}.
   */
  public void pings(Route route) {
    for (String m : List.of("GET", "HEAD", "POST")) {
      pings.put(m, route);
    }
  }

  /** The lane's endpoints as "METHOD /path". */
  List<String> routes() {
    List<String> out = new ArrayList<>();
    exact.forEach(e -> out.add(e.method() + " " + e.path()));
    for (String m : pings.keySet()) {
      for (String p : List.of("/ping/{a}", "/ping/{a}/{b}", "/ping/{a}/{b}/{c}")) {
        out.add(m + " " + p);
      }
    }
    return out;
  }

  @Override
  public boolean handle(Request req, Response res, Callback cb) throws Exception {
    String path = req.getHttpURI().getCanonicalPath();
    if (path == null) {
      return super.handle(req, res, cb);
    }
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String method = req.getMethod();
    Route route = null;
    String template = null;
    List<String> params = List.of();
    for (Exact e : exact) {
      if (e.path().equals(path) && e.method().equals(method)) {
        route = e.route();
        template = e.path();
        break;
      }
    }
    if (route == null && path.startsWith("/ping/")) {
      route = pings.get(method);
      if (route != null) {
        params = List.of(path.substring(6).split("/", -1));
        template = switch (params.size()) {
          case 1 -> "/ping/{a}";
          case 2 -> "/ping/{a}/{b}";
          case 3 -> "/ping/{a}/{b}/{c}";
          default -> null;
        };
        if (template == null || params.contains("")) {
          // Healthchecks answers every unknown ping URL the same way.
          template = "unmatched";
          route = NOT_FOUND;
          params = List.of();
        }
      }
    }
    if (route == null) {
      return super.handle(req, res, cb);
    }
    serve(req, res, cb, method, template, params, route);
    return true;
  }

  private void serve(Request req, Response res, Callback cb, String method, String template,
      List<String> params, Route route) {
    long start = System.nanoTime();
    String traceId = RequestIds.traceIdOf(req.getHeaders().get("traceparent"));
    if (traceId == null) {
      traceId = RequestIds.newTraceId();
    }
    String requestId = RequestIds.newSpanId();
    var headers = res.getHeaders();
    headers.put("traceparent", "00-" + traceId + "-" + requestId + "-01");
    headers.put("X-Request-Id", requestId);
    SecurityHeaders.each(config.get().security(), headers::put);
    LaneExchange ex = new LaneExchange(req, res, cb, mapper, params, traceId,
        requestId, status -> timers.record(method, status, template,
            System.nanoTime() - start));
    MDC.put("trace_id", traceId);
    MDC.put("request_id", requestId);
    RequestOrigin.begin(Request.getRemoteAddr(req));
    try {
      route.handle(ex);
    } catch (ApiException e) {
      ex.error(e);
    } catch (Exception | LinkageError e) {
      LogEvent.REQUEST_FAILED.error(log).setCause(e).addKeyValue("method", method)
          .addKeyValue("path", req.getHttpURI().getPath()).log("request failed unexpectedly");
      ex.error(new ApiException(500, "internal_error",
          "an unexpected error occurred; it was logged with request id " + requestId));
    } finally {
      RequestOrigin.end();
      MDC.clear();
    }
  }
}
