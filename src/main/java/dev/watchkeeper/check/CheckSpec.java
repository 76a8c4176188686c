package dev.watchkeeper.check;

import dev.watchkeeper.event.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a user defines about a check: the service whose incidents its alert joins, its slug
 * (unique within the service; the slug ping URL names it), its schedule and grace time, an
 * optional parent check (while that is down, this one's alert is suppressed), keywords that
 * classify a ping body, and the severity of its alert.
 */
public record CheckSpec(String service, String slug, String name, Kind kind, Schedule schedule,
    Duration grace, String parent, List<String> successKeywords, List<String> failureKeywords,
    Severity severity) {
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);
  public static final Duration DEFAULT_PERIOD = Duration.ofDays(1);
  public static final Duration MAX_GRACE = Duration.ofDays(365);
  public static final Severity DEFAULT_SEVERITY = Severity.ERROR;
  public static final int MAX_NAME_LENGTH = 200;
  public static final int MAX_KEYWORDS = 20;
  /** Slugs as Healthchecks makes them: lower case letters, digits, '-' and '_'. */
  public static final java.util.regex.Pattern SLUG =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");

  /** A heartbeat is pinged by the job it watches; a probe's pings come from the prober. */
  public enum Kind {
    HEARTBEAT, PROBE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public CheckSpec {
    successKeywords = successKeywords == null ? List.of() : List.copyOf(successKeywords);
    failureKeywords = failureKeywords == null ? List.of() : List.copyOf(failureKeywords);
    severity = severity == null ? DEFAULT_SEVERITY : severity;
    kind = kind == null ? Kind.HEARTBEAT : kind;
  }

  public CheckSpec withParent(String p) {
    return new CheckSpec(service, slug, name, kind, schedule, grace, p, successKeywords,
        failureKeywords, severity);
  }

  /**
   * How a success ping's body counts: a failure keyword makes it a failure; with success keywords,
   * a body containing none of them is ignored (kept, no state change). Case-sensitive substrings.
   */
  public PingKind classify(String body) {
    if (body == null || (successKeywords.isEmpty() && failureKeywords.isEmpty())) {
      return PingKind.SUCCESS;
    }
    for (String k : failureKeywords) {
      if (body.contains(k)) {
        return PingKind.FAIL;
      }
    }
    if (successKeywords.isEmpty()) {
      return PingKind.SUCCESS;
    }
    for (String k : successKeywords) {
      if (body.contains(k)) {
        return PingKind.SUCCESS;
      }
    }
    return PingKind.IGNORED;
  }
}
