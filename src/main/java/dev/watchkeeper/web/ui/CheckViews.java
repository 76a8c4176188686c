package dev.watchkeeper.web.ui;

import dev.watchkeeper.check.Check;
import dev.watchkeeper.check.Ping;
import dev.watchkeeper.check.Schedule;
import java.util.List;

/** What the checks pages show. Public for the compiled templates. */
public final class CheckViews {
  private CheckViews() {}

  /** The checks list: the checks the viewer may see, under the status filter in force. */
  public record ListView(List<Check> checks, String status, List<String> statuses,
      boolean truncated) {}

  /** One check with its latest pings; {@code canRespond}: pause/resume forms. */
  public record CheckView(Check check, List<Ping> pings, boolean canRespond) {}

  /** "every 5m" or "cron 0 3 * * * (Europe/Berlin)". */
  public static String schedule(Schedule s) {
    if (s instanceof Schedule.Every e) {
      return "every " + human(e.period());
    }
    Schedule.Cron c = (Schedule.Cron) s;
    return "cron " + c.expression() + " (" + c.zone().getId() + ")";
  }

  /** 90s, 5m, 2h, 1d: the largest unit that divides the duration. */
  public static String human(java.time.Duration d) {
    long s = d.toSeconds();
    if (s > 0 && s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s > 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s > 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
