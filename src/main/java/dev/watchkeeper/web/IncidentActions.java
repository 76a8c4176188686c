package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.access.Principal;
import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentStore;
import dev.watchkeeper.incident.Outcome;
import io.javalin.http.Context;
import java.util.Map;

/**
 * A responder action on one incident, the same for the JSON API and the pages: the caller must
 * be a responder of a team owning the incident's service; a change that happened is audited
 * with the incident before and after. Thread-safe.
 */
public final class IncidentActions {
  /** An action on one incident, by an actor. */
  public interface Action {
    Outcome run(long id, String actor);
  }

  private final Auth auth;
  private final IncidentStore store;
  private final ObjectMapper mapper;
  private final AuditLog audit;

  /** @param audit where changes are recorded, or null */
  IncidentActions(Auth auth, IncidentStore store, ObjectMapper mapper, AuditLog audit) {
    this.auth = auth;
    this.store = store;
    this.mapper = mapper;
    this.audit = audit;
  }

  /**
   * Before reading the request's input: the incident if the caller is a responder of a team
   * owning it; 401, 403 or 404 otherwise.
   */
  public Incident guard(Context ctx, long id) {
    Principal principal = auth.require(ctx, Role.RESPONDER);
    Incident i = store.find(id).orElseThrow(() -> notFound(id));
    auth.requireService(ctx, principal, Role.RESPONDER, i.service());
    return i;
  }

  /** Checks like {@link #guard}, runs {@code a}, audits a change; returns the outcome. */
  public Outcome run(Context ctx, long id, String action, Map<String, Object> details, Action a) {
    Principal principal = auth.require(ctx, Role.RESPONDER);
    Incident before = store.find(id).orElseThrow(() -> notFound(id));
    auth.requireService(ctx, principal, Role.RESPONDER, before.service());
    Outcome outcome = a.run(id, principal.actor());
    if (outcome instanceof Outcome.Done done && audit != null) {
      try {
        audit.record(new AuditLog.Entry(done.incident().updatedAt(), principal.actor(),
            "incident." + action, "incident", Long.toString(id),
            details == null ? null : mapper.writeValueAsString(details), null,
            mapper.writeValueAsString(IncidentRoutes.render(before)),
            mapper.writeValueAsString(IncidentRoutes.render(done.incident()))));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("an incident could not be written as JSON", e);
      }
    }
    return outcome;
  }

  static ApiException notFound(long id) {
    return ApiException.notFound("no incident with id " + id);
  }
}
