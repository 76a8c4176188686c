package dev.watchkeeper.oncall;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Restriction windows cut a layer's coverage; the rotation keeps turning underneath. */
class RestrictionTest {

  static Shift shift(String user, String start, String end) {
    return new Shift(Role.PRIMARY, user, Instant.parse(start), Instant.parse(end));
  }

  static List<Shift> primary(Layer layer, String zone, String from, String to) {
    return Schedule.of("s", "S", zone, List.of(layer)).finalSchedule()
        .shifts(Role.PRIMARY, Instant.parse(from), Instant.parse(to));
  }

  @Test
  void businessHoursLeaveNightsAndTheWeekendUncovered() {
    // Mon 2026-01-05 .. Sun 01-11, London = UTC in January.
    Layer layer = Layer.of(Role.PRIMARY, Rotation.daily(1), List.of("ann", "ben"),
            LocalDateTime.parse("2026-01-05T09:00"))
        .withRestrictions(List.of(Restriction.weekdays(MONDAY, FRIDAY, LocalTime.of(9, 0),
            LocalTime.of(17, 0))));

    assertThat(primary(layer, "Europe/London", "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"))
        .containsExactly(
            shift("ann", "2026-01-05T09:00:00Z", "2026-01-05T17:00:00Z"),
            shift("ben", "2026-01-06T09:00:00Z", "2026-01-06T17:00:00Z"),
            shift("ann", "2026-01-07T09:00:00Z", "2026-01-07T17:00:00Z"),
            shift("ben", "2026-01-08T09:00:00Z", "2026-01-08T17:00:00Z"),
            shift("ann", "2026-01-09T09:00:00Z", "2026-01-09T17:00:00Z"));
  }

  @Test
  void windowCrossingMidnightRunsIntoTheNextMorningAndMondayMorningStaysEmpty() {
    // Nights Mon–Fri 22:00–06:00: Friday's night ends Saturday 06:00; Monday 00:00–06:00 belongs
    // to Sunday's night, which is not in the window.
    Layer layer = Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann", "ben"),
            LocalDateTime.parse("2026-01-05T00:00"))
        .withRestrictions(List.of(Restriction.weekdays(MONDAY, FRIDAY, LocalTime.of(22, 0),
            LocalTime.of(6, 0))));

    List<Shift> shifts =
        primary(layer, "UTC", "2026-01-05T00:00:00Z", "2026-01-13T00:00:00Z");

    assertThat(shifts).first().isEqualTo(shift("ann", "2026-01-05T22:00:00Z",
        "2026-01-06T06:00:00Z"));
    assertThat(shifts).contains(shift("ann", "2026-01-09T22:00:00Z", "2026-01-10T06:00:00Z"));
    assertThat(shifts).noneMatch(s -> s.start().isAfter(Instant.parse("2026-01-10T06:00:00Z"))
        && s.start().isBefore(Instant.parse("2026-01-12T22:00:00Z")));
    assertThat(shifts).last().isEqualTo(shift("ben", "2026-01-12T22:00:00Z",
        "2026-01-13T00:00:00Z"));
    assertThat(shifts).hasSize(6);
  }

  @Test
  void handoffInsideAWindowSplitsItBetweenTheTwoMembers() {
    Layer layer = Layer.of(Role.PRIMARY, Rotation.daily(1), List.of("ann", "ben"),
            LocalDateTime.parse("2026-01-05T12:00"))
        .withRestrictions(List.of(Restriction.daily(LocalTime.of(9, 0), LocalTime.of(17, 0))));

    assertThat(primary(layer, "UTC", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"))
        .containsExactly(
            shift("ann", "2026-01-06T09:00:00Z", "2026-01-06T12:00:00Z"),
            shift("ben", "2026-01-06T12:00:00Z", "2026-01-06T17:00:00Z"));
  }

  @Test
  void windowsThatTouchAreJoinedIntoOneShift() {
    Layer layer = Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann"),
            LocalDateTime.parse("2026-01-05T00:00"))
        .withRestrictions(List.of(
            Restriction.daily(LocalTime.of(8, 0), LocalTime.of(12, 0)),
            Restriction.daily(LocalTime.of(12, 0), LocalTime.of(18, 0))));

    assertThat(primary(layer, "UTC", "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"))
        .containsExactly(shift("ann", "2026-01-05T08:00:00Z", "2026-01-05T18:00:00Z"));
  }

  @Test
  void windowsFollowLocalTimeAcrossDst() {
    // 09:00–17:00 in Chicago is 15:00–23:00 UTC on Fri 2026-03-06 and 14:00–22:00 on Mon 03-09.
    Layer layer = Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann"),
            LocalDateTime.parse("2026-03-02T00:00"))
        .withRestrictions(List.of(Restriction.weekdays(MONDAY, FRIDAY, LocalTime.of(9, 0),
            LocalTime.of(17, 0))));

    assertThat(primary(layer, "America/Chicago", "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z"))
        .containsExactly(
            shift("ann", "2026-03-06T15:00:00Z", "2026-03-06T23:00:00Z"),
            shift("ann", "2026-03-09T14:00:00Z", "2026-03-09T22:00:00Z"));
  }
}
