package dev.watchkeeper.web.ui;

import java.util.List;

/**
 * One schedule's week (Monday to Sunday in {@code zone}) with its overrides and the form to
 * add one.
 *
 * @param prev the URL of the previous week; {@code next} of the next, {@code thisWeek} of the
 *     current one
 * @param canChange the viewer may add and remove overrides
 * @param users the people an override may name (id and name)
 * @param roles the roles an override may take
 * @param defaultStart what the start field proposes (local, in {@code zone})
 */
public record ScheduleView(String id, String name, String zone, String scheduleZone,
    String weekLabel, List<Day> days, String prev, String next, String thisWeek,
    List<Override> overrides, boolean canChange, List<Person> users, List<String> roles,
    String defaultStart, String defaultEnd) {

  /** One day of the week and its shifts (clipped to the day). */
  public record Day(String label, boolean today, List<Slot> slots) {}

  /** A shift within one day: role, who, from and to as local times ("…" when it goes on). */
  public record Slot(String role, String user, String from, String to) {}

  /** An override that has not ended. {@code what}: "primary" or "cover for erin". */
  public record Override(long id, String what, String user, String start, String end,
      String createdBy, String ignored) {}

  public record Person(String id, String name) {}
}
