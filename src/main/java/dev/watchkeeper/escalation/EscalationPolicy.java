package dev.watchkeeper.escalation;

import dev.watchkeeper.oncall.Role;
import java.time.Duration;
import java.util.List;

/**
 * Who is paged, in which order, when nobody acknowledges ({@code escalation_policies:}).
 *
 * @param levels fired in order; level 1 at once when an incident triggers
 * @param repeat how many more times the whole policy runs after the last level (0 = once)
 */
public record EscalationPolicy(String id, String name, List<Level> levels, int repeat) {
  public static final int MAX_LEVELS = 20;
  public static final int MAX_REPEAT = 9;
  public static final Duration DEFAULT_DELAY = Duration.ofMinutes(15);
  public static final Duration MIN_DELAY = Duration.ofSeconds(1);
  public static final Duration MAX_DELAY = Duration.ofHours(24);

  public EscalationPolicy {
    levels = List.copyOf(levels);
  }

  /**
   * One level: its targets and how long they have to acknowledge before the next level fires.
   *
   * @param roundRobin notify-next-each-time: each time this level fires it pages the next one
   *     of the people its targets resolve to, instead of all of them
   */
  public record Level(List<Target> targets, Duration delay, boolean roundRobin) {
    public Level {
      targets = List.copyOf(targets);
    }
  }

  /**
   * A user, a team (all its members) or a schedule (whoever is on call for {@code role} when the
   * level fires).
   *
   * @param role for a schedule, the role paged (primary or secondary); null otherwise
   */
  public record Target(Kind kind, String id, Role role) {

    /** A user or team target; a schedule target for its primary. */
    public Target(Kind kind, String id) {
      this(kind, id, kind == Kind.SCHEDULE ? Role.PRIMARY : null);
    }

    /** Whoever is on call in schedule {@code id} for {@code role}. */
    public static Target schedule(String id, Role role) {
      return new Target(Kind.SCHEDULE, id, role);
    }

    public enum Kind {
      USER, TEAM, SCHEDULE;

      public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
      }
    }

    @Override
    public String toString() {
      return kind.wire() + " " + id + (kind == Kind.SCHEDULE && role != Role.PRIMARY
          ? " (" + role.name().toLowerCase(java.util.Locale.ROOT) + ")" : "");
    }
  }
}
