package dev.watchkeeper.config;

import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.people.Team;
import dev.watchkeeper.people.User;
import dev.watchkeeper.oncall.FinalSchedule;
import dev.watchkeeper.oncall.Layer;
import dev.watchkeeper.oncall.Role;
import dev.watchkeeper.oncall.Schedule;
import dev.watchkeeper.oncall.Shift;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Readiness lint: a valid config that would still let a page go nowhere: users without contact
 * methods, empty teams, times in the next 14 days with nobody on call in a schedule,
 * single-member rotations, levels and policies that page nobody (always or at some time),
 * services without a policy, policies no service uses. Run by
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
    Instant until = now.plus(HORIZON);
    for (Schedule sc : o.schedules()) {
      List<Span> gaps = gaps(sc, Role.PRIMARY, now, until);
      if (!gaps.isEmpty()) {
        out.add(new Finding("schedule_gap", "schedules[" + sc.id() + "]",
            "nobody is on call (primary or secondary) for " + describe(gaps)));
      }
      for (int i = 0; i < sc.layers().size(); i++) {
        Layer l = sc.layers().get(i);
        if (l.members().size() == 1 && l.role() != Role.SHADOW) {
          out.add(new Finding("single_member_rotation", "schedules[" + sc.id() + "].layers["
              + i + "]", "a rotation of one person (" + l.members().get(0)
              + "): nobody to hand off to, and the recovery rule leaves it empty"));
        }
      }
    }
    for (EscalationPolicy p : o.policies()) {
      List<Span> policyGaps = List.of(new Span(now, until)); // when no level pages anyone
      for (int i = 0; i < p.levels().size(); i++) {
        List<String> people = new ArrayList<>();
        List<Span> levelGaps = List.of(new Span(now, until));
        for (Target t : p.levels().get(i).targets()) {
          people.addAll(resolve(o, t));
          if (t.kind() == Target.Kind.SCHEDULE) {
            Optional<Schedule> sc = o.schedules().stream()
                .filter(x -> x.id().equals(t.id())).findFirst();
            levelGaps = sc.isEmpty() ? levelGaps
                : intersect(levelGaps, gaps(sc.get(), t.role(), now, until));
          }
        }
        if (!people.isEmpty()) {
          levelGaps = List.of();
        }
        paged.addAll(people);
        String subject = "escalation_policies[" + p.id() + "].levels[" + i + "]";
        if (levelGaps.equals(List.of(new Span(now, until)))) {
          out.add(new Finding("level_pages_nobody", subject, "every target resolves to nobody;"
              + " this level pages no one"));
        } else if (!levelGaps.isEmpty()) {
          out.add(new Finding("level_pages_nobody_at_times", subject, "its schedules have"
              + " nobody on call for " + describe(levelGaps)));
        }
        policyGaps = intersect(policyGaps, levelGaps);
      }
      if (policyGaps.equals(List.of(new Span(now, until)))) {
        out.add(new Finding("policy_pages_nobody", "escalation_policies[" + p.id() + "]",
            "no level pages anyone: the policy ends nowhere"));
      } else if (!policyGaps.isEmpty()) {
        out.add(new Finding("policy_pages_nobody_at_times", "escalation_policies[" + p.id()
            + "]", "no level pages anyone for " + describe(policyGaps)));
      }
      if (!usedPolicies.contains(p.id())) {
        out.add(new Finding("unused_policy", "escalation_policies[" + p.id() + "]",
            "no service uses it"));
      }
    }
    return out;
  }

  /** The people a user or team target always stands for (schedules: see {@link #gaps}). */
  private static List<String> resolve(WatchkeeperConfig.Oncall o, Target t) {
    return switch (t.kind()) {
      case USER -> o.user(t.id()).map(u -> List.of(u.id())).orElse(List.of());
      case TEAM -> o.team(t.id()).map(Team::members).orElse(List.of());
      case SCHEDULE -> List.of();
    };
  }

  /** A time range [start, end). */
  record Span(Instant start, Instant end) {}

  /**
   * When a schedule target has nobody to page within [from, to): nobody on call for its role
   * (for a primary target, nobody as primary or secondary either: the secondary is paged when the
   * primary is empty). Overrides made at run time are not seen here: they live in the database.
   */
  static List<Span> gaps(Schedule s, Role role, Instant from, Instant to) {
    FinalSchedule f = s.finalSchedule();
    List<Shift> covered = new ArrayList<>(f.shifts(role, from, to));
    if (role == Role.PRIMARY) {
      covered.addAll(f.shifts(Role.SECONDARY, from, to));
    }
    covered.sort(java.util.Comparator.comparing(Shift::start));
    List<Span> out = new ArrayList<>();
    Instant at = from;
    for (Shift sh : covered) {
      if (sh.start().isAfter(at)) {
        out.add(new Span(at, sh.start()));
      }
      if (sh.end().isAfter(at)) {
        at = sh.end();
      }
    }
    if (at.isBefore(to)) {
      out.add(new Span(at, to));
    }
    return out;
  }

  /** The parts of both lists of spans that overlap. */
  static List<Span> intersect(List<Span> a, List<Span> b) {
    List<Span> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() && j < b.size()) {
      Instant start = max(a.get(i).start(), b.get(j).start());
      Instant end = min(a.get(i).end(), b.get(j).end());
      if (start.isBefore(end)) {
        out.add(new Span(start, end));
      }
      if (a.get(i).end().isBefore(b.get(j).end())) {
        i++;
      } else {
        j++;
      }
    }
    return out;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static String describe(List<Span> gaps) {
    Duration total = Duration.ZERO;
    for (Span g : gaps) {
      total = total.plus(Duration.between(g.start(), g.end()));
    }
    Span first = gaps.get(0);
    return (total.toMinutes() >= 120 ? total.toHours() + " h" : total.toMinutes() + " min")
        + " in the next " + HORIZON.toDays() + " days (" + gaps.size()
        + (gaps.size() == 1 ? " gap" : " gaps") + "), first from " + first.start() + " to "
        + first.end();
  }
}
