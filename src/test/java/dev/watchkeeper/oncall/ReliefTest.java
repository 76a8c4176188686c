package dev.watchkeeper.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recovery rule: relieved users are skipped in rotation order. */
class ReliefTest {
  static final LocalDateTime MONDAY_9 = LocalDateTime.parse("2026-01-05T09:00");

  // ann, ben, cat take weekly turns from Monday 2026-01-05 09:00 UTC; ann has the first week.
  static final Schedule WEEKLY = Schedule.of("s", "S", "UTC", List.of(
      Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann", "ben", "cat"), MONDAY_9)));

  static Shift shift(String user, String start, String end) {
    return new Shift(Role.PRIMARY, user, Instant.parse(start), Instant.parse(end));
  }

  static Relief relief(String user, String from, String until) {
    return new Relief(user, Instant.parse(from), Instant.parse(until));
  }

  static List<Shift> primary(FinalSchedule s, String from, String to) {
    return s.shifts(Role.PRIMARY, Instant.parse(from), Instant.parse(to));
  }

  @Test
  void relievedMemberIsCoveredByTheNextMemberUntilTheReliefEnds() {
    FinalSchedule s = WEEKLY.finalSchedule(List.of(),
        List.of(relief("ann", "2026-01-06T02:00:00Z", "2026-01-07T02:00:00Z")));

    assertThat(primary(s, "2026-01-05T09:00:00Z", "2026-01-08T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-06T02:00:00Z"),
        shift("ben", "2026-01-06T02:00:00Z", "2026-01-07T02:00:00Z"),
        shift("ann", "2026-01-07T02:00:00Z", "2026-01-08T09:00:00Z"));
  }

  @Test
  void relievedNextMemberIsSkippedTooAndTheOrderWraps() {
    // cat's week (turn 2): cat and ann relieved, so ben (wrapping cat → ann → ben) covers.
    FinalSchedule s = WEEKLY.finalSchedule(List.of(), List.of(
        relief("cat", "2026-01-19T09:00:00Z", "2026-01-20T09:00:00Z"),
        relief("ann", "2026-01-19T09:00:00Z", "2026-01-20T09:00:00Z")));

    assertThat(primary(s, "2026-01-19T09:00:00Z", "2026-01-21T09:00:00Z")).containsExactly(
        shift("ben", "2026-01-19T09:00:00Z", "2026-01-20T09:00:00Z"),
        shift("cat", "2026-01-20T09:00:00Z", "2026-01-21T09:00:00Z"));
  }

  @Test
  void reliefGivenOnlyAnEndAppliesUntilThen() {
    FinalSchedule s = WEEKLY.finalSchedule(List.of(),
        List.of(new Relief("ann", Instant.parse("2026-01-06T09:00:00Z"))));

    assertThat(primary(s, "2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z")).containsExactly(
        shift("ben", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"),
        shift("ann", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z"));
  }

  @Test
  void whenEveryMemberIsRelievedTheLayerHasNobodyAndAnEarlierLayerShowsThrough() {
    Schedule s = Schedule.of("s", "S", "UTC", List.of(
        Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("backup"), MONDAY_9),
        Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann", "ben"), MONDAY_9)));
    FinalSchedule f = s.finalSchedule(List.of(), List.of(
        relief("ann", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"),
        relief("ben", "2026-01-06T00:00:00Z", "2026-01-06T12:00:00Z")));

    assertThat(primary(f, "2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-06T00:00:00Z"),
        shift("backup", "2026-01-06T00:00:00Z", "2026-01-06T12:00:00Z"),
        shift("ben", "2026-01-06T12:00:00Z", "2026-01-07T00:00:00Z"),
        shift("ann", "2026-01-07T00:00:00Z", "2026-01-07T09:00:00Z"));
  }

  @Test
  void whenEveryMemberOfTheOnlyLayerIsRelievedNobodyIsOnCall() {
    FinalSchedule s = WEEKLY.finalSchedule(List.of(), List.of(
        relief("ann", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"),
        relief("ben", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"),
        relief("cat", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z")));

    assertThat(s.onCall(Instant.parse("2026-01-06T12:00:00Z")).primary()).isEmpty();
    assertThat(s.onCall(Instant.parse("2026-01-07T00:00:00Z")).primary()).contains("ann");
  }

  @Test
  void relievedOverrideUserFallsBackToTheRotation() {
    FinalSchedule s = WEEKLY.finalSchedule(
        List.of(new ScheduleOverride(Role.PRIMARY, "zoe", Instant.parse("2026-01-06T00:00:00Z"),
            Instant.parse("2026-01-08T00:00:00Z"))),
        List.of(relief("zoe", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z")));

    assertThat(primary(s, "2026-01-05T09:00:00Z", "2026-01-09T00:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-06T00:00:00Z"),
        shift("zoe", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"),
        shift("ann", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z"));
  }
}
