package dev.watchkeeper.config;

import dev.watchkeeper.config.WatchkeeperConfig.Recovery;
import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.escalation.EscalationPolicy.Level;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.oncall.InvalidScheduleException;
import dev.watchkeeper.oncall.Layer;
import dev.watchkeeper.oncall.NightWindow;
import dev.watchkeeper.oncall.Restriction;
import dev.watchkeeper.oncall.Role;
import dev.watchkeeper.oncall.Rotation;
import dev.watchkeeper.oncall.Schedule;
import dev.watchkeeper.people.ContactMethod;
import dev.watchkeeper.people.NotificationRule;
import dev.watchkeeper.people.QuietHours;
import dev.watchkeeper.people.Team;
import dev.watchkeeper.people.User;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds the people, on-call and escalation sections: {@code users}, {@code teams},
 * {@code schedules}, {@code recovery}, {@code escalation_policies}. References between them (team
 * and layer members, policy targets) are checked here; a service's {@code escalation_policy} is
 * checked by {@link ConfigLoader} with {@link #policyIds}.
 *
 * <p>A schedule is validated twice over: here for what only the config knows (the YAML shapes,
 * user ids, value syntax), then by {@link Schedule#of} for the rules of the engine (RRULEs,
 * restriction windows, missing parts); the engine's problems are reported under
 * {@code schedules[i].}, except where a problem was already reported for the same place.
 */
final class OncallConfigLoader {
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  static final int MAX_USERS = 10_000;
  static final int MAX_CONTACT_METHODS = 10;
  static final int MAX_TARGETS = 20;
  static final int MAX_SCHEDULES = 1000;
  static final int MAX_LAYERS = 20;
  static final int MAX_LAYER_MEMBERS = 100;
  static final int MAX_RESTRICTIONS = 50;
  static final int MAX_HOURLY = 8760;
  static final int MAX_DAILY = 366;
  static final int MAX_WEEKLY = 52;
  private static final Pattern NIGHT = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");
  private static final String WEEKDAYS = "mon, tue, wed, thu, fri, sat, sun";

  private OncallConfigLoader() {}

  static WatchkeeperConfig.Oncall bind(ConfigNode root, Problems problems) {
    List<User> users = users(root, problems);
    Set<String> userIds = new HashSet<>();
    users.forEach(u -> userIds.add(u.id()));
    List<Team> teams = teams(root, userIds, problems);
    Set<String> teamIds = new HashSet<>();
    teams.forEach(t -> teamIds.add(t.id()));
    // Targets are checked against every declared id, valid or not: a broken schedule is reported
    // once, not again at each policy that names it.
    Set<String> scheduleIds = new HashSet<>();
    List<Schedule> schedules = schedules(root, userIds, scheduleIds, problems);
    List<EscalationPolicy> policies = policies(root, userIds, teamIds, scheduleIds, problems);
    Recovery recovery = recovery(root.map("recovery", "enabled", "night", "relief"), problems);
    return new WatchkeeperConfig.Oncall(users, teams, policies, schedules, recovery);
  }

  private static Recovery recovery(ConfigNode n, Problems problems) {
    boolean enabled = n.bool("enabled", Recovery.DEFAULT_ENABLED);
    NightWindow d = NightWindow.DEFAULT;
    String night = n.string("night", null);
    LocalTime start = d.start();
    LocalTime end = d.end();
    if (night != null) {
      Matcher m = NIGHT.matcher(night.trim());
      LocalTime s = null;
      LocalTime e = null;
      if (m.matches()) {
        s = time(m.group(1));
        e = time(m.group(2));
      }
      if (s == null || e == null) {
        problems.error(n.path("night"), "expected \"HH:MM-HH:MM\" like \"22:00-07:00\" (local to"
            + " each user's time_zone), got \"" + night + "\"");
      } else if (s.equals(e)) {
        problems.error(n.path("night"), "must not start and end at the same time, got \""
            + night + "\"");
      } else {
        start = s;
        end = e;
      }
    }
    Duration relief = n.duration("relief", NightWindow.DEFAULT_RELIEF);
    if (relief.compareTo(MIN_RELIEF) < 0 || relief.compareTo(Recovery.MAX_RELIEF) > 0) {
      problems.error(n.path("relief"), "must be between " + ConfigNode.show(MIN_RELIEF) + " and "
          + ConfigNode.show(Recovery.MAX_RELIEF) + ", got " + ConfigNode.show(relief));
      relief = NightWindow.DEFAULT_RELIEF;
    }
    return new Recovery(enabled, new NightWindow(start, end, relief));
  }

  private static final Duration MIN_RELIEF = Duration.ofMinutes(1);

  private static LocalTime time(String hhmm) {
    try {
      return LocalTime.parse(hhmm);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static List<Schedule> schedules(ConfigNode root, Set<String> users,
      Set<String> declared, Problems problems) {
    List<Schedule> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    root.forEach("schedules", List.of("id", "name", "time_zone", "layers"), s -> {
      int before = problems.errors.size();
      String id = id(s, seen, problems);
      if (id != null) {
        declared.add(id);
      }
      String name = s.string("name", id);
      String zone = null;
      if (!s.has("time_zone")) {
        problems.error(s.path("time_zone"), "is required: a tz database name such as"
            + " Europe/London (handoffs and restrictions are local times)");
      } else {
        zone = s.string("time_zone", null);
        try {
          ZoneId.of(zone);
        } catch (DateTimeException | NullPointerException e) {
          problems.error(s.path("time_zone"), "unknown time zone \"" + zone
              + "\" (use a tz database name such as Europe/London)");
          zone = null;
        }
      }
      if (s.isEmptyList("layers")) {
        problems.error(s.path("layers"), "at least one layer is required");
      }
      List<Layer> layers = new ArrayList<>();
      boolean[] misaligned = {false};
      s.forEach("layers", List.of("role", "rotation", "members", "start", "handoff_time",
          "restrictions"), l -> layers.add(layer(l, users, problems, misaligned)));
      if (layers.size() > MAX_LAYERS) {
        problems.error(s.path("layers"), "at most " + MAX_LAYERS + " layers, got "
            + layers.size());
      }
      // Items that are not maps were reported and skipped: the engine's indexes would be wrong.
      if (id == null || zone == null || layers.size() != s.size("layers") || misaligned[0]) {
        return;
      }
      List<String> reported = new ArrayList<>();
      for (ConfigError e : problems.errors.subList(before, problems.errors.size())) {
        reported.add(e.path());
      }
      try {
        out.add(Schedule.of(id, name, zone, layers));
      } catch (InvalidScheduleException e) {
        for (String problem : e.problems()) {
          int colon = problem.indexOf(": ");
          String path = s.path() + "." + configPath(problem.substring(0, colon));
          if (reported.stream().noneMatch(r -> samePlace(r, path))) {
            problems.error(path, problem.substring(colon + 2));
          }
        }
      }
    });
    if (out.size() > MAX_SCHEDULES) {
      problems.error("schedules", "at most " + MAX_SCHEDULES + " schedules, got " + out.size());
    }
    return out;
  }

  /** The engine's path of a schedule problem in the config's words. */
  private static String configPath(String enginePath) {
    return enginePath.replaceFirst("^zone", "time_zone")
        .replaceAll("(restrictions\\[\\d+])\\.start", "$1.from")
        .replaceAll("(restrictions\\[\\d+])\\.end", "$1.to");
  }

  /** One path is the other or inside it. */
  private static boolean samePlace(String a, String b) {
    return a.equals(b) || inside(a, b) || inside(b, a);
  }

  private static boolean inside(String inner, String outer) {
    return inner.startsWith(outer) && (inner.charAt(outer.length()) == '.'
        || inner.charAt(outer.length()) == '[');
  }

  private static Layer layer(ConfigNode l, Set<String> users, Problems problems,
      boolean[] misaligned) {
    Role role = null;
    String r = l.string("role", null);
    if (r != null) {
      try {
        role = Role.valueOf(r.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problems.error(l.path("role"), "must be primary, secondary or shadow, got \"" + r + "\"");
      }
    }
    Rotation rotation = rotation(l, problems);
    List<String> members = l.strings("members");
    if (members.size() != l.size("members")) {
      misaligned[0] = true;
    }
    for (int i = 0; i < members.size(); i++) {
      if (!users.contains(members.get(i))) {
        problems.error(l.path("members") + "[" + i + "]", "unknown user \"" + members.get(i)
            + "\"");
      }
    }
    if (members.size() > MAX_LAYER_MEMBERS) {
      problems.error(l.path("members"), "at most " + MAX_LAYER_MEMBERS + " members, got "
          + members.size());
    }
    LocalDateTime start = null;
    String st = l.string("start", null);
    if (st != null) {
      try {
        start = LocalDateTime.parse(st);
      } catch (DateTimeParseException e) {
        problems.error(l.path("start"), "expected a local date-time like 2026-01-05T09:00 (no"
            + " offset: it is local to the schedule's time_zone), got \"" + st + "\"");
      }
    }
    LocalTime handoff = timeOfDay(l, "handoff_time", problems);
    List<Restriction> restrictions = new ArrayList<>();
    l.forEach("restrictions", List.of("days", "from", "to"), w -> {
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      List<String> names = w.strings("days");
      for (int i = 0; i < names.size(); i++) {
        if (!weekdays(names.get(i), days)) {
          problems.error(w.path("days") + "[" + i + "]", "unknown weekday \"" + names.get(i)
              + "\" (use " + WEEKDAYS + ", or a range like mon-fri)");
        }
      }
      LocalTime from = w.has("from") ? timeOfDay(w, "from", problems) : null;
      LocalTime to = w.has("to") ? timeOfDay(w, "to", problems) : null;
      if (!w.has("from")) {
        problems.error(w.path("from"), "is required: the local time the window opens, like"
            + " 09:00");
      }
      if (!w.has("to")) {
        problems.error(w.path("to"), "is required: the local time the window closes, like"
            + " 17:00 (a time not after `from` closes on the next day)");
      }
      if (from != null && from.equals(to)) {
        problems.error(w.path(), "`to` must differ from `from` (" + from + "); cover a whole day"
            + " with two windows");
      }
      restrictions.add(new Restriction(days, from, to));
    });
    if (restrictions.size() != l.size("restrictions")) {
      misaligned[0] = true;
    }
    if (restrictions.size() > MAX_RESTRICTIONS) {
      problems.error(l.path("restrictions"), "at most " + MAX_RESTRICTIONS + " windows, got "
          + restrictions.size());
    }
    return new Layer(role, rotation, members, start, handoff, restrictions);
  }

  private static Rotation rotation(ConfigNode l, Problems problems) {
    String forms = "{hourly: n}, {daily: n}, {weekly: n} or {rrule: \"FREQ=...\"}";
    if (!l.has("rotation")) {
      problems.error(l.path("rotation"), "is required: one of " + forms);
      return null;
    }
    boolean isMap = l.isMap("rotation");
    ConfigNode m = l.map("rotation", "hourly", "daily", "weekly", "rrule");
    List<String> given = new ArrayList<>();
    for (String k : List.of("hourly", "daily", "weekly", "rrule")) {
      if (m.has(k)) {
        given.add(k);
      }
    }
    if (given.size() != 1) {
      if (isMap) {
        problems.error(m.path(), "exactly one of hourly, daily, weekly or rrule must be set,"
            + " like " + forms);
      }
      return null;
    }
    return switch (given.get(0)) {
      case "hourly" -> Rotation.hourly(m.integer("hourly", 1, 1, MAX_HOURLY));
      case "daily" -> Rotation.daily(m.integer("daily", 1, 1, MAX_DAILY));
      case "weekly" -> Rotation.weekly(m.integer("weekly", 1, 1, MAX_WEEKLY));
      default -> Rotation.custom(m.string("rrule", ""));
    };
  }

  private static LocalTime timeOfDay(ConfigNode n, String key, Problems problems) {
    String t = n.string(key, null);
    if (t == null) {
      return null;
    }
    LocalTime time = time(t.trim());
    if (time == null) {
      problems.error(n.path(key), "expected a time of day like 09:00, got \"" + t + "\"");
    }
    return time;
  }

  /** Adds the weekdays {@code name} stands for ({@code mon}, {@code monday}, {@code mon-fri}). */
  private static boolean weekdays(String name, Set<DayOfWeek> days) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    int dash = n.indexOf('-');
    if (dash > 0) {
      DayOfWeek first = weekday(n.substring(0, dash).trim());
      DayOfWeek last = weekday(n.substring(dash + 1).trim());
      if (first == null || last == null) {
        return false;
      }
      for (DayOfWeek d = first; ; d = d.plus(1)) {
        days.add(d);
        if (d == last) {
          return true;
        }
      }
    }
    DayOfWeek d = weekday(n);
    if (d != null) {
      days.add(d);
    }
    return d != null;
  }

  private static DayOfWeek weekday(String n) {
    for (DayOfWeek d : DayOfWeek.values()) {
      String full = d.name().toLowerCase(Locale.ROOT);
      if (n.equals(full) || n.equals(full.substring(0, 3))) {
        return d;
      }
    }
    return null;
  }

  private static List<User> users(ConfigNode root, Problems problems) {
    List<User> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    root.forEach("users", List.of("id", "name", "email", "time_zone", "contact_methods",
        "notification_rules", "quiet_hours"), u -> {
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
      List<NotificationRule> rules = rules(u, methods, problems);
      QuietHours quiet = null;
      String q = u.string("quiet_hours", null);
      if (q != null) {
        Matcher m = NIGHT.matcher(q.trim());
        LocalTime s = m.matches() ? time(m.group(1)) : null;
        LocalTime e = m.matches() ? time(m.group(2)) : null;
        if (s == null || e == null) {
          problems.error(u.path("quiet_hours"), "expected \"HH:MM-HH:MM\" like \"20:00-08:00\""
              + " (local to the user's time_zone), got \"" + q + "\"");
        } else if (s.equals(e)) {
          problems.error(u.path("quiet_hours"), "must not start and end at the same time, got \""
              + q + "\"");
        } else {
          quiet = new QuietHours(s, e);
        }
      }
      if (id != null) {
        out.add(new User(id, name, email, zone, methods, rules, quiet));
      }
    });
    if (out.size() > MAX_USERS) {
      problems.error("users", "at most " + MAX_USERS + " users, got " + out.size());
    }
    return out;
  }

  /**
   * {@code notification_rules: [{urgency: high, delay: 2m, contact_method: email}]}: the contact
   * method is a type (every method of that type) or a 1-based position in the list.
   */
  private static List<NotificationRule> rules(ConfigNode u, List<ContactMethod> methods,
      Problems problems) {
    List<NotificationRule> rules = new ArrayList<>();
    u.forEach("notification_rules", List.of("urgency", "delay", "contact_method"), r -> {
      String urgencyText = r.string("urgency", "any");
      Optional<NotificationRule.Urgency> urgency = NotificationRule.Urgency.parse(urgencyText);
      if (urgency.isEmpty()) {
        problems.error(r.path("urgency"), "expected high, low or any, got \"" + urgencyText
            + "\"");
      }
      Duration delay = r.duration("delay", Duration.ZERO);
      if (delay != null && (delay.isNegative()
          || delay.compareTo(NotificationRule.MAX_DELAY) > 0)) {
        problems.error(r.path("delay"), "must be between 0s and 24h, got "
            + ConfigNode.show(delay));
        delay = null;
      }
      String which = r.required("contact_method");
      List<Integer> picked = new ArrayList<>();
      if (which != null) {
        if (which.matches("[0-9]{1,3}")) {
          int n = Integer.parseInt(which);
          if (n < 1 || n > methods.size()) {
            problems.error(r.path("contact_method"), "position " + n + " is not one of the "
                + methods.size() + " contact methods (counting from 1)");
          } else {
            picked.add(n - 1);
          }
        } else {
          for (int i = 0; i < methods.size(); i++) {
            if (methods.get(i).type().wire().equals(which)) {
              picked.add(i);
            }
          }
          if (picked.isEmpty()) {
            problems.error(r.path("contact_method"), "the user has no contact method of type \""
                + which + "\" (name a type the user has, or a position counting from 1)");
          }
        }
      }
      if (urgency.isPresent() && delay != null && !picked.isEmpty()) {
        rules.add(new NotificationRule(urgency.get(), delay, picked));
      }
    });
    if (rules.size() > MAX_CONTACT_METHODS * 3) {
      problems.error(u.path("notification_rules"), "at most " + MAX_CONTACT_METHODS * 3
          + " rules, got " + rules.size());
    }
    return rules;
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
      Set<String> teams, Set<String> schedules, Problems problems) {
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
        l.forEach("targets", List.of("user", "team", "schedule", "role"), t -> {
          Target target = target(t, users, teams, schedules, problems);
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
      Set<String> schedules, Problems problems) {
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
    if (t.has("role") && !kind.equals("schedule")) {
      problems.error(t.path("role"), "only a schedule target has a role");
    }
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
        Role role = Role.PRIMARY;
        String r = t.string("role", null);
        if (r != null) {
          if (r.equalsIgnoreCase("primary") || r.equalsIgnoreCase("secondary")) {
            role = Role.valueOf(r.toUpperCase(Locale.ROOT));
          } else {
            problems.error(t.path("role"), "must be primary or secondary, got \"" + r + "\"");
          }
        }
        if (!schedules.contains(id)) {
          problems.error(t.path("schedule"), "unknown schedule \"" + id + "\""
              + (schedules.isEmpty() ? " (schedules defines none)"
                  : " (known: " + String.join(", ", new TreeSet<>(schedules)) + ")"));
          return null;
        }
        return Target.schedule(id, role);
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
