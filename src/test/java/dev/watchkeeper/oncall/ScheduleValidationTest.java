package dev.watchkeeper.oncall;

import static java.time.DayOfWeek.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Schedule.of reports every problem, each with its path; every message is checked once. */
class ScheduleValidationTest {
  static final LocalDateTime START = LocalDateTime.parse("2026-01-05T09:00");

  static Layer layer(Rotation rotation) {
    return Layer.of(Role.PRIMARY, rotation, List.of("ann"), START);
  }

  static List<String> problems(String id, String name, String zone, List<Layer> layers) {
    InvalidScheduleException e = catchThrowableOfType(InvalidScheduleException.class,
        () -> Schedule.of(id, name, zone, layers));
    assertThat(e).as("schedule was accepted").isNotNull();
    return e.problems();
  }

  static List<String> problems(Layer... layers) {
    return problems("s", "S", "UTC", Arrays.asList(layers));
  }

  @Test
  void reportsEveryProblemOfTheScheduleAtOnce() {
    List<String> problems = problems(" ", null, "Mars/Olympus_Mons", List.of(
        new Layer(null, null, List.of(), null, null, List.of()),
        new Layer(Role.PRIMARY, Rotation.daily(0), Arrays.asList("ann", " ", null), START, null,
            List.of(new Restriction(Set.of(MONDAY), LocalTime.of(9, 0), LocalTime.of(9, 0))))));

    assertThat(problems).containsExactly(
        "id: must not be blank",
        "name: must not be blank",
        "zone: unknown time zone \"Mars/Olympus_Mons\"",
        "layers[0].role: is required (primary, secondary or shadow)",
        "layers[0].start: is required (the first handoff, local to the schedule's zone)",
        "layers[0].rotation: is required (hourly, daily, weekly or custom)",
        "layers[0].members: at least one member is required",
        "layers[1].rotation: turn length must be at least 1, got 0",
        "layers[1].members[1]: must not be blank",
        "layers[1].members[2]: must not be blank",
        "layers[1].restrictions[0]: end must differ from start (09:00); cover a whole day with"
            + " two windows");
  }

  @Test
  void exceptionMessageNamesTheScheduleAndListsTheProblems() {
    assertThatThrownBy(() -> Schedule.of("db", "Database", "UTC", List.of()))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessage("invalid schedule \"db\": layers: at least one layer is required");
  }

  @Test
  void blankZoneAndNullLayerAreReported() {
    assertThat(problems("s", "S", "", Arrays.asList((Layer) null))).containsExactly(
        "zone: must not be blank",
        "layers[0]: must not be null");
  }

  @Test
  void turnLengthBelowOneIsRejectedForEveryFixedRotation() {
    assertThat(problems(layer(Rotation.hourly(0)), layer(Rotation.weekly(-1)))).containsExactly(
        "layers[0].rotation: turn length must be at least 1, got 0",
        "layers[1].rotation: turn length must be at least 1, got -1");
  }

  @Test
  void malformedRruleIsRejectedWithTheParsersReason() {
    assertThat(problems(layer(Rotation.custom("FREQ=FORTNIGHTLY")))).containsExactly(
        "layers[0].rotation: invalid RRULE \"FREQ=FORTNIGHTLY\": Unknown FREQ value FORTNIGHTLY");
  }

  @Test
  void blankRruleIsRejected() {
    assertThat(problems(layer(Rotation.custom(" ")))).containsExactly(
        "layers[0].rotation: RRULE must not be blank");
  }

  @Test
  void boundedRruleIsRejected() {
    assertThat(problems(layer(Rotation.custom("FREQ=DAILY;COUNT=3")))).containsExactly(
        "layers[0].rotation: RRULE \"FREQ=DAILY;COUNT=3\" must not have COUNT or UNTIL: a"
            + " rotation runs until its layer is removed");
  }

  @Test
  void subHourlyRruleIsRejected() {
    assertThat(problems(layer(Rotation.custom("FREQ=MINUTELY;INTERVAL=30")))).containsExactly(
        "layers[0].rotation: RRULE \"FREQ=MINUTELY;INTERVAL=30\" has FREQ=MINUTELY; the most"
            + " frequent custom rotation is FREQ=HOURLY");
  }

  @Test
  void rruleThatNeverOccursIsRejected() {
    assertThat(problems(layer(Rotation.custom("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"))))
        .containsExactly("layers[0].rotation: RRULE \"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\" has no"
            + " occurrence after the layer start 2026-01-05T09:00");
  }

  @Test
  void restrictionWithoutDaysOrTimesIsRejected() {
    assertThat(problems(layer(Rotation.daily(1)).withRestrictions(Arrays.asList(
        new Restriction(Set.of(), null, null), null)))).containsExactly(
            "layers[0].restrictions[0].days: at least one weekday is required",
            "layers[0].restrictions[0].start: is required",
            "layers[0].restrictions[0].end: is required",
            "layers[0].restrictions[1]: must not be null");
  }

  @Test
  void overrideAndShiftMustEndAfterTheyStart() {
    Instant t = Instant.parse("2026-01-05T09:00:00Z");

    assertThatThrownBy(() -> new ScheduleOverride(Role.PRIMARY, "ann", t, t))
        .hasMessage("override end 2026-01-05T09:00:00Z must be after its start"
            + " 2026-01-05T09:00:00Z");
    assertThatThrownBy(() -> new ScheduleOverride(Role.PRIMARY, " ", t, t.plusSeconds(1)))
        .hasMessage("override user must not be blank");
    assertThatThrownBy(() -> new Shift(Role.PRIMARY, "ann", t, t))
        .hasMessage("shift end 2026-01-05T09:00:00Z must be after its start 2026-01-05T09:00:00Z");
  }

  @Test
  void rangeEndingBeforeItStartsOrOutsideYearsOneTo9999IsRejected() {
    Schedule s = Schedule.of("s", "S", "UTC", List.of(layer(Rotation.daily(1))));
    Instant t = Instant.parse("2026-01-05T09:00:00Z");

    assertThatThrownBy(() -> s.finalSchedule().shifts(Role.PRIMARY, t, t.minusSeconds(1)))
        .hasMessage("range end 2026-01-05T08:59:59Z is before its start 2026-01-05T09:00:00Z");
    assertThatThrownBy(() -> s.finalSchedule().shifts(Role.PRIMARY, Instant.MIN, t))
        .hasMessage("range [-1000000000-01-01T00:00:00Z, 2026-01-05T09:00:00Z) must lie within"
            + " the years 0001 to 9999");
  }
}
