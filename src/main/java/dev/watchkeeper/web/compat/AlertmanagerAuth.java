package dev.watchkeeper.web.compat;

import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.ApiToken;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.web.Credentials;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * API-token authentication for the Alertmanager-compatible endpoints. Accepts the token as
 * {@code Authorization: Bearer <token>} or as the password of HTTP Basic auth (any user name), the
 * two forms amtool can send through {@code --http.config.file}. Follows config reloads; never
 * echoes a presented secret.
 */
final class AlertmanagerAuth {
  private final AtomicReference<Credentials> credentials;

  AlertmanagerAuth(LiveConfig config) {
    this.credentials = new AtomicReference<>(new Credentials(config.get()));
    config.onChange(c -> credentials.set(new Credentials(c)));
  }

  /** The request's API token if it has at least {@code role}; 401 or 403 otherwise. */
  ApiToken require(Context ctx, Role role) {
    String token = presented(ctx.header("Authorization"));
    if (token == null) {
      ctx.header("WWW-Authenticate", "Basic realm=\"watchkeeper\"");
      throw new AlertmanagerError(401, "missing API token: send it as 'Authorization: Bearer"
          + " <token>' or as the password of HTTP basic auth");
    }
    ApiToken t = credentials.get().apiToken(token).orElseThrow(() -> {
      ctx.header("WWW-Authenticate", "Basic realm=\"watchkeeper\"");
      return new AlertmanagerError(401, "unknown API token");
    });
    if (!t.role().includes(role)) {
      throw new AlertmanagerError(403, "the token '" + t.name() + "' has the role "
          + t.role().name().toLowerCase(Locale.ROOT) + "; this needs "
          + role.name().toLowerCase(Locale.ROOT));
    }
    return t;
  }

  /** The token in a Bearer or Basic (password) Authorization header, else null. */
  static String presented(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String t = h.substring(7).trim();
      return t.isEmpty() ? null : t;
    }
    if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()),
            StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      String password = colon < 0 ? "" : decoded.substring(colon + 1);
      return password.isEmpty() ? null : password;
    }
    return null;
  }
}
