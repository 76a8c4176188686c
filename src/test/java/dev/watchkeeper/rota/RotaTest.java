package dev.watchkeeper.rota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.oncall.Layer;
import dev.watchkeeper.oncall.NightWindow;
import dev.watchkeeper.oncall.Relief;
import dev.watchkeeper.oncall.Role;
import dev.watchkeeper.oncall.Rotation;
import dev.watchkeeper.oncall.Schedule;
import dev.watchkeeper.oncall.Shift;
import dev.watchkeeper.rota.Rota.AddResult;
import dev.watchkeeper.rota.Rota.OverrideRequest;
import dev.watchkeeper.rota.Rota.RemoveResult;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAuditLog;
import dev.watchkeeper.store.JdbcIncidentStore;
import dev.watchkeeper.store.JdbcOverrideStore;
import dev.watchkeeper.store.JdbcPageLog;
import dev.watchkeeper.web.Json;
import java.nio.file.Path;
import dev.watchkeeper.testing.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rota over a real SQLite database with a settable clock: overrides and covers, the
 * recovery rule derived from recorded pages, and the checks on override requests.
 *
 * <p>Schedule {@code db} (Europe/London, UTC in November): primary rotates daily at 09:00 through
 * ann, ben, cat from Monday 2 November 2026, so Monday 23 November is ann's; secondary weekly
 * through dan, eve, so that week is eve's. fay is in no layer.
 */
class RotaTest {
  static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  static final String ACTOR = "token:alice";
  static final Schedule DB = Schedule.of("db", "Database", "Europe/London", List.of(
      Layer.of(Role.PRIMARY, Rotation.daily(1), List.of("ann", "ben", "cat"),
          LocalDateTime.parse("2026-11-02T09:00")),
      Layer.of(Role.SECONDARY, Rotation.weekly(1), List.of("dan", "eve"),
          LocalDateTime.parse("2026-11-02T09:00"))));

  @TempDir Path dir;
  Database db;
  Instant now = T0;
  Map<String, ZoneId> users = new HashMap<>();
  AtomicReference<Rota.Setup> setup = new AtomicReference<>();
  JdbcIncidentStore incidents;
  JdbcAuditLog audit;
  Rota rota;

  @BeforeEach
  void open() {
    db = Database.open(new Storage("", null, null, dir, 4, 1), null);
    db.migrate();
    for (String u : List.of("ann", "ben", "cat", "dan", "eve", "fay")) {
      users.put(u, ZoneId.of("Europe/London"));
    }
    users.put("dan", ZoneId.of("America/Chicago"));
    setup.set(new Rota.Setup(List.of(DB), users, true, NightWindow.DEFAULT));
    incidents = new JdbcIncidentStore(db, Json.create());
    audit = new JdbcAuditLog(db);
    Clock clock = SettableClock.following(() -> now);
    rota = new Rota(setup::get, new JdbcOverrideStore(db), new JdbcPageLog(db), audit, clock);
  }

  @AfterEach
  void close() {
    db.close();
  }

  static Instant t(String utc) {
    return Instant.parse(utc);
  }

  AddResult take(Role role, String user, Instant start, Instant end) {
    return rota.addOverride("db", new OverrideRequest(role, user, null, start, end), ACTOR);
  }

  AddResult cover(String absent, String user, Instant start, Instant end) {
    return rota.addOverride("db", new OverrideRequest(null, user, absent, start, end), ACTOR);
  }

  void page(String user, Instant at) {
    incidents.inTransaction(tx -> {
      long id = tx.insertIncident("payments", "db down", Severity.CRITICAL, "high", "k", at);
      tx.addPage(id, 1, user, at, "triggered");
      return null;
    });
  }

  @Test
  void resolvesWhoHoldsEachRoleNow() {
    assertThat(rota.resolve("db", Role.PRIMARY, T0)).containsExactly("ann");
    assertThat(rota.resolve("db", Role.SECONDARY, T0)).containsExactly("eve");
    assertThat(rota.resolve("db", Role.PRIMARY, t("2026-11-24T09:00:00Z")))
        .containsExactly("ben");
    assertThat(rota.resolve("nope", Role.PRIMARY, T0)).isEmpty();
    Rota.Status s = rota.onCall("db", T0).orElseThrow();
    assertThat(s.primary()).contains(new Rota.Duty("ann", t("2026-11-24T09:00:00Z")));
    assertThat(s.secondary()).contains(new Rota.Duty("eve", t("2026-11-30T09:00:00Z")));
    assertThat(s.shadows()).isEmpty();
  }

  @Test
  void aRoleOverrideReplacesTheRotationAndALaterOneWins() {
    assertThat(take(Role.PRIMARY, "fay", T0, T0.plus(Duration.ofHours(2))))
        .isInstanceOf(AddResult.Created.class);
    assertThat(take(Role.PRIMARY, "ben", T0.plus(Duration.ofHours(1)),
        T0.plus(Duration.ofHours(3)))).isInstanceOf(AddResult.Created.class);
    assertThat(rota.resolve("db", Role.PRIMARY, T0)).containsExactly("fay");
    assertThat(rota.resolve("db", Role.PRIMARY, T0.plus(Duration.ofMinutes(90))))
        .containsExactly("ben");
    assertThat(rota.resolve("db", Role.PRIMARY, T0.plus(Duration.ofHours(3))))
        .containsExactly("ann");
    assertThat(rota.shifts("db", T0, T0.plus(Duration.ofHours(4))).orElseThrow()
        .get(Role.PRIMARY)).extracting(Shift::userId).containsExactly("fay", "ben", "ann");
    assertThat(audit.forTarget("schedule_override", "1")).extracting(AuditLog.Entry::action,
        AuditLog.Entry::actor).containsExactly(
            org.assertj.core.groups.Tuple.tuple("schedule_override.create", ACTOR));
  }

  @Test
  void aCoverTakesTheAbsentUsersShiftsAndNothingElse() {
    AddResult r = cover("ann", "fay", t("2026-11-23T00:00:00Z"), t("2026-11-27T00:00:00Z"));
    // The start in the past became now; ann's shifts in the range are today's and Thursday's.
    assertThat(r).isEqualTo(new AddResult.Created(((AddResult.Created) r).override(), List.of(
        new Shift(Role.PRIMARY, "fay", T0, t("2026-11-24T09:00:00Z")),
        new Shift(Role.PRIMARY, "fay", t("2026-11-26T09:00:00Z"), t("2026-11-27T00:00:00Z")))));
    assertThat(((AddResult.Created) r).override().start()).isEqualTo(T0);
    assertThat(rota.shifts("db", T0, t("2026-11-27T09:00:00Z")).orElseThrow().get(Role.PRIMARY))
        .extracting(Shift::userId).containsExactly("fay", "ben", "cat", "fay", "ann");
  }

  @Test
  void aCoverNeedsTheAbsentUserOnCallInTheRange() {
    assertThat(cover("fay", "ben", T0, T0.plus(Duration.ofDays(3)))).isEqualTo(
        new AddResult.Unprocessable("fay is not on call in schedule db between"
            + " 2026-11-23T12:00:00Z and 2026-11-26T12:00:00Z; there is nothing to cover"));
  }

  @Test
  void aNightPageRelievesTheUserSoTheNextMemberIsOnCall() {
    Instant night = t("2026-11-23T23:30:00Z");
    now = night;
    assertThat(rota.reliefAfterPage("ann", night)).contains(t("2026-11-24T23:30:00Z"));
    page("ann", night);
    now = night.plus(Duration.ofMinutes(15));
    assertThat(rota.resolve("db", Role.PRIMARY, now)).containsExactly("ben");
    assertThat(rota.relieved(now)).containsExactly(new Relief("ann", night,
        t("2026-11-24T23:30:00Z")));
    Rota.Status s = rota.onCall("db", now).orElseThrow();
    assertThat(s.primary().orElseThrow().userId()).isEqualTo("ben");
    assertThat(s.relieved()).extracting(Relief::userId).containsExactly("ann");
    // Once the relief is over, the rotation is back (ann's turn again on Thursday).
    assertThat(rota.resolve("db", Role.PRIMARY, t("2026-11-26T10:00:00Z")))
        .containsExactly("ann");
  }

  @Test
  void aDayPageOrOneAtNightElsewhereRelievesNobody() {
    page("ann", t("2026-11-23T14:00:00Z"));
    // 23:30 UTC is 17:30 in Chicago: daytime for dan.
    page("dan", t("2026-11-23T23:30:00Z"));
    now = t("2026-11-23T23:45:00Z");
    assertThat(rota.relieved(now)).isEmpty();
    assertThat(rota.reliefAfterPage("dan", t("2026-11-23T23:30:00Z"))).isEmpty();
    // fay is in no layer and has no override: a night page relieves her of nothing.
    assertThat(rota.reliefAfterPage("fay", t("2026-11-23T23:30:00Z"))).isEmpty();
  }

  @Test
  void withEveryPrimaryRelievedAPrimaryTargetPagesTheSecondary() {
    for (String u : List.of("ann", "ben", "cat")) {
      page(u, t("2026-11-23T23:00:00Z"));
    }
    now = t("2026-11-23T23:10:00Z");
    assertThat(rota.resolve("db", Role.PRIMARY, now)).containsExactly("eve");
    assertThat(rota.onCall("db", now).orElseThrow().primary()).isEmpty();
  }

  @Test
  void turningTheRecoveryRuleOffEndsEveryReliefAtOnce() {
    page("ann", t("2026-11-23T23:00:00Z"));
    now = t("2026-11-23T23:10:00Z");
    assertThat(rota.resolve("db", Role.PRIMARY, now)).containsExactly("ben");
    setup.set(new Rota.Setup(List.of(DB), users, false, NightWindow.DEFAULT));
    assertThat(rota.resolve("db", Role.PRIMARY, now)).containsExactly("ann");
    assertThat(rota.reliefAfterPage("ann", now)).isEmpty();
  }

  @Test
  void removingAFutureOverrideDeletesItAndARunningOneEndsNow() {
    long future = ((AddResult.Created) take(Role.PRIMARY, "fay", T0.plus(Duration.ofDays(1)),
        T0.plus(Duration.ofDays(2)))).override().id();
    long running = ((AddResult.Created) take(Role.PRIMARY, "fay", T0,
        T0.plus(Duration.ofHours(5)))).override().id();
    now = T0.plus(Duration.ofHours(1));
    assertThat(rota.removeOverride("db", future, ACTOR)).isInstanceOf(RemoveResult.Deleted.class);
    RemoveResult ended = rota.removeOverride("db", running, ACTOR);
    assertThat(ended).isInstanceOf(RemoveResult.Ended.class);
    assertThat(((RemoveResult.Ended) ended).override().end()).isEqualTo(now);
    // The past stays: fay was on call for that hour.
    assertThat(rota.shifts("db", T0, now.plus(Duration.ofHours(1))).orElseThrow()
        .get(Role.PRIMARY)).extracting(Shift::userId).containsExactly("fay", "ann");
    assertThat(rota.removeOverride("db", running, ACTOR))
        .isInstanceOf(RemoveResult.AlreadyEnded.class);
    assertThat(rota.removeOverride("db", future, ACTOR))
        .isEqualTo(new RemoveResult.NotFound("db", future));
    assertThat(rota.removeOverride("web", running, ACTOR))
        .isEqualTo(new RemoveResult.NotFound("web", running));
    assertThat(audit.forTarget("schedule_override", Long.toString(running)))
        .extracting(AuditLog.Entry::action)
        .containsExactly("schedule_override.create", "schedule_override.end");
    assertThat(audit.forTarget("schedule_override", Long.toString(future)))
        .extracting(AuditLog.Entry::action)
        .containsExactly("schedule_override.create", "schedule_override.delete");
  }

  @Test
  void overrideRequestsAreChecked() {
    Instant later = T0.plus(Duration.ofHours(1));
    assertThat(rota.addOverride("web", new OverrideRequest(Role.PRIMARY, "fay", null, T0, later),
        ACTOR)).isEqualTo(new AddResult.NoSuchSchedule("web"));
    assertThat(take(Role.PRIMARY, "fay", later, T0)).isEqualTo(new AddResult.Invalid(
        "end (2026-11-23T12:00:00Z) must be after start (2026-11-23T13:00:00Z)"));
    assertThat(take(Role.PRIMARY, "fay", T0.minus(Duration.ofHours(2)), T0)).isEqualTo(
        new AddResult.Invalid("the override ends at 2026-11-23T12:00:00Z, which is past; only"
            + " current and future shifts can be overridden"));
    assertThat(take(Role.PRIMARY, "fay", T0, T0.plus(Duration.ofDays(91)))).isEqualTo(
        new AddResult.Invalid("an override lasts at most 90 days; this one lasts 91 days"
            + " (make several)"));
    assertThat(take(Role.PRIMARY, "fay", T0.plus(Duration.ofDays(400)),
        T0.plus(Duration.ofDays(401)))).isEqualTo(new AddResult.Invalid(
            "an override may start at most 366 days ahead; this one starts"
                + " 2027-12-28T12:00:00Z"));
    assertThat(take(Role.PRIMARY, "zed", T0, later)).isEqualTo(new AddResult.Unprocessable(
        "unknown user \"zed\" (users come from the config)"));
    assertThat(cover("zed", "fay", T0, later)).isEqualTo(new AddResult.Unprocessable(
        "unknown user \"zed\" to cover for (users come from the config)"));
    assertThat(cover("ann", "ann", T0, later)).isEqualTo(new AddResult.Unprocessable(
        "ann cannot cover for themselves"));
  }

  @Test
  void overridesAreLimitedPerSchedule() {
    for (int i = 0; i < Rota.MAX_PENDING_OVERRIDES; i++) {
      take(Role.SHADOW, "fay", T0.plusSeconds(i), T0.plusSeconds(i + 1));
    }
    assertThat(take(Role.SHADOW, "fay", T0, T0.plusSeconds(1))).isEqualTo(
        new AddResult.Unprocessable("schedule db already has 500 current or future overrides,"
            + " the most allowed; remove some first"));
  }

  @Test
  void anOverrideOfAUserNoLongerInTheConfigIsIgnoredAndSaysWhy() {
    take(Role.PRIMARY, "fay", T0, T0.plus(Duration.ofHours(2)));
    users.remove("fay");
    setup.set(new Rota.Setup(List.of(DB), users, true, NightWindow.DEFAULT));
    assertThat(rota.resolve("db", Role.PRIMARY, T0)).containsExactly("ann");
    List<Rota.OverrideView> list = rota.overrides("db").orElseThrow();
    assertThat(list).hasSize(1);
    assertThat(list.get(0).ignored()).isEqualTo("user \"fay\" is no longer in the config");
    assertThat(list.get(0).shifts()).isEmpty();
  }

  @Test
  void aUsersShiftsAcrossSchedulesAreListed() {
    cover("ann", "fay", T0, T0.plus(Duration.ofDays(3)));
    Map<String, List<Shift>> fay = rota.shiftsOf("fay", T0, T0.plus(Duration.ofDays(7)));
    assertThat(fay).containsOnlyKeys("db");
    assertThat(fay.get("db")).containsExactly(
        new Shift(Role.PRIMARY, "fay", T0, t("2026-11-24T09:00:00Z")),
        new Shift(Role.PRIMARY, "fay", t("2026-11-26T09:00:00Z"), t("2026-11-26T12:00:00Z")));
    assertThat(rota.shiftsOf("ben", T0, T0.plus(Duration.ofDays(1))).get("db"))
        .containsExactly(new Shift(Role.PRIMARY, "ben", t("2026-11-24T09:00:00Z"),
            T0.plus(Duration.ofDays(1))));
  }
}
