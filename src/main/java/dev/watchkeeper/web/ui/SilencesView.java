package dev.watchkeeper.web.ui;

import java.time.Instant;
import java.util.List;

/**
 * The silences page: the silences the viewer may see (active, pending, the latest expired) and
 * what the create form offers.
 *
 * @param expiredHidden how many older expired silences are not shown
 * @param teams the teams a new silence may be for (value null: every team), first the default;
 *     empty when the viewer may not create silences
 * @param maxDuration the longest silence allowed, as words (silences.max_duration)
 */
public record SilencesView(List<Row> active, List<Row> pending, List<Row> expired,
    int expiredHidden, List<TeamOption> teams, String maxDuration) {

  /** One silence. {@code canExpire}: the viewer may expire it (and it has not ended). */
  public record Row(String id, String state, List<String> matchers, String createdBy,
      String comment, Instant startsAt, Instant endsAt, String team,
      boolean expireWhenResolved, boolean canExpire) {}

  /** A choice of the team select; {@code value} "" stands for every team. */
  public record TeamOption(String value, String label) {}

  public boolean canCreate() {
    return !teams.isEmpty();
  }
}
