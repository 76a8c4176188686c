package dev.watchkeeper.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.access.Account;
import dev.watchkeeper.access.Grants;
import dev.watchkeeper.access.Principal;
import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.obs.LogEvent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local logins: list, create, roles, password, delete. Admins of every team manage accounts;
 * anyone logged in changes their own password (giving the current one). A password change ends
 * every session of the account.
 */
final class UserRoutes {
  private static final Logger log = LoggerFactory.getLogger(UserRoutes.class);
  /** Same as user ids in the config, so that a config user can be given a login. */
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private final Auth auth;
  private final AccessStores stores;
  private final Clock clock;
  private final ObjectMapper mapper;

  UserRoutes(Auth auth, AccessStores stores, Clock clock, ObjectMapper mapper) {
    this.auth = auth;
    this.stores = stores;
    this.clock = clock;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/users", this::list);
    routes.post("/api/v1/users", this::create);
    routes.put("/api/v1/users/{name}/roles", this::setRoles);
    routes.put("/api/v1/users/{name}/password", this::setPassword);
    routes.delete("/api/v1/users/{name}", this::delete);
  }

  private void list(Context ctx) {
    auth.requireGlobal(ctx, Role.ADMIN);
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (var u : auth.config().oncall().users()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", u.id());
      m.put("display_name", u.name());
      m.put("in_config", true);
      m.put("login", false);
      m.put("teams", auth.ownership().teamsOfUser(u.id()));
      out.put(u.id(), m);
    }
    for (Account a : stores.accounts().list()) {
      Map<String, Object> m = out.computeIfAbsent(a.name(), n -> {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("name", n);
        x.put("display_name", n);
        x.put("in_config", false);
        x.put("teams", List.of());
        return x;
      });
      m.putAll(render(a));
    }
    ctx.json(Map.of("users", new ArrayList<>(out.values())));
  }

  private void create(Context ctx) {
    Principal p = auth.requireGlobal(ctx, Role.ADMIN);
    JsonNode body = JsonBody.object(ctx, mapper);
    String name = JsonBody.required(body, "name");
    if (!NAME.matcher(name).matches()) {
      throw ApiException.badRequest("name: must match " + NAME.pattern() + ", got \"" + name
          + "\"");
    }
    String password = JsonBody.text(body, "password");
    stores.passwords().problem(password).ifPresent(problem -> {
      throw ApiException.badRequest(problem);
    });
    Grants grants = grants(body);
    Instant now = clock.instant();
    Account a = new Account(name, stores.passwords().hash(password.toCharArray()), now,
        p.actor(), now, grants);
    if (!stores.accounts().create(a)) {
      throw new ApiException(409, "conflict", "a login named \"" + name + "\" exists");
    }
    stores.audit().record(new AuditLog.Entry(now, p.actor(), "user.create", "user", name, null,
        null, null, json(render(a))));
    LogEvent.ACCOUNT_CREATED.info(log).addKeyValue("actor", p.actor())
        .addKeyValue("account", name).log("login created");
    ctx.status(201).json(render(a));
  }

  private void setRoles(Context ctx) {
    Principal p = auth.requireGlobal(ctx, Role.ADMIN);
    String name = ctx.pathParam("name");
    Account before = find(name);
    Grants grants = grants(JsonBody.object(ctx, mapper));
    stores.accounts().setGrants(name, grants);
    Account after = find(name);
    stores.audit().record(new AuditLog.Entry(clock.instant(), p.actor(), "user.roles", "user",
        name, null, null, json(render(before)), json(render(after))));
    LogEvent.ACCOUNT_ROLES_CHANGED.info(log).addKeyValue("actor", p.actor())
        .addKeyValue("account", name).log("roles changed");
    ctx.json(render(after));
  }

  private void setPassword(Context ctx) {
    Principal p = auth.authenticate(ctx);
    String name = ctx.pathParam("name");
    boolean self = p.kind() == Principal.Kind.SESSION && p.name().equals(name);
    if (!self) {
      auth.requireGlobal(ctx, Role.ADMIN);
    }
    Account before = find(name);
    JsonNode body = JsonBody.object(ctx, mapper);
    if (self && !p.grants().allowsGlobally(Role.ADMIN)) {
      String current = JsonBody.text(body, "current_password");
      if (current == null || !stores.passwords().verify(current.toCharArray(),
          before.passwordHash())) {
        throw new ApiException(403, "forbidden", "current_password: missing or wrong");
      }
    }
    String password = JsonBody.text(body, "password");
    stores.passwords().problem(password).ifPresent(problem -> {
      throw ApiException.badRequest(problem);
    });
    Instant now = clock.instant();
    stores.accounts().changePassword(name, stores.passwords().hash(password.toCharArray()), now);
    stores.audit().record(new AuditLog.Entry(now, p.actor(), "user.password", "user", name,
        "{\"sessions_ended\":true}", null, json(Map.of("password_changed_at",
            before.passwordChangedAt().toString())),
        json(Map.of("password_changed_at", now.toString()))));
    LogEvent.PASSWORD_CHANGED.info(log).addKeyValue("actor", p.actor())
        .addKeyValue("account", name).log("password changed; every session of it ended");
    ctx.json(Map.of("name", name, "password_changed_at", now.toString(),
        "message", "password changed; every session of " + name + " has ended: log in again"));
  }

  private void delete(Context ctx) {
    Principal p = auth.requireGlobal(ctx, Role.ADMIN);
    String name = ctx.pathParam("name");
    if (p.kind() == Principal.Kind.SESSION && p.name().equals(name)) {
      throw new ApiException(409, "conflict", "you cannot delete your own login; ask another"
          + " admin");
    }
    Account before = find(name);
    stores.accounts().delete(name);
    stores.audit().record(new AuditLog.Entry(clock.instant(), p.actor(), "user.delete", "user",
        name, null, null, json(render(before)), null));
    LogEvent.ACCOUNT_DELETED.info(log).addKeyValue("actor", p.actor())
        .addKeyValue("account", name).log("login deleted; its sessions ended");
    ctx.status(204);
  }

  private Account find(String name) {
    return stores.accounts().find(name).orElseThrow(() ->
        ApiException.notFound("no login named \"" + name + "\""));
  }

  /** {@code "roles": {"*": "admin", "sre": "responder"}}: team (or * for every team) to role. */
  private Grants grants(JsonNode body) {
    JsonNode roles = body.get("roles");
    if (roles == null || roles.isNull()) {
      return Grants.NONE;
    }
    if (!roles.isObject()) {
      throw ApiException.badRequest("roles: must be an object of team (or \"*\" for every"
          + " team) to role, like {\"*\": \"admin\", \"sre\": \"responder\"}");
    }
    Map<String, Role> rows = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = roles.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String team = e.getKey();
      if (!team.equals(Grants.EVERY_TEAM) && !auth.ownership().teamExists(team)) {
        throw ApiException.badRequest("roles." + team + ": unknown team (teams: "
            + String.join(", ", auth.ownership().teams()) + "; \"*\" is every team)");
      }
      if (!e.getValue().isTextual()) {
        throw ApiException.badRequest("roles." + team + ": must be viewer, responder or admin");
      }
      rows.put(team, JsonBody.role("roles." + team, e.getValue().textValue()));
    }
    return Grants.of(rows);
  }

  private Map<String, Object> render(Account a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", a.name());
    m.put("login", true);
    m.put("roles", LoginRoutes.roles(auth.grantsOf(a)));
    m.put("created_at", a.createdAt().toString());
    m.put("created_by", a.createdBy());
    m.put("password_changed_at", a.passwordChangedAt().toString());
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
