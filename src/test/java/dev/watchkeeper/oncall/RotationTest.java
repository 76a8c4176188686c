package dev.watchkeeper.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Handoffs of each rotation kind, across DST changes; expected instants are written in UTC. */
class RotationTest {

  static Schedule single(String zone, Layer layer) {
    return Schedule.of("s", "S", zone, List.of(layer));
  }

  static List<Shift> primary(Schedule s, String from, String to) {
    return s.finalSchedule().shifts(Role.PRIMARY, Instant.parse(from), Instant.parse(to));
  }

  static Shift shift(String user, String start, String end) {
    return new Shift(Role.PRIMARY, user, Instant.parse(start), Instant.parse(end));
  }

  @Test
  void weeklyRotationOfThreeHandsOffAtNineLondonTimeAcrossBothDstChanges() {
    // BST starts Sun 2026-03-29 01:00 UTC and ends Sun 2026-10-25 01:00 UTC.
    Schedule s = single("Europe/London", Layer.of(Role.PRIMARY, Rotation.weekly(1),
        List.of("alice", "bob", "carol"), LocalDateTime.parse("2026-03-16T09:00")));

    List<Shift> spring = primary(s, "2026-03-16T00:00:00Z", "2026-04-06T12:00:00Z");
    assertThat(spring).containsExactly(
        shift("alice", "2026-03-16T09:00:00Z", "2026-03-23T09:00:00Z"),
        shift("bob", "2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z"),
        shift("carol", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z"),
        shift("alice", "2026-04-06T08:00:00Z", "2026-04-06T12:00:00Z"));
    assertThat(spring.get(1).duration()).isEqualTo(Duration.ofHours(167));

    // 2026-10-19 is 31 weeks after the start: turn 31 is bob's (31 mod 3 = 1).
    List<Shift> autumn = primary(s, "2026-10-19T00:00:00Z", "2026-11-02T12:00:00Z");
    assertThat(autumn).containsExactly(
        shift("alice", "2026-10-19T00:00:00Z", "2026-10-19T08:00:00Z"),
        shift("bob", "2026-10-19T08:00:00Z", "2026-10-26T09:00:00Z"),
        shift("carol", "2026-10-26T09:00:00Z", "2026-11-02T09:00:00Z"),
        shift("alice", "2026-11-02T09:00:00Z", "2026-11-02T12:00:00Z"));
    assertThat(autumn.get(1).duration()).isEqualTo(Duration.ofHours(169));
  }

  @Test
  void dailyRotationInChicagoKeepsNineLocalSoDstDaysLast23And25Hours() {
    // CDT starts Sun 2026-03-08 02:00 local (08:00 UTC); CST returns Sun 2026-11-01 02:00 local.
    Schedule s = single("America/Chicago", Layer.of(Role.PRIMARY, Rotation.daily(1),
        List.of("ann", "ben"), LocalDateTime.parse("2026-03-07T09:00")));

    assertThat(primary(s, "2026-03-07T15:00:00Z", "2026-03-09T14:00:00Z")).containsExactly(
        shift("ann", "2026-03-07T15:00:00Z", "2026-03-08T14:00:00Z"),
        shift("ben", "2026-03-08T14:00:00Z", "2026-03-09T14:00:00Z"));
    // 2026-10-31 is 238 days after the start: an even turn, ann's.
    assertThat(primary(s, "2026-10-31T14:00:00Z", "2026-11-02T15:00:00Z")).containsExactly(
        shift("ann", "2026-10-31T14:00:00Z", "2026-11-01T15:00:00Z"),
        shift("ben", "2026-11-01T15:00:00Z", "2026-11-02T15:00:00Z"));
  }

  @Test
  void handoffTimeInsideTheSpringGapHandsOffAtTheFirstInstantAfterTheGap() {
    // 02:30 does not exist in Chicago on 2026-03-08; the gap ends at 03:00 CDT = 08:00 UTC.
    Schedule s = single("America/Chicago", Layer.of(Role.PRIMARY, Rotation.daily(1),
        List.of("ann", "ben"), LocalDateTime.parse("2026-03-07T02:30")));

    assertThat(primary(s, "2026-03-07T08:30:00Z", "2026-03-09T07:30:00Z")).containsExactly(
        shift("ann", "2026-03-07T08:30:00Z", "2026-03-08T08:00:00Z"),
        shift("ben", "2026-03-08T08:00:00Z", "2026-03-09T07:30:00Z"));
  }

  @Test
  void ambiguousHandoffTimeUsesTheEarlierOffset() {
    // 01:30 happens twice in Chicago on 2026-11-01: first at CDT (06:30 UTC), then at CST.
    Schedule s = single("America/Chicago", Layer.of(Role.PRIMARY, Rotation.daily(1),
        List.of("ann", "ben"), LocalDateTime.parse("2026-10-31T01:30")));

    assertThat(primary(s, "2026-10-31T06:30:00Z", "2026-11-02T07:30:00Z")).containsExactly(
        shift("ann", "2026-10-31T06:30:00Z", "2026-11-01T06:30:00Z"),
        shift("ben", "2026-11-01T06:30:00Z", "2026-11-02T07:30:00Z"));
  }

  @Test
  void handoffTimeDiffersFromStartSoOnlyTheFirstTurnIsIrregular() {
    Schedule s = single("UTC", Layer.of(Role.PRIMARY, Rotation.daily(2), List.of("ann", "ben"),
        LocalDateTime.parse("2026-01-01T15:00")).withHandoffTime(LocalTime.of(9, 0)));

    assertThat(primary(s, "2026-01-01T00:00:00Z", "2026-01-07T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-01T15:00:00Z", "2026-01-03T09:00:00Z"),
        shift("ben", "2026-01-03T09:00:00Z", "2026-01-05T09:00:00Z"),
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z"));
  }

  @Test
  void startBeforeTheHandoffTimeMakesAShortFirstTurnEndingThatDay() {
    Schedule s = single("UTC", Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann", "ben"),
        LocalDateTime.parse("2026-01-05T07:00")).withHandoffTime(LocalTime.of(9, 0)));

    assertThat(primary(s, "2026-01-01T00:00:00Z", "2026-01-19T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T07:00:00Z", "2026-01-05T09:00:00Z"),
        shift("ben", "2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"),
        shift("ann", "2026-01-12T09:00:00Z", "2026-01-19T09:00:00Z"));
  }

  @Test
  void hourlyRruleRunsOnTheLocalClockSoTheHourInTheGapIsAnEmptyTurn() {
    // Local 02:00 does not exist on 2026-03-08 in Chicago: that handoff moves to 03:00 CDT and
    // coincides with the 03:00 one, so turn 2 (cat's) is empty and turn 3 is ann's.
    Schedule s = single("America/Chicago", Layer.of(Role.PRIMARY,
        Rotation.custom("FREQ=HOURLY"), List.of("ann", "ben", "cat"),
        LocalDateTime.parse("2026-03-08T00:00")));

    assertThat(primary(s, "2026-03-08T06:00:00Z", "2026-03-08T10:00:00Z")).containsExactly(
        shift("ann", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"),
        shift("ben", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"),
        shift("ann", "2026-03-08T08:00:00Z", "2026-03-08T09:00:00Z"),
        shift("ben", "2026-03-08T09:00:00Z", "2026-03-08T10:00:00Z"));
  }

  @Test
  void hourlyRotationCountsElapsedHoursAcrossTheSpringChange() {
    // 22:00 CST on 2026-03-07 = 04:00 UTC on 03-08; 8 elapsed hours later it is 07:00 CDT.
    Schedule s = single("America/Chicago", Layer.of(Role.PRIMARY, Rotation.hourly(8),
        List.of("ann", "ben", "cat"), LocalDateTime.parse("2026-03-07T22:00")));

    assertThat(primary(s, "2026-03-08T00:00:00Z", "2026-03-09T04:00:00Z")).containsExactly(
        shift("ann", "2026-03-08T04:00:00Z", "2026-03-08T12:00:00Z"),
        shift("ben", "2026-03-08T12:00:00Z", "2026-03-08T20:00:00Z"),
        shift("cat", "2026-03-08T20:00:00Z", "2026-03-09T04:00:00Z"));
  }

  @Test
  void customRruleHandsOffOnEveryMondayAndThursday() {
    Schedule s = single("Europe/London", Layer.of(Role.PRIMARY,
        Rotation.custom("FREQ=WEEKLY;BYDAY=MO,TH"), List.of("ann", "ben", "cat"),
        LocalDateTime.parse("2026-01-05T09:00")));

    assertThat(primary(s, "2026-01-05T00:00:00Z", "2026-01-19T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-05T09:00:00Z", "2026-01-08T09:00:00Z"),
        shift("ben", "2026-01-08T09:00:00Z", "2026-01-12T09:00:00Z"),
        shift("cat", "2026-01-12T09:00:00Z", "2026-01-15T09:00:00Z"),
        shift("ann", "2026-01-15T09:00:00Z", "2026-01-19T09:00:00Z"));
  }

  @Test
  void customRruleFarFromItsStartCountsTurnsFromTheStart() {
    // Mondays and Thursdays from Mon 2026-01-05: 2027-01-04, the Monday 52 weeks on, is the
    // 104th handoff after the start, so it begins turn 104: cat's (104 mod 3 = 2).
    Schedule s = single("Europe/London", Layer.of(Role.PRIMARY,
        Rotation.custom("FREQ=WEEKLY;BYDAY=MO,TH"), List.of("ann", "ben", "cat"),
        LocalDateTime.parse("2026-01-05T09:00")));

    assertThat(primary(s, "2027-01-04T09:00:00Z", "2027-01-04T10:00:00Z"))
        .containsExactly(shift("cat", "2027-01-04T09:00:00Z", "2027-01-04T10:00:00Z"));
  }

  @Test
  void customRruleUsesTheHandoffTimeAndSkipsAStartThatIsNotAnOccurrence() {
    // Start on a Wednesday afternoon: the first turn runs to Thursday at the 09:00 handoff time.
    Schedule s = single("UTC", Layer.of(Role.PRIMARY, Rotation.custom("FREQ=WEEKLY;BYDAY=MO,TH"),
        List.of("ann", "ben"), LocalDateTime.parse("2026-01-07T14:00"))
        .withHandoffTime(LocalTime.of(9, 0)));

    assertThat(primary(s, "2026-01-01T00:00:00Z", "2026-01-12T09:00:00Z")).containsExactly(
        shift("ann", "2026-01-07T14:00:00Z", "2026-01-08T09:00:00Z"),
        shift("ben", "2026-01-08T09:00:00Z", "2026-01-12T09:00:00Z"));
  }

  @Test
  void layerHasNobodyBeforeItsStart() {
    Schedule s = single("UTC", Layer.of(Role.PRIMARY, Rotation.daily(1), List.of("ann"),
        LocalDateTime.parse("2026-01-10T09:00")));

    assertThat(primary(s, "2026-01-01T00:00:00Z", "2026-01-10T09:00:00Z")).isEmpty();
    assertThat(s.finalSchedule().onCall(Instant.parse("2026-01-10T08:59:59Z")).primary())
        .isEmpty();
  }

  @Test
  void singleMemberShiftsAreMergedIntoOne() {
    Schedule s = single("UTC", Layer.of(Role.PRIMARY, Rotation.hourly(1), List.of("ann"),
        LocalDateTime.parse("2026-01-01T00:00")));

    assertThat(primary(s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"))
        .containsExactly(shift("ann", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
  }

  @Test
  void dayMissingInApiaGivesItsMemberAnEmptyTurnAndTheOrderContinues() {
    // Samoa skipped 2011-12-30: 12-29 23:59:59 at -10:00 was followed by 12-31 00:00 at +14:00.
    // The 00:00 handoff of 12-30 falls in the gap and coincides with the one of 12-31.
    Schedule s = single("Pacific/Apia", Layer.of(Role.PRIMARY, Rotation.daily(1),
        List.of("ann", "ben", "cat"), LocalDateTime.parse("2011-12-28T00:00")));

    assertThat(primary(s, "2011-12-28T10:00:00Z", "2012-01-01T10:00:00Z")).containsExactly(
        shift("ann", "2011-12-28T10:00:00Z", "2011-12-29T10:00:00Z"),
        shift("ben", "2011-12-29T10:00:00Z", "2011-12-30T10:00:00Z"),
        // cat's turn (12-30) is empty; 12-31 is turn 3, ann's again.
        shift("ann", "2011-12-30T10:00:00Z", "2011-12-31T10:00:00Z"),
        shift("ben", "2011-12-31T10:00:00Z", "2012-01-01T10:00:00Z"));
  }
}
