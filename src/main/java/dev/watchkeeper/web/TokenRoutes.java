package dev.watchkeeper.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.access.Principal;
import dev.watchkeeper.access.Secrets;
import dev.watchkeeper.access.StoredToken;
import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.obs.LogEvent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens created at run time: {@code POST /api/v1/tokens} (the token is in this answer and
 * never again; only its SHA-256 is stored), {@code GET /api/v1/tokens}, {@code DELETE
 * /api/v1/tokens/{id}} (revoke). An admin of every team manages every token; an admin of a team
 * manages that team's tokens.
 */
final class TokenRoutes {
  private static final Logger log = LoggerFactory.getLogger(TokenRoutes.class);
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  static final String PREFIX = "wkt_";

  private final Auth auth;
  private final AccessStores stores;
  private final Clock clock;
  private final ObjectMapper mapper;

  TokenRoutes(Auth auth, AccessStores stores, Clock clock, ObjectMapper mapper) {
    this.auth = auth;
    this.stores = stores;
    this.clock = clock;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.post("/api/v1/tokens", this::create);
    routes.get("/api/v1/tokens", this::list);
    routes.delete("/api/v1/tokens/{id}", this::revoke);
  }

  private void create(Context ctx) {
    Principal p = auth.require(ctx, Role.ADMIN);
    JsonNode body = JsonBody.object(ctx, mapper);
    String name = JsonBody.required(body, "name");
    if (!NAME.matcher(name).matches()) {
      throw ApiException.badRequest("name: must match " + NAME.pattern() + ", got \"" + name
          + "\"");
    }
    Role role = JsonBody.role("role", JsonBody.required(body, "role"));
    String team = JsonBody.text(body, "team");
    if (team != null && !auth.ownership().teamExists(team)) {
      throw ApiException.badRequest("team: unknown team \"" + team + "\" (teams: "
          + String.join(", ", auth.ownership().teams()) + "); leave it out for every team");
    }
    auth.requireTeam(ctx, p, Role.ADMIN, team);
    if (auth.config().apiTokens().stream().anyMatch(t -> name.equals(t.name()))) {
      throw new ApiException(409, "conflict", "the config has an API token named \"" + name
          + "\"; choose another name");
    }
    String secret = Secrets.random(PREFIX);
    Instant now = clock.instant();
    StoredToken t = new StoredToken(Secrets.shortId("tok_"), name, Secrets.sha256(secret),
        team, role, p.actor(), now, null, null, null);
    if (!stores.tokens().insert(t)) {
      throw new ApiException(409, "conflict", "an API token named \"" + name + "\" exists;"
          + " revoke it first or choose another name");
    }
    stores.audit().record(new AuditLog.Entry(now, p.actor(), "token.create", "token", t.id(),
        null, null, null, json(render(t))));
    LogEvent.API_TOKEN_CREATED.info(log).addKeyValue("actor", p.actor())
        .addKeyValue("token", name).addKeyValue("team", team).log("API token created");
    Map<String, Object> out = render(t);
    out.put("token", secret);
    out.put("message", "store this token now: it is not shown again");
    ctx.header("Cache-Control", "no-store").status(201).json(out);
  }

  private void list(Context ctx) {
    Principal p = auth.require(ctx, Role.ADMIN);
    List<Map<String, Object>> out = new ArrayList<>();
    for (StoredToken t : stores.tokens().list()) {
      if (mayManage(p, t)) {
        out.add(render(t));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tokens", out);
    if (p.grants().allowsGlobally(Role.ADMIN)) {
      List<Map<String, Object>> configured = new ArrayList<>();
      auth.config().apiTokens().forEach(t -> configured.add(Map.of("name", t.name(),
          "role", Auth.name(t.role()))));
      body.put("config_tokens", configured);
    }
    ctx.json(body);
  }

  private void revoke(Context ctx) {
    Principal p = auth.require(ctx, Role.ADMIN);
    String id = ctx.pathParam("id");
    StoredToken t = stores.tokens().find(id).orElseThrow(() ->
        ApiException.notFound("no API token with id " + id));
    auth.requireTeam(ctx, p, Role.ADMIN, t.team());
    if (t.revoked()) {
      throw new ApiException(409, "conflict", "the API token " + id + " was revoked at "
          + t.revokedAt() + " by " + t.revokedBy());
    }
    Instant now = clock.instant();
    StoredToken revoked = stores.tokens().revoke(id, now, p.actor()).orElseThrow(() ->
        new ApiException(409, "conflict", "the API token " + id + " was revoked meanwhile"));
    stores.audit().record(new AuditLog.Entry(now, p.actor(), "token.revoke", "token", id, null,
        null, json(render(t)), json(render(revoked))));
    LogEvent.API_TOKEN_REVOKED.info(log).addKeyValue("actor", p.actor())
        .addKeyValue("token", t.name()).log("API token revoked");
    ctx.json(render(revoked));
  }

  private boolean mayManage(Principal p, StoredToken t) {
    return t.team() == null ? p.grants().allowsGlobally(Role.ADMIN)
        : p.grants().allows(Role.ADMIN, List.of(t.team()));
  }

  static Map<String, Object> render(StoredToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("name", t.name());
    m.put("team", t.team());
    m.put("role", Auth.name(t.role()));
    m.put("created_by", t.createdBy());
    m.put("created_at", t.createdAt().toString());
    m.put("last_used_at", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
    m.put("revoked_at", t.revokedAt() == null ? null : t.revokedAt().toString());
    m.put("revoked_by", t.revokedBy());
    return m;
  }

  private String json(Object o) {
    try {
      return mapper.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
