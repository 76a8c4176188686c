package dev.watchkeeper.config;

import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.escalation.EscalationPolicy.Level;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.people.ContactMethod;
import dev.watchkeeper.people.Team;
import dev.watchkeeper.people.User;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds the people and escalation sections: {@code users}, {@code teams},
 * {@code escalation_policies}. References between them (team members, policy targets) are
 * checked here; a service's {@code escalation_policy} is checked by {@link ConfigLoader} with
 * {@link #policyIds}.
 */
final class OncallConfigLoader {
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  static final int MAX_USERS = 10_000;
  static final int MAX_CONTACT_METHODS = 10;
  static final int MAX_TARGETS = 20;

  private OncallConfigLoader() {}

  static WatchkeeperConfig.Oncall bind(ConfigNode root, Problems problems) {
    List<User> users = users(root, problems);
    Set<String> userIds = new HashSet<>();
    users.forEach(u -> userIds.add(u.id()));
    List<Team> teams = teams(root, userIds, problems);
    Set<String> teamIds = new HashSet<>();
    teams.forEach(t -> teamIds.add(t.id()));
    List<EscalationPolicy> policies = policies(root, userIds, teamIds, problems);
    return new WatchkeeperConfig.Oncall(users, teams, policies);
  }

  private static List<User> users(ConfigNode root, Problems problems) {
    List<User> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    root.forEach("users", List.of("id", "name", "email", "time_zone", "contact_methods"), u -> {
      String id = id(u, seen, problems);
      String name = u.string("name", id);
      String email = u.string("email", null);
      if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
        problems.error(u.path("email"), "must be an email address, got \"" + email + "\"");
      }
      ZoneId zone = zone(u, "time_zone", problems);
      List<ContactMethod> methods = new ArrayList<>();
      u.forEach("contact_methods", List.of("type", "address"), m -> {
        String type = m.required("type");
        String address = m.required("address");
        ContactMethod.Type t = null;
        if (type != null) {
          try {
            t = ContactMethod.Type.valueOf(type.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            problems.error(m.path("type"), "unknown contact method type \"" + type
                + "\" (known: email, webhook, slack, teams, ntfy, sms, voice)");
          }
        }
        if (t != null && address != null) {
          if (address.isBlank()) {
            problems.error(m.path("address"), "must not be empty");
          }
          methods.add(new ContactMethod(t, address));
        }
      });
      if (methods.size() > MAX_CONTACT_METHODS) {
        problems.error(u.path("contact_methods"), "at most " + MAX_CONTACT_METHODS
            + " contact methods, got " + methods.size());
      }
      if (id != null) {
        out.add(new User(id, name, email, zone, methods));
      }
    });
    if (out.size() > MAX_USERS) {
      problems.error("users", "at most " + MAX_USERS + " users, got " + out.size());
    }
    return out;
  }

  private static List<Team> teams(ConfigNode root, Set<String> users, Problems problems) {
    List<Team> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    root.forEach("teams", List.of("id", "name", "members"), t -> {
      String id = id(t, seen, problems);
      List<String> members = t.strings("members");
      for (int i = 0; i < members.size(); i++) {
        if (!users.contains(members.get(i))) {
          problems.error(t.path("members") + "[" + i + "]", "unknown user \"" + members.get(i)
              + "\"");
        }
      }
      if (id != null) {
        out.add(new Team(id, t.string("name", id), members));
      }
    });
    return out;
  }

  private static List<EscalationPolicy> policies(ConfigNode root, Set<String> users,
      Set<String> teams, Problems problems) {
    List<EscalationPolicy> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    root.forEach("escalation_policies", List.of("id", "name", "levels", "repeat"), p -> {
      String id = id(p, seen, problems);
      int repeat = p.integer("repeat", 0, 0, EscalationPolicy.MAX_REPEAT);
      List<Level> levels = new ArrayList<>();
      if (!p.has("levels") || p.isEmptyList("levels")) {
        problems.error(p.path("levels"), "at least one level is required");
      }
      p.forEach("levels", List.of("targets", "delay", "round_robin"), l -> {
        Duration delay = l.duration("delay", EscalationPolicy.DEFAULT_DELAY);
        if (delay == null || delay.compareTo(EscalationPolicy.MIN_DELAY) < 0
            || delay.compareTo(EscalationPolicy.MAX_DELAY) > 0) {
          problems.error(l.path("delay"), "must be between 1s and 24h, got "
              + (delay == null ? "nothing" : ConfigNode.show(delay)));
          delay = EscalationPolicy.DEFAULT_DELAY;
        }
        boolean roundRobin = l.bool("round_robin", false);
        List<Target> targets = new ArrayList<>();
        if (!l.has("targets") || l.isEmptyList("targets")) {
          problems.error(l.path("targets"), "at least one target is required");
        }
        l.forEach("targets", List.of("user", "team", "schedule"), t -> {
          Target target = target(t, users, teams, problems);
          if (target != null) {
            targets.add(target);
          }
        });
        if (targets.size() > MAX_TARGETS) {
          problems.error(l.path("targets"), "at most " + MAX_TARGETS + " targets, got "
              + targets.size());
        }
        levels.add(new Level(targets, delay, roundRobin));
      });
      if (levels.size() > EscalationPolicy.MAX_LEVELS) {
        problems.error(p.path("levels"), "at most " + EscalationPolicy.MAX_LEVELS
            + " levels, got " + levels.size());
      }
      if (id != null && !levels.isEmpty()) {
        out.add(new EscalationPolicy(id, p.string("name", id), levels, repeat));
      }
    });
    return out;
  }

  private static Target target(ConfigNode t, Set<String> users, Set<String> teams,
      Problems problems) {
    List<String> given = new ArrayList<>();
    for (String k : List.of("user", "team", "schedule")) {
      if (t.has(k)) {
        given.add(k);
      }
    }
    if (given.size() != 1) {
      problems.error(t.path(), "exactly one of user, team or schedule must be set");
      return null;
    }
    String kind = given.get(0);
    String id = t.string(kind, null);
    if (id == null) {
      return null;
    }
    switch (kind) {
      case "user" -> {
        if (!users.contains(id)) {
          problems.error(t.path("user"), "unknown user \"" + id + "\"");
          return null;
        }
        return new Target(Target.Kind.USER, id);
      }
      case "team" -> {
        if (!teams.contains(id)) {
          problems.error(t.path("team"), "unknown team \"" + id + "\"");
          return null;
        }
        return new Target(Target.Kind.TEAM, id);
      }
      default -> {
        problems.error(t.path("schedule"), "schedule targets are not supported yet;"
            + " name users or teams");
        return null;
      }
    }
  }

  private static String id(ConfigNode n, Map<String, String> seen, Problems problems) {
    String id = n.required("id");
    if (id == null) {
      return null;
    }
    if (!ID.matcher(id).matches()) {
      problems.error(n.path("id"), "must match " + ID.pattern() + ", got \"" + id + "\"");
      return null;
    }
    String earlier = seen.putIfAbsent(id, n.path());
    if (earlier != null) {
      problems.error(n.path("id"), "duplicate id \"" + id + "\" (also " + earlier + ")");
      return null;
    }
    return id;
  }

  private static ZoneId zone(ConfigNode n, String key, Problems problems) {
    String z = n.string(key, "UTC");
    try {
      return ZoneId.of(z);
    } catch (DateTimeException e) {
      problems.error(n.path(key), "unknown time zone \"" + z
          + "\" (use a tz database name such as Europe/London)");
      return ZoneOffset.UTC;
    }
  }

  /** The policy ids, for checking {@code services[].escalation_policy}. */
  static Set<String> policyIds(WatchkeeperConfig.Oncall oncall) {
    Set<String> ids = new HashSet<>();
    oncall.policies().forEach(p -> ids.add(p.id()));
    return ids;
  }
}
