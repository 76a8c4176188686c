package dev.watchkeeper.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layers of one role, overrides, "take this shift" and "cover me". */
class LayeringAndOverrideTest {
  static final LocalDateTime MONDAY_9 = LocalDateTime.parse("2026-01-05T09:00");

  // ann and ben alternate daily at 09:00 UTC from Monday 2026-01-05.
  static final Schedule DAILY = Schedule.of("s", "S", "UTC", List.of(
      Layer.of(Role.PRIMARY, Rotation.daily(1), List.of("ann", "ben"), MONDAY_9)));

  static Shift shift(String user, String start, String end) {
    return new Shift(Role.PRIMARY, user, Instant.parse(start), Instant.parse(end));
  }

  static ScheduleOverride override(String user, String start, String end) {
    return new ScheduleOverride(Role.PRIMARY, user, Instant.parse(start), Instant.parse(end));
  }

  static List<Shift> primary(FinalSchedule s, String from, String to) {
    return s.shifts(Role.PRIMARY, Instant.parse(from), Instant.parse(to));
  }

  @Test
  void laterLayerOverridesAnEarlierOneOnlyWhereItHasSomebody() {
    Schedule s = Schedule.of("s", "S", "UTC", List.of(
        Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann"), MONDAY_9),
        Layer.of(Role.PRIMARY, Rotation.daily(1), List.of("day"), MONDAY_9)
            .withRestrictions(List.of(Restriction.daily(LocalTime.of(12, 0),
                LocalTime.of(14, 0))))));

    assertThat(primary(s.finalSchedule(), "2026-01-05T09:00:00Z", "2026-01-06T13:00:00Z"))
        .containsExactly(
            shift("ann", "2026-01-05T09:00:00Z", "2026-01-05T12:00:00Z"),
            shift("day", "2026-01-05T12:00:00Z", "2026-01-05T14:00:00Z"),
            shift("ann", "2026-01-05T14:00:00Z", "2026-01-06T12:00:00Z"),
            shift("day", "2026-01-06T12:00:00Z", "2026-01-06T13:00:00Z"));
  }

  @Test
  void layersOfAnotherRoleDoNotOverride() {
    Schedule s = Schedule.of("s", "S", "UTC", List.of(
        Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann"), MONDAY_9),
        Layer.of(Role.SECONDARY, Rotation.weekly(1), List.of("sec"), MONDAY_9)));

    assertThat(primary(s.finalSchedule(), "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"))
        .containsExactly(shift("ann", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"));
  }

  @Test
  void overrideReplacesTheRotationOnlyWithinItsRange() {
    FinalSchedule s = DAILY.finalSchedule(
        List.of(override("zoe", "2026-01-05T18:00:00Z", "2026-01-06T12:00:00Z")), List.of());

    assertThat(primary(s, "2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-05T18:00:00Z"),
        shift("zoe", "2026-01-05T18:00:00Z", "2026-01-06T12:00:00Z"),
        shift("ben", "2026-01-06T12:00:00Z", "2026-01-07T09:00:00Z"));
  }

  @Test
  void laterOverrideWinsWhereOverridesOverlap() {
    FinalSchedule s = DAILY.finalSchedule(List.of(
        override("zoe", "2026-01-05T10:00:00Z", "2026-01-05T16:00:00Z"),
        override("yan", "2026-01-05T12:00:00Z", "2026-01-05T14:00:00Z")), List.of());

    assertThat(primary(s, "2026-01-05T09:00:00Z", "2026-01-05T17:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z"),
        shift("zoe", "2026-01-05T10:00:00Z", "2026-01-05T12:00:00Z"),
        shift("yan", "2026-01-05T12:00:00Z", "2026-01-05T14:00:00Z"),
        shift("zoe", "2026-01-05T14:00:00Z", "2026-01-05T16:00:00Z"),
        shift("ann", "2026-01-05T16:00:00Z", "2026-01-05T17:00:00Z"));
  }

  @Test
  void overrideFillsAGapWhereNoLayerCovers() {
    Schedule s = Schedule.of("s", "S", "UTC", List.of(
        Layer.of(Role.PRIMARY, Rotation.daily(1), List.of("ann"), MONDAY_9)
            .withRestrictions(List.of(Restriction.daily(LocalTime.of(9, 0),
                LocalTime.of(17, 0))))));
    FinalSchedule f = s.finalSchedule(
        List.of(override("zoe", "2026-01-05T17:00:00Z", "2026-01-05T20:00:00Z")), List.of());

    assertThat(primary(f, "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-05T17:00:00Z"),
        shift("zoe", "2026-01-05T17:00:00Z", "2026-01-05T20:00:00Z"));
  }

  @Test
  void overrideByTheUserAlreadyOnCallMergesIntoOneShift() {
    FinalSchedule s = DAILY.finalSchedule(
        List.of(override("ann", "2026-01-06T09:00:00Z", "2026-01-06T12:00:00Z")), List.of());

    assertThat(primary(s, "2026-01-05T09:00:00Z", "2026-01-06T18:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-06T12:00:00Z"),
        shift("ben", "2026-01-06T12:00:00Z", "2026-01-06T18:00:00Z"));
  }

  @Test
  void takeThisShiftGivesTheTakerExactlyThatShift() {
    Shift bens = primary(DAILY.finalSchedule(), "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z")
        .get(0);
    ScheduleOverride take = ScheduleOverride.takeShift(bens, "zoe");

    assertThat(take).isEqualTo(override("zoe", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z"));
    assertThat(primary(DAILY.finalSchedule(List.of(take), List.of()), "2026-01-05T09:00:00Z",
        "2026-01-08T09:00:00Z")).containsExactly(
            shift("ann", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"),
            shift("zoe", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z"),
            shift("ann", "2026-01-07T09:00:00Z", "2026-01-08T09:00:00Z"));
  }

  @Test
  void coverMeMovesOnlyTheAbsentUsersShiftsWithinTheRange() {
    Schedule s = Schedule.of("s", "S", "UTC", List.of(
        Layer.of(Role.PRIMARY, Rotation.daily(1), List.of("ann", "ben"), MONDAY_9),
        Layer.of(Role.SECONDARY, Rotation.daily(1), List.of("ben", "ann"), MONDAY_9)));
    Instant from = Instant.parse("2026-01-05T12:00:00Z");
    Instant to = Instant.parse("2026-01-07T12:00:00Z");

    List<ScheduleOverride> cover = s.finalSchedule().coverFor("ann", "cat", from, to);

    assertThat(cover).containsExactly(
        override("cat", "2026-01-05T12:00:00Z", "2026-01-06T09:00:00Z"),
        override("cat", "2026-01-07T09:00:00Z", "2026-01-07T12:00:00Z"),
        new ScheduleOverride(Role.SECONDARY, "cat", Instant.parse("2026-01-06T09:00:00Z"),
            Instant.parse("2026-01-07T09:00:00Z")));
    FinalSchedule covered = s.finalSchedule(cover, List.of());
    assertThat(primary(covered, "2026-01-05T09:00:00Z", "2026-01-08T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-05T12:00:00Z"),
        shift("cat", "2026-01-05T12:00:00Z", "2026-01-06T09:00:00Z"),
        shift("ben", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z"),
        shift("cat", "2026-01-07T09:00:00Z", "2026-01-07T12:00:00Z"),
        shift("ann", "2026-01-07T12:00:00Z", "2026-01-08T09:00:00Z"));
  }

  @Test
  void coverMeForSomebodyNotOnCallMakesNoOverride() {
    assertThat(DAILY.finalSchedule().coverFor("nobody", "cat",
        Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-02-05T00:00:00Z"))).isEmpty();
  }

  @Test
  void layerShiftsShowOneLayerAloneUnderTheFinalSchedule() {
    Schedule s = Schedule.of("s", "S", "UTC", List.of(
        Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann"), MONDAY_9),
        Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("top"), MONDAY_9)));

    assertThat(s.layerShifts(0, Instant.parse("2026-01-05T09:00:00Z"),
        Instant.parse("2026-01-06T09:00:00Z")))
        .containsExactly(shift("ann", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"));
    assertThat(primary(s.finalSchedule(), "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"))
        .containsExactly(shift("top", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"));
  }
}
