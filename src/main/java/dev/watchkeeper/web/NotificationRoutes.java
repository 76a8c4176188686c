package dev.watchkeeper.web;

import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.notify.Notification;
import dev.watchkeeper.notify.NotificationStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notifications outbox: the delivery log and the dead letters (viewer), and retrying a dead
 * letter (responder). Addresses are never shown: a row names the user, the channel type and the
 * index of the contact method in the config.
 */
public final class NotificationRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final Auth auth;
  private final NotificationStore store;
  private final Clock clock;

  private final dev.watchkeeper.incident.IncidentStore incidents;

  NotificationRoutes(Auth auth, NotificationStore store, Clock clock,
      dev.watchkeeper.incident.IncidentStore incidents) {
    this.incidents = incidents;
    this.auth = auth;
    this.store = store;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/notifications", this::list);
    routes.post("/api/v1/notifications/{id}/retry", this::retry);
  }

  /** The service of an incident, or null; cached per request (lists repeat incidents). */
  private String serviceOf(long incident, Map<Long, String> cache) {
    return cache.computeIfAbsent(incident, i -> incidents.find(i)
        .map(dev.watchkeeper.incident.Incident::service).orElse(null));
  }

  private void list(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Notification.State state = null;
    String st = ctx.queryParam("state");
    if (st != null) {
      state = Notification.State.parse(st).orElseThrow(() -> ApiException.badRequest(
          "state: must be pending, sending, delivered or dead"));
    }
    Long incident = null;
    String inc = ctx.queryParam("incident");
    if (inc != null) {
      try {
        incident = Long.parseLong(inc);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("incident: not an incident id: \"" + inc + "\"");
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    // Narrowed to the caller's teams in the query, so a page is full.
    for (Notification n : store.list(new NotificationStore.Query(state, incident, limit,
        auth.visibleServices(principal)))) {
      out.add(body(n));
    }
    ctx.json(Map.of("notifications", out));
  }

  private void retry(Context ctx) {
    long id = retry(ctx, auth.require(ctx, Role.RESPONDER), ctx.pathParam("id"));
    ctx.json(Map.of("id", id, "state", Notification.State.PENDING.wire()));
  }

  /**
   * Retries the dead notification {@code raw} (its id as given) for {@code principal}, who must
   * be responder on a team owning its incident's service: 404 for no such row, 409 when it is not
   * dead. The API and the dead-letters page both retry through here. Returns the id.
   */
  public long retry(Context ctx, dev.watchkeeper.access.Principal principal, String raw) {
    long id;
    try {
      id = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no notification with id " + raw);
    }
    Notification before = store.find(id)
        .orElseThrow(() -> ApiException.notFound("no notification with id " + id));
    auth.requireService(ctx, principal, Role.RESPONDER,
        serviceOf(before.incidentId(), new java.util.HashMap<>()));
    if (!store.retry(id, clock.instant(), principal.actor())) {
      throw new ApiException(409, "conflict", "notification " + id + " is "
          + store.find(id).map(n -> n.state().wire()).orElse(before.state().wire())
          + "; only a dead notification can be retried");
    }
    return id;
  }

  /** The API view of a row: no address, no claim token. */
  static Map<String, Object> body(Notification n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id());
    m.put("idempotency_key", n.idempotencyKey());
    m.put("incident_id", n.incidentId());
    m.put("user", n.userId());
    m.put("channel", n.channel().wire());
    m.put("contact_method", n.methodIndex());
    m.put("kind", n.kind());
    m.put("state", n.state().wire());
    m.put("attempts", n.attempts());
    m.put("next_attempt_at", n.state() == Notification.State.PENDING
        ? n.nextAttemptAt().toString() : null);
    m.put("last_error", n.lastError());
    m.put("created_at", n.createdAt().toString());
    m.put("updated_at", n.updatedAt().toString());
    return m;
  }
}
