package dev.watchkeeper.mute;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stored silence: while active, alerts whose labels satisfy every matcher are muted.
 *
 * <p>State at {@code now}: pending before {@code startsAt}, active from {@code startsAt} until
 * {@code endsAt}, expired from {@code endsAt} on. (Alertmanager still calls a silence active at
 * exactly {@code endsAt}; here expiring sets {@code endsAt = now} and the silence is expired at once,
 * which with millisecond times is what a reader expects.)
 *
 * @param expireWhenResolved end the silence when an alert it mutes resolves and no firing alert
 *     matches it any more ({@link Silences#expireWhenResolved}); set through the Alertmanager
 *     API's extra field {@code expireWhenResolved}
 * @param team the team the silence belongs to, or null for every team: a team's silence mutes
 *     only alerts of services that team owns (so one team's responder cannot mute another's pages)
 */
public record Silence(
    String id,
    List<Matcher> matchers,
    Instant startsAt,
    Instant endsAt,
    String createdBy,
    String comment,
    Instant updatedAt,
    boolean expireWhenResolved,
    String team) {

  public Silence {
    matchers = List.copyOf(matchers);
  }

  /** A silence of every team. */
  public Silence(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt,
      String createdBy, String comment, Instant updatedAt, boolean expireWhenResolved) {
    this(id, matchers, startsAt, endsAt, createdBy, comment, updatedAt, expireWhenResolved, null);
  }

  /** Whether the silence may mute alerts of a service owned by {@code owners}. */
  public boolean coversServiceOf(Set<String> owners) {
    return team == null || owners.contains(team);
  }

  public SilenceState state(Instant now) {
    if (now.isBefore(startsAt)) {
      return SilenceState.PENDING;
    }
    if (!now.isBefore(endsAt)) {
      return SilenceState.EXPIRED;
    }
    return SilenceState.ACTIVE;
  }

  /** True when every matcher accepts {@code labels} (regardless of state). */
  public boolean matches(Map<String, String> labels) {
    for (Matcher m : matchers) {
      if (!m.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  Silence withTimes(Instant starts, Instant ends, Instant updated) {
    return new Silence(id, matchers, starts, ends, createdBy, comment, updated, expireWhenResolved,
        team);
  }
}
