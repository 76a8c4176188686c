package dev.watchkeeper.web.compat;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Auth;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

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

  /**
   * Whether {@code p} may see a silence of {@code team}: a silence of every team (null) mutes
   * everyone's alerts, so every viewer sees it; a team's silence is seen by that team's viewers.
   */
  boolean canSeeSilenceOf(Principal p, String team) {
    return team == null || p.grants().allows(Role.VIEWER, Set.of(team));
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
   * The team a new silence of {@code p} belongs to when the request names none: every team for a
   * global responder, else the one team {@code p} is responder on; with several, 400 asking which.
   */
  String defaultSilenceTeam(Principal p) {
    if (p.grants().allowsGlobally(Role.RESPONDER)) {
      return null;
    }
    List<String> teams = new ArrayList<>();
    p.grants().teams().forEach((team, role) -> {
      if (role.includes(Role.RESPONDER)) {
        teams.add(team);
      }
    });
    if (teams.size() == 1) {
      return teams.get(0);
    }
    Collections.sort(teams);
    throw new AlertmanagerError(400, "invalid silence: team: required, because "
        + p.actor() + " is responder on several teams (" + String.join(", ", teams)
        + "); name the team the silence is for");
  }

  boolean teamExists(String team) {
    return auth.teamExists(team);
  }
}
