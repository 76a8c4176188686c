package dev.watchkeeper.access;

import dev.watchkeeper.config.WatchkeeperConfig.Role;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Roles of one principal: a global role (every team, and the config-level actions: users, API
 * tokens of any team, reloads, the audit log), and a role per team. Each role includes the ones
 * before it (viewer &lt; responder &lt; admin). Immutable.
 *
 * @param global the role on every team, or null
 * @param teams team id to role
 */
public record Grants(Role global, Map<String, Role> teams) {
  /** The team key that stands for every team where roles are stored per team. */
  public static final String EVERY_TEAM = "*";
  public static final Grants NONE = new Grants(null, Map.of());

  public Grants {
    teams = Map.copyOf(teams);
  }

  public static Grants global(Role role) {
    return new Grants(role, Map.of());
  }

  public static Grants team(String team, Role role) {
    return team == null || team.equals(EVERY_TEAM) ? global(role)
        : new Grants(null, Map.of(team, role));
  }

  /** From stored rows: team id (or {@link #EVERY_TEAM}) to role. */
  public static Grants of(Map<String, Role> rows) {
    Map<String, Role> teams = new HashMap<>(rows);
    Role global = teams.remove(EVERY_TEAM);
    return new Grants(global, teams);
  }

  /** As stored rows: team id (or {@link #EVERY_TEAM}) to role. */
  public Map<String, Role> rows() {
    Map<String, Role> out = new HashMap<>(teams);
    if (global != null) {
      out.put(EVERY_TEAM, global);
    }
    return out;
  }

  /** The higher role of the two, per team and globally. */
  public Grants plus(Grants other) {
    Map<String, Role> merged = new HashMap<>(teams);
    other.teams.forEach((t, r) -> merged.merge(t, r, Grants::max));
    return new Grants(max(global, other.global), merged);
  }

  /** Has {@code role} on every team (config-level actions need this). */
  public boolean allowsGlobally(Role role) {
    return global != null && global.includes(role);
  }

  /** Has {@code role} on at least one team (lists, which are then narrowed to those teams). */
  public boolean allowsSomeTeam(Role role) {
    return allowsGlobally(role) || teams.values().stream().anyMatch(r -> r.includes(role));
  }

  /**
   * Has {@code role} on one of {@code owners}, the teams owning a service (or anything else).
   * Something no team owns is for global roles only.
   */
  public boolean allows(Role role, Collection<String> owners) {
    if (allowsGlobally(role)) {
      return true;
    }
    for (String t : owners) {
      Role r = teams.get(t);
      if (r != null && r.includes(role)) {
        return true;
      }
    }
    return false;
  }

  private static Role max(Role a, Role b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.includes(b) ? a : b;
  }
}
