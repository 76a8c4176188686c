package dev.watchkeeper.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The recovery rule's night, judged on the paged user's own clock. */
class NightWindowTest {
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final ZoneId KATHMANDU = ZoneId.of("Asia/Kathmandu");

  @Test
  void defaultNightRunsFromTenInTheEveningToSevenInTheMorning() {
    NightWindow night = NightWindow.DEFAULT;

    assertThat(night.isNight(Instant.parse("2026-01-05T21:59:59Z"), LONDON)).isFalse();
    assertThat(night.isNight(Instant.parse("2026-01-05T22:00:00Z"), LONDON)).isTrue();
    assertThat(night.isNight(Instant.parse("2026-01-06T03:00:00Z"), LONDON)).isTrue();
    assertThat(night.isNight(Instant.parse("2026-01-06T06:59:59Z"), LONDON)).isTrue();
    assertThat(night.isNight(Instant.parse("2026-01-06T07:00:00Z"), LONDON)).isFalse();
  }

  @Test
  void nightIsJudgedInTheUsersZoneNotUtc() {
    // 18:00 UTC is 23:45 in Kathmandu (+05:45) but 18:00 in London in January.
    Instant t = Instant.parse("2026-01-05T18:00:00Z");

    assertThat(NightWindow.DEFAULT.isNight(t, KATHMANDU)).isTrue();
    assertThat(NightWindow.DEFAULT.isNight(t, LONDON)).isFalse();
  }

  @Test
  void nightFollowsSummerTime() {
    // 21:30 UTC in July is 22:30 BST in London.
    assertThat(NightWindow.DEFAULT.isNight(Instant.parse("2026-07-01T21:30:00Z"), LONDON))
        .isTrue();
  }

  @Test
  void windowThatDoesNotCrossMidnightIsAPlainRange() {
    NightWindow siesta = new NightWindow(LocalTime.of(13, 0), LocalTime.of(15, 0),
        Duration.ofHours(2));

    assertThat(siesta.isNight(Instant.parse("2026-01-05T14:00:00Z"), ZoneId.of("UTC"))).isTrue();
    assertThat(siesta.isNight(Instant.parse("2026-01-05T23:00:00Z"), ZoneId.of("UTC"))).isFalse();
  }

  @Test
  void nightPageEarnsAReliefOfTwentyFourHoursByDefault() {
    Instant paged = Instant.parse("2026-01-06T02:13:00Z");

    assertThat(NightWindow.DEFAULT.reliefEnd(paged)).isEqualTo(Instant.parse(
        "2026-01-07T02:13:00Z"));
    assertThat(NightWindow.DEFAULT.reliefAfterPage("ann", paged, LONDON))
        .contains(new Relief("ann", paged, Instant.parse("2026-01-07T02:13:00Z")));
  }

  @Test
  void dayPageEarnsNoRelief() {
    assertThat(NightWindow.DEFAULT.reliefAfterPage("ann", Instant.parse("2026-01-06T12:00:00Z"),
        LONDON)).isEmpty();
  }

  @Test
  void emptyWindowOrNonPositiveReliefIsRejected() {
    assertThatThrownBy(() -> new NightWindow(LocalTime.NOON, LocalTime.NOON, Duration.ofHours(1)))
        .hasMessage("night window end must differ from its start (12:00)");
    assertThatThrownBy(() -> new NightWindow(LocalTime.of(22, 0), LocalTime.of(7, 0),
        Duration.ZERO)).hasMessage("relief length must be positive, got PT0S");
  }
}
