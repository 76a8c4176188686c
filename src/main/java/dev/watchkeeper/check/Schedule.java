package dev.watchkeeper.check;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a heartbeat is expected: every {@link Every#period} after the last one, or at the next
 * time of a cron expression in a time zone ({@link Cron}). Cron times are local times of the zone,
 * so "0 2 * * *" stays at 02:00 across DST changes; cron-utils decides what a time in a DST gap or
 * overlap means (Unix cron semantics).
 */
public sealed interface Schedule {
  Duration MIN_PERIOD = Duration.ofSeconds(1);
  Duration MAX_PERIOD = Duration.ofDays(365);

  /** The moment the next ping is due after one received at {@code lastPing}. */
  Instant next(Instant lastPing);

  /** A fixed period between pings. */
  record Every(Duration period) implements Schedule {
    @Override
    public Instant next(Instant lastPing) {
      return lastPing.plus(period);
    }
  }

  /** A Unix cron expression (5 fields) evaluated in {@code zone}. */
  record Cron(String expression, ZoneId zone, ExecutionTime times) implements Schedule {
    @Override
    public Instant next(Instant lastPing) {
      Optional<ZonedDateTime> n = times.nextExecution(lastPing.atZone(zone));
      // An expression that never fires again (Feb 30): never due.
      return n.map(ZonedDateTime::toInstant).orElse(Instant.MAX);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cron c && c.expression.equals(expression) && c.zone.equals(zone);
    }

    @Override
    public int hashCode() {
      return expression.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
      return "Cron[" + expression + " " + zone + "]";
    }
  }

  /**
   * Parses a Unix cron expression.
   *
   * @throws IllegalArgumentException with a sentence naming the problem
   */
  static Cron cron(String expression, ZoneId zone) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("cron expression is empty");
    }
    try {
      var cron = Parsers.UNIX.parse(expression.trim());
      cron.validate();
      return new Cron(expression.trim(), zone, ExecutionTime.forCron(cron));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid cron expression (5 fields: minute hour"
          + " day-of-month month day-of-week): " + e.getMessage());
    }
  }

  /** The parser is thread-safe and costly to build: one per JVM. */
  final class Parsers {
    static final CronParser UNIX =
        new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private Parsers() {}
  }
}
