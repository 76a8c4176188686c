package dev.watchkeeper.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  static final Instant T0 = Instant.parse("2026-03-20T09:00:00Z");

  static Check fresh(Schedule schedule, Duration grace) {
    CheckSpec spec = new CheckSpec("svc", "job", "job", CheckSpec.Kind.HEARTBEAT, schedule, grace,
        null, null, null, null);
    return new Check("id", Check.Origin.API, spec, "b", CheckStatus.NEW, null, null, null, null,
        0, T0, T0);
  }

  static Ping ping(PingKind kind, Instant at) {
    return new Ping("id", at, kind, null, "http", "GET", null, null, null, null, false, null);
  }

  static CheckStatus at(Check c, Instant t) {
    return Heartbeat.advance(c, t).check().status();
  }

  @Test
  void aPeriodCheckIsLateAfterThePeriodAndDownAfterTheGrace() {
    Check c = Heartbeat.ping(fresh(new Schedule.Every(Duration.ofMinutes(10)),
        Duration.ofMinutes(5)), ping(PingKind.SUCCESS, T0)).check();

    assertThat(c.status()).isEqualTo(CheckStatus.UP);
    assertThat(c.dueAt()).isEqualTo(T0.plusSeconds(600));
    assertThat(at(c, T0.plusSeconds(599))).isEqualTo(CheckStatus.UP);
    assertThat(at(c, T0.plusSeconds(600))).isEqualTo(CheckStatus.LATE);
    assertThat(Heartbeat.advance(c, T0.plusSeconds(600)).check().dueAt())
        .isEqualTo(T0.plusSeconds(900));
    assertThat(at(c, T0.plusSeconds(900))).isEqualTo(CheckStatus.DOWN);
    assertThat(Heartbeat.advance(c, T0.plusSeconds(900)).check().dueAt()).isNull();
  }

  @Test
  void aNewCheckWaitsForItsFirstPingButAStartedOneMustFinishWithinTheGrace() {
    Check c = fresh(new Schedule.Every(Duration.ofMinutes(10)), Duration.ofMinutes(5));
    assertThat(at(c, T0.plus(Duration.ofDays(30)))).isEqualTo(CheckStatus.NEW);

    Check started = Heartbeat.ping(c, ping(PingKind.START, T0)).check();

    assertThat(started.dueAt()).isEqualTo(T0.plusSeconds(300));
    assertThat(at(started, T0.plusSeconds(300))).isEqualTo(CheckStatus.DOWN);
  }

  @Test
  void aFailureIsDownAtOnceAndASuccessBringsItBack() {
    Check c = fresh(new Schedule.Every(Duration.ofMinutes(10)), Duration.ofMinutes(5));
    Heartbeat.Result failed = Heartbeat.ping(c, ping(PingKind.FAIL, T0));
    assertThat(failed.check().status()).isEqualTo(CheckStatus.DOWN);
    assertThat(failed.flipped()).isTrue();

    Heartbeat.Result back = Heartbeat.ping(failed.check(), ping(PingKind.SUCCESS, T0));
    assertThat(back.check().status()).isEqualTo(CheckStatus.UP);
    assertThat(Heartbeat.ping(back.check(), ping(PingKind.LOG, T0)).flipped()).isFalse();
  }

  @Test
  void aPausedCheckHasNoDeadlineAndResumesOnAPing() {
    Check up = Heartbeat.ping(fresh(new Schedule.Every(Duration.ofMinutes(1)), Duration.ZERO),
        ping(PingKind.SUCCESS, T0)).check();
    Check paused = Heartbeat.pause(up, T0).check();

    assertThat(paused.dueAt()).isNull();
    assertThat(at(paused, T0.plus(Duration.ofDays(1)))).isEqualTo(CheckStatus.PAUSED);
    assertThat(Heartbeat.ping(paused, ping(PingKind.SUCCESS, T0.plusSeconds(5))).check().status())
        .isEqualTo(CheckStatus.UP);
  }

  @Test
  void aDailyCronCheckFollowsLocalTimeAcrossTheSpringDstChange() {
    // Europe/London moves to BST on 2026-03-29: 09:00 local is 09:00Z before, 08:00Z after.
    Schedule nine = Schedule.cron("0 9 * * *", ZoneId.of("Europe/London"));
    Instant saturday = Instant.parse("2026-03-28T09:00:00Z");
    Check c = Heartbeat.ping(fresh(nine, Duration.ofMinutes(30)),
        ping(PingKind.SUCCESS, saturday)).check();

    assertThat(c.dueAt()).isEqualTo(Instant.parse("2026-03-29T08:00:00Z")); // 23 h later
    assertThat(at(c, Instant.parse("2026-03-29T07:59:59Z"))).isEqualTo(CheckStatus.UP);
    assertThat(at(c, Instant.parse("2026-03-29T08:00:00Z"))).isEqualTo(CheckStatus.LATE);
    assertThat(at(c, Instant.parse("2026-03-29T08:30:00Z"))).isEqualTo(CheckStatus.DOWN);
  }

  @Test
  void aDailyCronCheckFollowsLocalTimeAcrossTheAutumnDstChange() {
    // Back to GMT on 2026-10-25: 09:00 local is 08:00Z before, 09:00Z after (25 h later).
    Schedule nine = Schedule.cron("0 9 * * *", ZoneId.of("Europe/London"));
    Check c = Heartbeat.ping(fresh(nine, Duration.ofMinutes(30)),
        ping(PingKind.SUCCESS, Instant.parse("2026-10-24T08:00:00Z"))).check();

    assertThat(c.dueAt()).isEqualTo(Instant.parse("2026-10-25T09:00:00Z"));
    assertThat(at(c, Instant.parse("2026-10-25T08:59:00Z"))).isEqualTo(CheckStatus.UP);
  }

  @Test
  void aBadCronExpressionSaysWhatIsWrong() {
    assertThatThrownBy(() -> Schedule.cron("0 25 * * *", ZoneId.of("UTC")))
        .hasMessageStartingWith("not a valid cron expression (5 fields");
  }

  @Test
  void keywordsClassifyABody() {
    CheckSpec s = new CheckSpec("svc", "j", "j", null, new Schedule.Every(Duration.ofMinutes(1)),
        Duration.ZERO, null, java.util.List.of("done"), java.util.List.of("ERROR"), null);
    assertThat(s.classify("all done")).isEqualTo(PingKind.SUCCESS);
    assertThat(s.classify("done with ERROR")).isEqualTo(PingKind.FAIL);
    assertThat(s.classify("meh")).isEqualTo(PingKind.IGNORED);
  }
}
