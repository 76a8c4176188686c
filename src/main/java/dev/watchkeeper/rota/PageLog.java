package dev.watchkeeper.rota;

import java.time.Instant;
import java.util.List;

/**
 * The pages escalation recorded (read-only here): the recovery rule derives its reliefs from them.
 */
public interface PageLog {

  /** One person paged at one instant. */
  record Paged(String userId, Instant at) {}

  /** Pages recorded with {@code from <= at < to}, oldest first. */
  List<Paged> between(Instant from, Instant to);
}
