package dev.watchkeeper.web;

import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.ApiToken;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.obs.LogEvent;
import io.javalin.http.Context;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-token authentication for ingest (integration keys) and the management API (API tokens).
 * Follows config reloads. Never logs or echoes a presented secret.
 */
public final class Auth {
  private static final Logger log = LoggerFactory.getLogger(Auth.class);
  static final String ACTOR = "wk.actor";

  private final AtomicReference<Credentials> credentials;

  public Auth(LiveConfig config) {
    this.credentials = new AtomicReference<>(new Credentials(config.get()));
    config.onChange(c -> credentials.set(new Credentials(c)));
  }

  /** The service and key of the request's integration key; 401 if missing or unknown. */
  public Credentials.KeyRef integrationKey(Context ctx) {
    String token = bearer(ctx);
    if (token == null) {
      throw unauthorized("missing integration key: send it as 'Authorization: Bearer <key>'"
          + " (or as the Basic auth password)");
    }
    return credentials.get().integrationKey(token).orElseThrow(() -> {
      LogEvent.AUTH_REJECTED.info(log).addKeyValue("path", ctx.path())
          .log("unknown integration key");
      return unauthorized("unknown integration key");
    });
  }

  /** The request's API token if it has at least {@code role}; 401 or 403 otherwise. */
  public ApiToken require(Context ctx, Role role) {
    String token = bearer(ctx);
    if (token == null) {
      throw unauthorized("missing API token: send it as 'Authorization: Bearer <token>'"
          + " (or as the Basic auth password)");
    }
    ApiToken t = credentials.get().apiToken(token).orElseThrow(() -> {
      LogEvent.AUTH_REJECTED.info(log).addKeyValue("path", ctx.path()).log("unknown API token");
      return unauthorized("unknown API token");
    });
    if (!t.role().includes(role)) {
      throw new ApiException(403, "forbidden", "the token '" + t.name() + "' has the role "
          + t.role().name().toLowerCase() + "; this needs " + role.name().toLowerCase());
    }
    ctx.attribute(ACTOR, "token:" + t.name());
    return t;
  }

  private static String bearer(Context ctx) {
    String h = ctx.header("Authorization");
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
        String pair = new String(java.util.Base64.getDecoder().decode(h.substring(6).trim()),
            java.nio.charset.StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        String password = colon < 0 ? "" : pair.substring(colon + 1);
        return password.isEmpty() ? null : password;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }
}
