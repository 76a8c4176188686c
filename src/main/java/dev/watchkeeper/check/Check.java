package dev.watchkeeper.check;

import java.time.Instant;
import java.util.Locale;

/**
 * A check as stored: its id (a UUID, the secret of its ping URL), where it was defined, its spec,
 * the key of its public badge, and its state.
 *
 * @param dueAt the next moment its state changes by the clock alone (late, down), or null
 * @param startedAt a start ping not yet followed by a finish, or null
 */
public record Check(String id, Origin origin, CheckSpec spec, String badgeKey,
    CheckStatus status, Instant lastPingAt, Instant startedAt, Instant dueAt,
    Long lastDurationMs, long pings, Instant createdAt, Instant updatedAt) {

  /** Where a check was defined: the config file, the API, or a slug ping with {@code ?create=1}. */
  public enum Origin {
    CONFIG, API, AUTO;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Check withState(CheckStatus s, Instant last, Instant started, Instant due,
      Long duration, long pingCount, Instant now) {
    return new Check(id, origin, spec, badgeKey, s, last, started, due, duration, pingCount,
        createdAt, now);
  }

  public Check withSpec(CheckSpec s, Instant now) {
    return new Check(id, origin, s, badgeKey, status, lastPingAt, startedAt, dueAt,
        lastDurationMs, pings, createdAt, now);
  }
}
