package dev.watchkeeper.config;

import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.people.Team;
import dev.watchkeeper.people.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Readiness lint: a valid config that would still let a page go nowhere. Run by
 * {@code check-config} (as warnings; exit 0) and by {@code GET /api/v1/readiness}. Pure: the
 * config and the time to look ahead from.
 */
public final class ReadinessLint {
  /** How far ahead schedule coverage is checked. */
  public static final java.time.Duration HORIZON = java.time.Duration.ofDays(14);

  /**
   * One finding.
   *
   * @param code stable, for scripts: {@code user_without_contact_methods}, ...
   * @param subject what it is about, e.g. {@code users[alice]}
   */
  public record Finding(String code, String subject, String message) {
    @Override
    public String toString() {
      return subject + ": " + message;
    }
  }

  private ReadinessLint() {}

  public static List<Finding> check(WatchkeeperConfig c, Instant now) {
    List<Finding> out = new ArrayList<>();
    WatchkeeperConfig.Oncall o = c.oncall();
    Set<String> paged = new HashSet<>(); // users some policy can reach
    for (User u : o.users()) {
      if (u.contactMethods().isEmpty()) {
        out.add(new Finding("user_without_contact_methods", "users[" + u.id() + "]",
            "has no contact methods; pages to " + u.id() + " cannot be delivered"));
      }
    }
    for (Team t : o.teams()) {
      if (t.members().isEmpty()) {
        out.add(new Finding("empty_team", "teams[" + t.id() + "]",
            "has no members; a level that targets it pages nobody"));
      }
    }
    Set<String> usedPolicies = new HashSet<>();
    for (WatchkeeperConfig.Service s : c.services()) {
      if (s.escalationPolicy() == null) {
        out.add(new Finding("service_without_policy", "services[" + s.id() + "]",
            "has no escalation_policy; its incidents open but page nobody"));
      } else {
        usedPolicies.add(s.escalationPolicy());
      }
    }
    for (EscalationPolicy p : o.policies()) {
      boolean anyone = false;
      for (int i = 0; i < p.levels().size(); i++) {
        List<String> people = new ArrayList<>();
        for (Target t : p.levels().get(i).targets()) {
          people.addAll(resolve(o, t));
        }
        paged.addAll(people);
        if (people.isEmpty()) {
          out.add(new Finding("level_pages_nobody", "escalation_policies[" + p.id()
              + "].levels[" + i + "]", "every target resolves to nobody; this level pages"
              + " no one"));
        } else {
          anyone = true;
        }
      }
      if (!anyone) {
        out.add(new Finding("policy_pages_nobody", "escalation_policies[" + p.id() + "]",
            "no level pages anyone: the policy ends nowhere"));
      }
      if (!usedPolicies.contains(p.id())) {
        out.add(new Finding("unused_policy", "escalation_policies[" + p.id() + "]",
            "no service uses it"));
      }
    }
    return out;
  }

  private static List<String> resolve(WatchkeeperConfig.Oncall o, Target t) {
    return switch (t.kind()) {
      case USER -> o.user(t.id()).map(u -> List.of(u.id())).orElse(List.of());
      case TEAM -> o.team(t.id()).map(Team::members).orElse(List.of());
      case SCHEDULE -> List.of();
    };
  }
}
