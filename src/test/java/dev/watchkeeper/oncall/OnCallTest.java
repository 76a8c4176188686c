package dev.watchkeeper.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** "Who is on call at T" across roles. */
class OnCallTest {
  static final LocalDateTime MONDAY_9 = LocalDateTime.parse("2026-01-05T09:00");

  static final Schedule TEAM = Schedule.of("db", "Database", "Europe/London", List.of(
      Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann", "ben"), MONDAY_9),
      Layer.of(Role.SECONDARY, Rotation.weekly(1), List.of("ben", "ann"), MONDAY_9),
      Layer.of(Role.SHADOW, Rotation.daily(1), List.of("trainee"), MONDAY_9)
          .withRestrictions(List.of(Restriction.daily(LocalTime.of(9, 0),
              LocalTime.of(17, 0))))));

  @Test
  void primarySecondaryAndShadowAtOneInstant() {
    OnCall who = TEAM.finalSchedule().onCall(Instant.parse("2026-01-06T10:00:00Z"));

    assertThat(who).isEqualTo(new OnCall(Instant.parse("2026-01-06T10:00:00Z"),
        Optional.of("ann"), Optional.of("ben"), List.of("trainee")));
    assertThat(who.forRole(Role.SHADOW)).contains("trainee");
  }

  @Test
  void shadowOutsideItsWindowIsAbsentWhileTheOthersRemain() {
    OnCall who = TEAM.finalSchedule().onCall(Instant.parse("2026-01-06T20:00:00Z"));

    assertThat(who.primary()).contains("ann");
    assertThat(who.secondary()).contains("ben");
    assertThat(who.shadows()).isEmpty();
  }

  @Test
  void atAHandoffInstantTheIncomingMemberIsOnCall() {
    FinalSchedule f = TEAM.finalSchedule();

    assertThat(f.onCall(Instant.parse("2026-01-12T08:59:59.999Z")).primary()).contains("ann");
    assertThat(f.onCall(Instant.parse("2026-01-12T09:00:00Z")).primary()).contains("ben");
  }

  @Test
  void roleWithoutAnyLayerIsNobody() {
    Schedule onlyPrimary = Schedule.of("s", "S", "UTC", List.of(
        Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("ann"), MONDAY_9)));

    OnCall who = onlyPrimary.finalSchedule().onCall(Instant.parse("2026-01-06T10:00:00Z"));

    assertThat(who.secondary()).isEmpty();
    assertThat(who.shadows()).isEmpty();
  }

  @Test
  void allRolesOverARangeComeTogether() {
    var all = TEAM.finalSchedule().shifts(Instant.parse("2026-01-05T09:00:00Z"),
        Instant.parse("2026-01-06T09:00:00Z"));

    assertThat(all).containsOnlyKeys(Role.PRIMARY, Role.SECONDARY, Role.SHADOW);
    assertThat(all.get(Role.SHADOW)).containsExactly(new Shift(Role.SHADOW, "trainee",
        Instant.parse("2026-01-05T09:00:00Z"), Instant.parse("2026-01-05T17:00:00Z")));
  }
}
