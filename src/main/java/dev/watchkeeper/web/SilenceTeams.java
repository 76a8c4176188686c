package dev.watchkeeper.web;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.mute.Silence;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Which team a silence belongs to, and who may see and change it: one set of rules for the
 * Alertmanager API (web/compat/AlertmanagerSilenceRoutes) and the silences page. A team's silence
 * is seen by that team's viewers and changed by its responders; a silence of every team (team
 * null) is seen by every viewer and changed only by global responders. Stateless; thread-safe.
 */
public final class SilenceTeams {
  private SilenceTeams() {}

  /** Whether {@code p} may see a silence of {@code team} (null: of every team). */
  public static boolean canSee(Principal p, String team) {
    return team == null || p.grants().allows(Role.VIEWER, Set.of(team));
  }

  /** Whether {@code p} may change or expire a silence of {@code team} (pages show buttons). */
  public static boolean canChange(Principal p, String team) {
    return team == null ? p.grants().allowsGlobally(Role.RESPONDER)
        : p.grants().allows(Role.RESPONDER, Set.of(team));
  }

  /** The teams {@code p} is responder on by a team role, sorted (the page's team choice). */
  public static List<String> responderTeams(Principal p) {
    List<String> teams = new ArrayList<>();
    p.grants().teams().forEach((team, role) -> {
      if (role.includes(Role.RESPONDER)) {
        teams.add(team);
      }
    });
    Collections.sort(teams);
    return teams;
  }

  /**
   * The team a silence is saved for, once {@code p} may save it there: {@code requested} if
   * given (it must exist); else, for an update, the team of {@code prev}; else every team for a
   * global responder, or the one team {@code p} is responder on.
   *
   * @throws ApiException 400 ({@code team: ...}) for an unknown team or when {@code p} is
   *     responder on several teams and named none; 403 without responder on the team
   */
  public static String resolve(Auth auth, Context ctx, Principal p, String requested,
      Silence prev) {
    String team = requested;
    if (team == null) {
      team = prev != null ? prev.team() : defaultTeam(p);
    } else if (!auth.teamExists(team)) {
      throw ApiException.badRequest("team: no team \"" + team + "\" in the config");
    }
    auth.requireTeam(ctx, p, Role.RESPONDER, team);
    return team;
  }

  private static String defaultTeam(Principal p) {
    if (p.grants().allowsGlobally(Role.RESPONDER)) {
      return null;
    }
    List<String> teams = responderTeams(p);
    if (teams.size() == 1) {
      return teams.get(0);
    }
    throw ApiException.badRequest("team: required, because " + p.actor()
        + " is responder on several teams (" + String.join(", ", teams)
        + "); name the team the silence is for");
  }
}
