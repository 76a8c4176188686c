package dev.watchkeeper.web.ui;

import java.time.Instant;
import java.util.List;

/**
 * The on-call page: per schedule, who holds each role now and until when.
 *
 * @param zone the time zone times are shown in
 */
public record OncallView(Instant at, String zone, List<Row> schedules) {

  /** One schedule now; a duty is null when nobody holds the role. */
  public record Row(String id, String name, Duty primary, Duty secondary, List<Duty> shadows,
      List<String> relieved) {}

  /** Someone on call, until when (null: beyond the look-ahead), as text in the zone. */
  public record Duty(String user, String name, String until) {}
}
