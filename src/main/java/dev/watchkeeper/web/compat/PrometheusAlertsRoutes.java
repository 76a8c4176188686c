package dev.watchkeeper.web.compat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.event.AlertmanagerAlertsParser;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.EventParser;
import dev.watchkeeper.event.InvalidEventsException;
import dev.watchkeeper.event.MalformedJsonException;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Auth;
import dev.watchkeeper.web.Bodies;
import dev.watchkeeper.web.Credentials;
import dev.watchkeeper.web.IngestGate;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;

/**
 * {@code POST /api/v2/alerts} as Alertmanager answers it, so Prometheus can send its alerts here
 * unchanged: 200 with an empty body once stored; 400 with a JSON string saying what is wrong.
 * Authenticated by an integration key, as a bearer token or the Basic auth password.
 */
public final class PrometheusAlertsRoutes {
  private final Auth auth;
  private final IngestGate gate;
  private final AlertmanagerAlertsParser parser;
  private final ObjectMapper mapper;

  public PrometheusAlertsRoutes(Auth auth, IngestGate gate, ObjectMapper mapper, Clock clock) {
    this.auth = auth;
    this.gate = gate;
    this.mapper = mapper;
    this.parser = new AlertmanagerAlertsParser(mapper, new EventParser(mapper, clock), clock);
  }

  public void register(RoutesConfig routes) {
    routes.post("/api/v2/alerts", this::post);
  }

  /** Alertmanager's 400: the body is one JSON string saying what is wrong. */
  private void badRequest(Context ctx, String message) {
    try {
      ctx.status(400).contentType("application/json").result(mapper.writeValueAsString(message));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiException(400, "bad_request", message);
    }
  }

  private void post(Context ctx) {
    Credentials.KeyRef key = auth.integrationKey(ctx);
    byte[] body = Bodies.read(ctx, gate.limits().maxBodyBytes());
    List<Event> events;
    try {
      events = parser.parse(body, gate.limits().maxBatchEvents());
    } catch (MalformedJsonException e) {
      badRequest(ctx, e.getMessage());
      return;
    } catch (InvalidEventsException e) {
      badRequest(ctx, String.join("; ", e.problems()));
      return;
    }
    if (events.isEmpty()) {
      ctx.status(200);
      return;
    }
    gate.checkRate(key, events.size());
    ctx.future(() -> gate.submit(ctx, key, events).handle((r, err) -> {
      if (err != null) {
        dev.watchkeeper.web.HttpServer.writeError(ctx, IngestGate.unavailable(err));
      } else {
        ctx.status(200);
      }
      return null;
    }));
  }
}
