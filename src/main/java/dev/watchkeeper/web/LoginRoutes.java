package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.access.Account;
import dev.watchkeeper.access.Principal;
import dev.watchkeeper.access.Secrets;
import dev.watchkeeper.access.Session;
import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.obs.LogEvent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.owasp.encoder.Encode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging in and out: {@code GET /login} (a plain form, no script), {@code POST /login} (form or
 * JSON), {@code POST /logout}, and {@code GET /api/v1/session} (who am I, and the CSRF token for
 * pages and scripts).
 *
 * <p>A login always opens a new session (a session id planted before login is worthless: the old
 * cookie's session, if any, is ended) and answers with a new cookie: {@code HttpOnly},
 * {@code SameSite=Lax}, and {@code Secure} unless {@code security.secure_cookies} is off. Failed
 * login attempts are limited per account name and per client address (token buckets); over the
 * limit every attempt is refused with 429 until the allowance comes back.
 */
final class LoginRoutes {
  private static final Logger log = LoggerFactory.getLogger(LoginRoutes.class);

  private final Auth auth;
  private final AccessStores stores;
  private final LiveConfig config;
  private final Clock clock;
  private final ObjectMapper mapper;
  private final RateLimiter perAccount;
  private final RateLimiter perAddress;

  LoginRoutes(Auth auth, AccessStores stores, LiveConfig config, Clock clock,
      ObjectMapper mapper) {
    this.auth = auth;
    this.stores = stores;
    this.config = config;
    this.clock = clock;
    this.mapper = mapper;
    WatchkeeperConfig.LoginRateLimit l = config.get().security().loginRateLimit();
    this.perAccount = new RateLimiter(clock, perSecond(l.perAccount(), l.window()),
        l.perAccount());
    this.perAddress = new RateLimiter(clock, perSecond(l.perAddress(), l.window()),
        l.perAddress());
    config.onChange(c -> {
      WatchkeeperConfig.LoginRateLimit n = c.security().loginRateLimit();
      perAccount.configure(perSecond(n.perAccount(), n.window()), n.perAccount());
      perAddress.configure(perSecond(n.perAddress(), n.window()), n.perAddress());
    });
  }

  private static double perSecond(int attempts, Duration window) {
    return attempts * 1000.0 / window.toMillis();
  }

  void register(RoutesConfig routes) {
    routes.get("/login", this::form);
    routes.post("/login", this::login);
    routes.post("/logout", this::logout);
    routes.get("/api/v1/session", this::session);
  }

  private void form(Context ctx) {
    page(ctx, 200, null, ctx.queryParam("next"));
  }

  private void login(Context ctx) {
    boolean form = Auth.isForm(ctx);
    checkOrigin(ctx);
    String name;
    String password;
    String next = null;
    if (form) {
      name = ctx.formParam("name");
      password = ctx.formParam("password");
      next = ctx.formParam("next");
    } else {
      JsonNode body = JsonBody.object(ctx, mapper);
      name = JsonBody.text(body, "name");
      password = JsonBody.text(body, "password");
    }
    if (name == null || name.isBlank() || password == null || password.isEmpty()) {
      fail(ctx, form, 400, "bad_request", "name and password: both required", next);
      return;
    }
    name = name.trim().toLowerCase(Locale.ROOT);
    String address = ctx.ip();
    // Failed attempts use up the allowance; while it is used up, every attempt is refused
    // (even with the right password), without checking the password at all.
    Duration wait = perAddress.peek("address:" + address, 1);
    if (wait.isZero()) {
      wait = perAccount.peek("account:" + name, 1);
    }
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      LogEvent.LOGIN_RATE_LIMITED.warn(log).addKeyValue("account", name)
          .addKeyValue("address", address).log("login attempts over the limit");
      throw new ApiException(429, "too_many_attempts", "too many login attempts for this"
          + " account or from this address; try again in " + seconds + " s", List.of(),
          seconds);
    }
    Optional<Account> account = name.length() > 63 ? Optional.empty()
        : stores.accounts().find(name);
    boolean ok = stores.passwords().verify(password.toCharArray(),
        account.map(Account::passwordHash).orElse(null));
    if (!ok) {
      perAddress.acquire("address:" + address, 1);
      perAccount.acquire("account:" + name, 1);
      LogEvent.LOGIN_FAILED.warn(log).addKeyValue("account", name)
          .addKeyValue("address", address).log("login failed");
      fail(ctx, form, 401, "unauthorized", "wrong name or password", next);
      return;
    }
    Instant now = clock.instant();
    String old = ctx.cookie(Auth.SESSION_COOKIE);
    if (old != null && !old.isEmpty()) {
      stores.sessions().delete(Secrets.sha256(old));
    }
    WatchkeeperConfig.Security sec = config.get().security();
    String sid = Secrets.random("");
    Instant expires = now.plus(sec.sessionMaxAge());
    stores.sessions().create(new Session(Secrets.sha256(sid), name, now, now, expires,
        address));
    setCookie(ctx, sid, sec.sessionMaxAge());
    stores.sessions().deleteExpired(now); // housekeeping, at the rate of logins
    stores.audit().record(new AuditLog.Entry(now, "user:" + name, "session.login", "account",
        name, null, address, null, null));
    LogEvent.LOGIN_SUCCEEDED.info(log).addKeyValue("account", name)
        .addKeyValue("address", address).log("logged in");
    ctx.header("Cache-Control", "no-store");
    if (form) {
      ctx.redirect(safeNext(next), io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user", name);
    out.put("roles", roles(auth.grantsOf(account.get())));
    out.put("csrf_token", auth.csrfToken(sid));
    out.put("expires_at", expires.toString());
    ctx.json(out);
  }

  private void logout(Context ctx) {
    String sid = ctx.cookie(Auth.SESSION_COOKIE);
    if (sid != null && !sid.isEmpty() && ctx.header("Authorization") == null
        && stores.sessions().find(Secrets.sha256(sid)).isPresent()) {
      Principal p = null;
      try {
        p = auth.authenticate(ctx); // a state change: checks the CSRF token
      } catch (ApiException e) {
        if (e.status() != 401) {
          throw e;
        }
      }
      stores.sessions().delete(Secrets.sha256(sid));
      if (p != null) {
        stores.audit().record(new AuditLog.Entry(clock.instant(), p.actor(), "session.logout",
            "account", p.name(), null));
        LogEvent.LOGGED_OUT.info(log).addKeyValue("actor", p.actor()).log("logged out");
      }
    }
    clearCookie(ctx);
    if (Auth.isForm(ctx)) {
      ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
    } else {
      ctx.status(204);
    }
  }

  private void session(Context ctx) {
    Principal p = auth.authenticate(ctx);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("actor", p.actor());
    out.put("kind", p.kind().name().toLowerCase(Locale.ROOT));
    out.put("roles", roles(p.grants()));
    String sid = ctx.attribute(Auth.SESSION_ID);
    out.put("csrf_token", sid == null ? null : auth.csrfToken(sid));
    ctx.header("Cache-Control", "no-store");
    ctx.json(out);
  }

  static Map<String, Object> roles(dev.watchkeeper.access.Grants g) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("global", g.global() == null ? null : Auth.name(g.global()));
    Map<String, String> teams = new java.util.TreeMap<>();
    g.teams().forEach((t, r) -> teams.put(t, Auth.name(r)));
    out.put("teams", teams);
    return out;
  }

  private void setCookie(Context ctx, String sid, Duration maxAge) {
    ctx.res().addHeader("Set-Cookie", Auth.SESSION_COOKIE + "=" + sid + "; Path=/; Max-Age="
        + maxAge.toSeconds() + "; HttpOnly; SameSite=Lax"
        + (config.get().security().secureCookies() ? "; Secure" : ""));
  }

  private void clearCookie(Context ctx) {
    ctx.res().addHeader("Set-Cookie", Auth.SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly;"
        + " SameSite=Lax" + (config.get().security().secureCookies() ? "; Secure" : ""));
  }

  /**
   * Login CSRF: a browser that sends {@code Origin} must be on this server's origin (another
   * site could otherwise log a victim into the attacker's account).
   */
  private static void checkOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null) {
      return;
    }
    String host = ctx.header("Host");
    try {
      URI o = new URI(origin);
      String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
      if (host != null && o.getHost() != null && authority.equalsIgnoreCase(host)) {
        return;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw new ApiException(403, "forbidden", "login from another origin (" + origin
        + ") refused");
  }

  /** Only a path on this server: never another host (open redirect). */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//")
        || next.startsWith("/\\") || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }

  private void fail(Context ctx, boolean form, int status, String code, String message,
      String next) {
    if (form) {
      page(ctx, status, message, next);
    } else {
      throw new ApiException(status, code, message);
    }
  }

  /** The login page: no script, no inline style (the CSP forbids both); every value escaped. */
  private static void page(Context ctx, int status, String error, String next) {
    String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>Log in - Watchkeeper</title></head><body><main><h1>Watchkeeper</h1>"
        + (error == null ? "" : "<p role=\"alert\">" + Encode.forHtml(error) + "</p>")
        + "<form method=\"post\" action=\"/login\">"
        + "<p><label>Name <input name=\"name\" autocomplete=\"username\" required autofocus>"
        + "</label></p>"
        + "<p><label>Password <input name=\"password\" type=\"password\""
        + " autocomplete=\"current-password\" required></label></p>"
        + "<input type=\"hidden\" name=\"next\" value=\""
        + Encode.forHtmlAttribute(safeNext(next)) + "\">"
        + "<p><button type=\"submit\">Log in</button></p></form></main></body></html>\n";
    ctx.status(status).header("Cache-Control", "no-store").contentType("text/html; charset=utf-8")
        .result(html);
  }
}
