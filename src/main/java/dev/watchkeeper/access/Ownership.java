package dev.watchkeeper.access;

import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.people.Team;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which teams own each service, from one config: the service's {@code team:} if it has one,
 * otherwise every team its escalation policy pages. A service no team owns is for global roles
 * only. A schedule belongs to the teams owning the services whose escalation policies page it (a
 * schedule nobody's service pages is for global roles only). Also which teams each config user
 * belongs to. Immutable; built once per config.
 */
public final class Ownership {
  private final Map<String, Set<String>> serviceTeams = new HashMap<>();
  private final Map<String, Set<String>> userTeams = new HashMap<>();
  private final Map<String, Set<String>> scheduleTeams = new HashMap<>();
  private final Set<String> teams = new LinkedHashSet<>();

  public Ownership(WatchkeeperConfig config) {
    for (Team t : config.oncall().teams()) {
      teams.add(t.id());
      for (String member : t.members()) {
        userTeams.computeIfAbsent(member, k -> new LinkedHashSet<>()).add(t.id());
      }
    }
    for (WatchkeeperConfig.Service s : config.services()) {
      Set<String> owners = new LinkedHashSet<>();
      if (s.team() != null) {
        owners.add(s.team());
      } else if (s.escalationPolicy() != null) {
        config.oncall().policy(s.escalationPolicy()).ifPresent(p -> {
          for (EscalationPolicy.Level l : p.levels()) {
            for (EscalationPolicy.Target t : l.targets()) {
              if (t.kind() == EscalationPolicy.Target.Kind.TEAM) {
                owners.add(t.id());
              }
            }
          }
        });
      }
      serviceTeams.put(s.id(), Set.copyOf(owners));
      if (s.escalationPolicy() != null) {
        config.oncall().policy(s.escalationPolicy()).ifPresent(p -> {
          for (EscalationPolicy.Level l : p.levels()) {
            for (EscalationPolicy.Target t : l.targets()) {
              if (t.kind() == EscalationPolicy.Target.Kind.SCHEDULE) {
                scheduleTeams.computeIfAbsent(t.id(), k -> new LinkedHashSet<>()).addAll(owners);
              }
            }
          }
        });
      }
    }
  }

  /** The teams a schedule belongs to (empty: global roles only). */
  public Set<String> teamsOfSchedule(String schedule) {
    return schedule == null ? Set.of() : scheduleTeams.getOrDefault(schedule, Set.of());
  }

  /** The teams owning {@code service} (empty for an unknown or unowned service). */
  public Set<String> teamsOf(String service) {
    return service == null ? Set.of() : serviceTeams.getOrDefault(service, Set.of());
  }

  /** The teams a user of the config is a member of. */
  public Set<String> teamsOfUser(String user) {
    return userTeams.getOrDefault(user, Set.of());
  }

  public boolean teamExists(String team) {
    return teams.contains(team);
  }

  public List<String> teams() {
    return List.copyOf(teams);
  }
}
