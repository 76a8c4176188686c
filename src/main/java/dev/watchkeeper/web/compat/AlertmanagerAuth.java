package dev.watchkeeper.web.compat;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Auth;
import dev.watchkeeper.web.SilenceTeams;
import io.javalin.http.Context;

/**
 * Authentication for the Alertmanager-compatible endpoints: the same credentials as the rest of
 * the API ({@link Auth}: API tokens from the config or created at run time, login sessions), with
 * errors in Alertmanager's shape. amtool sends the token as {@code Authorization: Bearer <token>}
 * or as the password of HTTP Basic auth (any user name) through {@code --http.config.file}.
 */
final class AlertmanagerAuth {
  private final Auth auth;

  AlertmanagerAuth(Auth auth) {
    this.auth = auth;
  }

  /** The request's principal if it has at least {@code role} on a team; 401 or 403 otherwise. */
  Principal require(Context ctx, Role role) {
    try {
      return auth.require(ctx, role);
    } catch (ApiException e) {
      if (e.status() == 401) {
        ctx.header("WWW-Authenticate", "Basic realm=\"watchkeeper\"");
      }
      throw new AlertmanagerError(e.status(), e.getMessage());
    }
  }

  /** Whether {@code p} may see things of {@code service}. */
  boolean canSee(Principal p, String service) {
    return auth.canSee(p, service);
  }

  /** Whether {@code p} may see a silence of {@code team} ({@link SilenceTeams#canSee}). */
  boolean canSeeSilenceOf(Principal p, String team) {
    return SilenceTeams.canSee(p, team);
  }

  /** 403 unless {@code p} has {@code role} on {@code team} (null: on every team). */
  void requireTeam(Context ctx, Principal p, Role role, String team) {
    try {
      auth.requireTeam(ctx, p, role, team);
    } catch (ApiException e) {
      throw new AlertmanagerError(e.status(), e.getMessage());
    }
  }

  /**
   * The team a silence is saved for ({@link SilenceTeams#resolve}), with its errors in
   * Alertmanager's shape: 400 {@code invalid silence: team: ...}, or 403.
   */
  String silenceTeam(Context ctx, Principal p, String requested,
      dev.watchkeeper.mute.Silence prev) {
    try {
      return SilenceTeams.resolve(auth, ctx, p, requested, prev);
    } catch (ApiException e) {
      throw new AlertmanagerError(e.status(), e.status() == 400
          ? "invalid silence: " + e.getMessage() : e.getMessage());
    }
  }
}
