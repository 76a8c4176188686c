package dev.watchkeeper.web.compat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.event.AlertmanagerAlertsParser;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.InvalidEventsException;
import dev.watchkeeper.event.MalformedJsonException;
import dev.watchkeeper.web.Auth;
import dev.watchkeeper.web.Bodies;
import dev.watchkeeper.web.Credentials;
import dev.watchkeeper.web.IngestGate;
import dev.watchkeeper.web.IngestLane;
import dev.watchkeeper.web.LaneExchange;
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

  public PrometheusAlertsRoutes(Auth auth, IngestGate gate, ObjectMapper mapper, Clock clock) {
    this.auth = auth;
    this.gate = gate;
    this.parser = new AlertmanagerAlertsParser(mapper, clock);
  }

  public void register(IngestLane lane) {
    lane.route("POST", "/api/v2/alerts", this::post);
  }

  /** Alertmanager's 400: the body is one JSON string saying what is wrong. */
  private static void badRequest(LaneExchange ex, String message) {
    ex.json(400, message);
  }

  private void post(LaneExchange ctx) {
    Credentials.KeyRef key = auth.integrationKey(ctx.header("Authorization"), "/api/v2/alerts");
    byte[] body = Bodies.read(ctx.body(), ctx.contentLength(), gate.limits().maxBodyBytes());
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
    gate.submit(ctx.traceId(), key, events).whenComplete((r, err) -> {
      if (err != null) {
        ctx.error(IngestGate.unavailable(err));
      } else {
        ctx.status(200);
      }
    });
  }
}
