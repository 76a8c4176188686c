package dev.watchkeeper.mute;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client asks for when it creates or updates a silence. {@code id} is null for a new
 * silence; {@code startsAt} null means now; {@code team} null means every team (the routes decide
 * it from the caller's roles before this is saved).
 */
public record SilenceRequest(
    String id,
    List<Matcher> matchers,
    Instant startsAt,
    Instant endsAt,
    String createdBy,
    String comment,
    boolean expireWhenResolved,
    String team) {

  public SilenceRequest {
    matchers = matchers == null ? List.of() : List.copyOf(matchers);
  }

  /** A silence of every team. */
  public SilenceRequest(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt,
      String createdBy, String comment, boolean expireWhenResolved) {
    this(id, matchers, startsAt, endsAt, createdBy, comment, expireWhenResolved, null);
  }

  /** The same request for {@code team}. */
  public SilenceRequest forTeam(String team) {
    return new SilenceRequest(id, matchers, startsAt, endsAt, createdBy, comment,
        expireWhenResolved, team);
  }

  /**
   * Every problem, each with its field path, in the order Alertmanager checks them. Times are
   * checked against {@code now}; the duration is counted from when the silence will really start
   * (a start in the past becomes now, as in Alertmanager).
   */
  public List<String> problems(Instant now, Duration maxDuration) {
    List<String> out = new ArrayList<>();
    if (matchers.isEmpty()) {
      out.add("matchers: at least one matcher required");
    } else {
      boolean allMatchEmpty = true;
      for (int i = 0; i < matchers.size(); i++) {
        Matcher m = matchers.get(i);
        out.addAll(m.problems("matchers[" + i + "]"));
        allMatchEmpty &= m.matchesEmpty();
      }
      if (allMatchEmpty) {
        out.add("matchers: at least one matcher must not match the empty string");
      }
    }
    if (createdBy == null || createdBy.isBlank()) {
      out.add("createdBy: required");
    }
    if (comment == null || comment.isBlank()) {
      out.add("comment: required");
    }
    Instant start = startsAt == null ? now : startsAt;
    if (endsAt == null) {
      out.add("endsAt: required");
    } else if (!endsAt.isAfter(start)) {
      out.add("endsAt: start time must be before end time");
    } else if (endsAt.isBefore(now)) {
      out.add("endsAt: end time can't be in the past");
    } else {
      Duration length = Duration.between(start.isBefore(now) ? now : start, endsAt);
      if (length.compareTo(maxDuration) > 0) {
        out.add("endsAt: the silence would last " + human(length) + "; at most "
            + human(maxDuration) + " is allowed (silences.max_duration)");
      }
    }
    return out;
  }

  /** 7d, 36h, 90m, 45s: the largest unit that divides the duration, else seconds. */
  static String human(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0 && s > 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
