package dev.watchkeeper.web;

import dev.watchkeeper.access.Account;
import dev.watchkeeper.access.Grants;
import dev.watchkeeper.access.Ownership;
import dev.watchkeeper.access.Principal;
import dev.watchkeeper.access.Secrets;
import dev.watchkeeper.access.Session;
import dev.watchkeeper.access.StoredToken;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.config.WatchkeeperConfig.ApiToken;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.obs.LogEvent;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a request acts as, and whether it may: integration keys for ingest only; for everything
 * else an API token ({@code Authorization: Bearer}, or the Basic auth password) from the config
 * or created at run time, or a login session cookie. A request with an Authorization header is
 * judged by it alone (never by a cookie as well).
 *
 * <p>A state-changing request (not GET, HEAD or OPTIONS) authenticated by the session cookie must
 * carry the session's CSRF token in {@code X-CSRF-Token} or the form field {@code csrf_token};
 * otherwise 403. Bearer tokens need no CSRF token: browsers never add them by themselves.
 *
 * <p>Follows config reloads. Never logs or echoes a presented secret. Thread-safe.
 */
public final class Auth {
  private static final Logger log = LoggerFactory.getLogger(Auth.class);
  static final String PRINCIPAL = "wk.principal";
  static final String SESSION_ID = "wk.session_id";
  public static final String SESSION_COOKIE = "wk_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  public static final String CSRF_FIELD = "csrf_token";
  /** Session activity and token use are written at most this often (a write per request would
   * cost SQLite's single writer). */
  static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private record Snapshot(WatchkeeperConfig config, Credentials credentials,
      Ownership ownership) {
    Snapshot(WatchkeeperConfig c) {
      this(c, new Credentials(c), new Ownership(c));
    }
  }

  private final AtomicReference<Snapshot> current;
  private final AccessStores stores;
  private final Clock clock;

  /** With the config's API tokens only (no logins, no run-time tokens). */
  public Auth(LiveConfig config) {
    this(config, null, Clock.systemUTC());
  }

  public Auth(LiveConfig config, AccessStores stores, Clock clock) {
    this.current = new AtomicReference<>(new Snapshot(config.get()));
    config.onChange(c -> current.set(new Snapshot(c)));
    this.stores = stores;
    this.clock = clock;
  }

  /** The service and key of the request's integration key; 401 if missing or unknown. */
  public Credentials.KeyRef integrationKey(Context ctx) {
    return integrationKey(ctx.header("Authorization"), ctx.path());
  }

  /** {@link #integrationKey(Context)} from the Authorization header's value. */
  public Credentials.KeyRef integrationKey(String authorization, String path) {
    String token = bearer(authorization);
    if (token == null) {
      throw unauthorized("missing integration key: send it as 'Authorization: Bearer <key>'"
          + " (or as the Basic auth password)");
    }
    return current.get().credentials().integrationKey(token).orElseThrow(() -> {
      LogEvent.AUTH_REJECTED.info(log).addKeyValue("path", path)
          .log("unknown integration key");
      return unauthorized("unknown integration key");
    });
  }

  /**
   * The request's principal if it has {@code role} on at least one team (or globally); 401 or
   * 403 otherwise. What it may see or change is then narrowed to its teams with
   * {@link #requireService} and {@link #canSee}.
   */
  public Principal require(Context ctx, Role role) {
    Principal p = authenticate(ctx);
    if (!p.grants().allowsSomeTeam(role)) {
      throw forbidden(ctx, p, "this needs " + name(role));
    }
    return p;
  }

  /** The request's principal if it has {@code role} on every team (config-level actions). */
  public Principal requireGlobal(Context ctx, Role role) {
    Principal p = authenticate(ctx);
    if (!p.grants().allowsGlobally(role)) {
      throw forbidden(ctx, p, "this needs " + name(role) + " on every team"
          + " (a team's " + name(role) + " is not enough)");
    }
    return p;
  }

  /** 403 unless {@code p} has {@code role} on a team owning {@code service}. */
  public void requireService(Context ctx, Principal p, Role role, String service) {
    Set<String> owners = current.get().ownership().teamsOf(service);
    if (!p.grants().allows(role, owners)) {
      throw forbidden(ctx, p, "this needs " + name(role) + " on "
          + (owners.isEmpty() ? "every team (service \"" + service + "\" belongs to no team)"
              : "a team owning service \"" + service + "\" (" + String.join(", ", owners)
                  + ")"));
    }
  }

  /** 403 unless {@code p} has {@code role} on a team {@code schedule} belongs to. */
  public void requireSchedule(Context ctx, Principal p, Role role, String schedule) {
    Set<String> owners = current.get().ownership().teamsOfSchedule(schedule);
    if (!p.grants().allows(role, owners)) {
      throw forbidden(ctx, p, "this needs " + name(role) + " on "
          + (owners.isEmpty() ? "every team (schedule \"" + schedule + "\" is paged by no"
              + " team's service)" : "a team whose services page schedule \"" + schedule
              + "\" (" + String.join(", ", owners) + ")"));
    }
  }

  /** Whether {@code p} has {@code role} on a team {@code schedule} belongs to. */
  public boolean canOnSchedule(Principal p, Role role, String schedule) {
    return p.grants().allows(role, current.get().ownership().teamsOfSchedule(schedule));
  }

  /** 403 unless {@code p} has {@code role} on a team config user {@code user} is a member of. */
  public void requireTeamOfUser(Context ctx, Principal p, Role role, String user) {
    Set<String> teams = current.get().ownership().teamsOfUser(user);
    if (!p.grants().allows(role, teams)) {
      throw forbidden(ctx, p, "this needs " + name(role) + " on "
          + (teams.isEmpty() ? "every team (user \"" + user + "\" is in no team)"
              : "a team of user \"" + user + "\" (" + String.join(", ", teams) + ")"));
    }
  }

  /** 403 unless {@code p} has {@code role} on {@code team} (null: on every team). */
  public void requireTeam(Context ctx, Principal p, Role role, String team) {
    boolean ok = team == null ? p.grants().allowsGlobally(role)
        : p.grants().allows(role, Set.of(team));
    if (!ok) {
      throw forbidden(ctx, p, "this needs " + name(role) + " on "
          + (team == null ? "every team" : "team \"" + team + "\""));
    }
  }

  /** Whether {@code p} may see things of {@code service} (lists are narrowed with this). */
  public boolean canSee(Principal p, String service) {
    return p.grants().allows(Role.VIEWER, current.get().ownership().teamsOf(service));
  }

  /** Whether {@code p} has {@code role} on a team owning {@code service} (pages show buttons). */
  public boolean can(Principal p, Role role, String service) {
    return p.grants().allows(role, current.get().ownership().teamsOf(service));
  }

  /**
   * The services {@code p} may see, for narrowing a query in the database (so a page is full);
   * null when it sees everything.
   */
  public java.util.Set<String> visibleServices(Principal p) {
    if (seesEverything(p)) {
      return null;
    }
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (WatchkeeperConfig.Service s : config().services()) {
      if (canSee(p, s.id())) {
        out.add(s.id());
      }
    }
    return out;
  }

  /** True when {@code p} sees every team (no narrowing needed). */
  public boolean seesEverything(Principal p) {
    return p.grants().allowsGlobally(Role.VIEWER);
  }

  /** The teams owning {@code service} in the config in force (empty: global roles only). */
  public Set<String> teamsOf(String service) {
    return current.get().ownership().teamsOf(service);
  }

  /** Whether the config in force has a team with this id. */
  public boolean teamExists(String team) {
    return current.get().ownership().teamExists(team);
  }

  Ownership ownership() {
    return current.get().ownership();
  }

  WatchkeeperConfig config() {
    return current.get().config();
  }

  /** The request's principal, whatever its roles; 401 if it has none. Cached per request. */
  public Principal authenticate(Context ctx) {
    Principal cached = ctx.attribute(PRINCIPAL);
    if (cached != null) {
      return cached;
    }
    Principal p = resolve(ctx);
    ctx.attribute(PRINCIPAL, p);
    return p;
  }

  /** The request's principal if it presented valid credentials, else empty (never throws 401). */
  Optional<Principal> optional(Context ctx) {
    try {
      return Optional.of(authenticate(ctx));
    } catch (ApiException e) {
      return Optional.empty();
    }
  }

  private Principal resolve(Context ctx) {
    String token = bearer(ctx);
    if (token != null) {
      return fromToken(ctx, token);
    }
    if (ctx.header("Authorization") == null && stores != null) {
      String sid = ctx.cookie(SESSION_COOKIE);
      if (sid != null && !sid.isEmpty()) {
        return fromSession(ctx, sid);
      }
    }
    throw unauthorized("missing credentials: send an API token as 'Authorization: Bearer"
        + " <token>' (or as the Basic auth password), or log in at /login");
  }

  private Principal fromToken(Context ctx, String token) {
    Snapshot s = current.get();
    Optional<ApiToken> configured = s.credentials().apiToken(token);
    if (configured.isPresent()) {
      ApiToken t = configured.get();
      return new Principal("token:" + t.name(), Principal.Kind.CONFIG_TOKEN,
          Grants.global(t.role()));
    }
    if (stores != null) {
      Optional<StoredToken> stored = stores.tokens().findBySha256(Secrets.sha256(token));
      if (stored.isPresent()) {
        StoredToken t = stored.get();
        if (t.revoked()) {
          LogEvent.AUTH_REJECTED.info(log).addKeyValue("path", ctx.path())
              .addKeyValue("token", t.name()).log("revoked API token");
          throw unauthorized("the API token '" + t.name() + "' was revoked");
        }
        Instant now = clock.instant();
        if (t.lastUsedAt() == null || t.lastUsedAt().plus(TOUCH_EVERY).isBefore(now)) {
          stores.tokens().touch(t.id(), now);
        }
        return new Principal("token:" + t.name(), Principal.Kind.API_TOKEN, t.grants());
      }
    }
    if (s.credentials().integrationKey(token).isPresent()) {
      throw unauthorized("an integration key can only send events; this endpoint needs an API"
          + " token");
    }
    LogEvent.AUTH_REJECTED.info(log).addKeyValue("path", ctx.path()).log("unknown API token");
    throw unauthorized("unknown API token");
  }

  private Principal fromSession(Context ctx, String sid) {
    Instant now = clock.instant();
    WatchkeeperConfig.Security sec = current.get().config().security();
    String hash = Secrets.sha256(sid);
    Session session = stores.sessions().find(hash).orElseThrow(() ->
        unauthorized("your session has ended (logged out, expired or the password changed);"
            + " log in again at /login"));
    if (!session.expiresAt().isAfter(now)
        || !session.lastSeenAt().plus(sec.sessionIdleTimeout()).isAfter(now)) {
      stores.sessions().delete(hash);
      throw unauthorized("your session has expired; log in again at /login");
    }
    Account account = stores.accounts().find(session.account()).orElseThrow(() ->
        unauthorized("your account no longer exists"));
    if (!safe(ctx)) {
      checkCsrf(ctx, sid);
    }
    if (session.lastSeenAt().plus(TOUCH_EVERY).isBefore(now)) {
      stores.sessions().touch(hash, now);
    }
    ctx.attribute(SESSION_ID, sid);
    return new Principal("user:" + account.name(), Principal.Kind.SESSION,
        grantsOf(account));
  }

  /** The account's own grants plus responder on each team of the config it is a member of. */
  Grants grantsOf(Account account) {
    Grants g = account.grants();
    for (String team : current.get().ownership().teamsOfUser(account.name())) {
      g = g.plus(Grants.team(team, Role.RESPONDER));
    }
    return g;
  }

  private void checkCsrf(Context ctx, String sid) {
    String presented = ctx.header(CSRF_HEADER);
    if (presented == null && isForm(ctx)) {
      presented = ctx.formParam(CSRF_FIELD);
    }
    if (presented == null || !Secrets.equal(presented, csrfToken(sid))) {
      LogEvent.CSRF_REJECTED.warn(log).addKeyValue("path", ctx.path())
          .addKeyValue("method", ctx.method().name()).log("CSRF token missing or wrong");
      throw new ApiException(403, "csrf", "missing or wrong CSRF token: a change made with a"
          + " login session must send the session's token in the " + CSRF_HEADER
          + " header or the " + CSRF_FIELD + " form field (GET /api/v1/session returns it)");
    }
  }

  /**
   * The CSRF token of the login session the request was authenticated with, or null when it was
   * not made with one (an API token needs none). Pages put it into their forms.
   */
  public String csrfTokenOf(Context ctx) {
    String sid = ctx.attribute(SESSION_ID);
    return sid == null ? null : csrfToken(sid);
  }

  /** The CSRF token of a session: HMAC-SHA256 of its id; nothing to store, same on every node. */
  String csrfToken(String sid) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(stores.csrfSecret().get().getBytes(StandardCharsets.UTF_8),
          "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(("csrf:" + sid).getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  static boolean safe(Context ctx) {
    String m = ctx.method().name();
    return m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS");
  }

  static boolean isForm(Context ctx) {
    String ct = ctx.contentType();
    if (ct == null) {
      return false;
    }
    ct = ct.toLowerCase(Locale.ROOT);
    return ct.startsWith("application/x-www-form-urlencoded")
        || ct.startsWith("multipart/form-data");
  }

  static String bearer(Context ctx) {
    return bearer(ctx.header("Authorization"));
  }

  /** The secret of a Bearer or Basic Authorization header, or null. */
  static String bearer(String h) {
    if (h == null) {
      return null;
    }
    h = h.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String t = h.substring(7).trim();
      return t.isEmpty() ? null : t;
    }
    // Basic auth, for tools that only speak it (Prometheus basic_auth, amtool): the password is
    // the secret, the user name is ignored.
    if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(Base64.getDecoder().decode(h.substring(6).trim()),
            StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        String password = colon < 0 ? "" : pair.substring(colon + 1);
        return password.isEmpty() ? null : password;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  static String name(Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }

  /** Names the roles a principal has, for messages. */
  static String describe(Grants g) {
    StringBuilder sb = new StringBuilder();
    if (g.global() != null) {
      sb.append(name(g.global())).append(" on every team");
    }
    g.teams().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(name(e.getValue())).append(" on ").append(e.getKey());
    });
    return sb.length() == 0 ? "no role" : sb.toString();
  }

  private static ApiException forbidden(Context ctx, Principal p, String why) {
    LogEvent.ACCESS_DENIED.info(log).addKeyValue("actor", p.actor())
        .addKeyValue("method", ctx.method().name()).addKeyValue("path", ctx.path())
        .log("access denied");
    return new ApiException(403, "forbidden", p.actor() + " has " + describe(p.grants())
        + "; " + why);
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }
}
