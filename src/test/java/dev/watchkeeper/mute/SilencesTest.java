package dev.watchkeeper.mute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.alert.AlertLabels;
import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAuditLog;
import dev.watchkeeper.store.JdbcSilenceStore;
import dev.watchkeeper.testing.SettableClock;
import dev.watchkeeper.web.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The silence service over a real SQLite store, with a clock the tests move. */
class SilencesTest {
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
  static final Matcher JOB_API = Matcher.equal("job", "api");

  @TempDir Path dir;
  Database db;
  AuditLog audit;
  SettableClock clock = new SettableClock(T0);
  Silences silences;

  @BeforeEach
  void open() {
    db = Database.open(new Storage("", null, null, dir, 4, 1), null);
    db.migrate();
    audit = new JdbcAuditLog(db);
    silences = new Silences(new JdbcSilenceStore(db, Json.create()), audit, clock,
        () -> Silences.DEFAULT_MAX_DURATION);
  }

  @AfterEach
  void close() {
    db.close();
  }

  Silence create(List<Matcher> matchers, Instant start, Instant end) {
    SilenceResult r = silences.save(new SilenceRequest(null, matchers, start, end, "alice",
        "maintenance", false), "alice-token");
    assertThat(r).isInstanceOf(SilenceResult.Saved.class);
    return ((SilenceResult.Saved) r).silence();
  }

  SilenceState stateOf(String id) {
    return silences.get(id).orElseThrow().state(clock.instant());
  }

  @Test
  void goesFromPendingToActiveToExpiredAsTimePasses() {
    Silence s = create(List.of(JOB_API), T0.plus(Duration.ofMinutes(10)),
        T0.plus(Duration.ofMinutes(70)));

    assertThat(stateOf(s.id())).isEqualTo(SilenceState.PENDING);
    assertThat(silences.isSilenced(Map.of("job", "api"))).isEmpty();
    clock.advance(Duration.ofMinutes(10));
    assertThat(stateOf(s.id())).isEqualTo(SilenceState.ACTIVE);
    assertThat(silences.isSilenced(Map.of("job", "api", "env", "prod"))).containsExactly(s.id());
    assertThat(silences.isSilenced(Map.of("job", "db"))).isEmpty();
    clock.advance(Duration.ofMinutes(60));
    assertThat(stateOf(s.id())).isEqualTo(SilenceState.EXPIRED);
    assertThat(silences.isSilenced(Map.of("job", "api"))).isEmpty();
  }

  @Test
  void aStartInThePastBecomesNow() {
    Silence s = create(List.of(JOB_API), T0.minus(Duration.ofHours(1)), T0.plusSeconds(60));

    assertThat(s.startsAt()).isEqualTo(T0);
    assertThat(s.updatedAt()).isEqualTo(T0);
  }

  @Test
  void expiringAnActiveSilenceEndsItNowAndIsAudited() {
    Silence s = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(5));

    ExpireResult r = silences.expire(s.id(), "bob-token");

    assertThat(r).isInstanceOf(ExpireResult.Expired.class);
    Silence after = silences.get(s.id()).orElseThrow();
    assertThat(after.startsAt()).isEqualTo(T0);
    assertThat(after.endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(after.state(clock.instant())).isEqualTo(SilenceState.EXPIRED);
    assertThat(audit.forTarget("silence", s.id())).extracting(AuditLog.Entry::action,
        AuditLog.Entry::actor).containsExactly(
            org.assertj.core.groups.Tuple.tuple("silence.create", "alice-token"),
            org.assertj.core.groups.Tuple.tuple("silence.expire", "bob-token"));
  }

  @Test
  void expiringAPendingSilenceSetsStartAndEndToNow() {
    Silence s = create(List.of(JOB_API), T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2)));

    silences.expire(s.id(), "bob");

    Silence after = silences.get(s.id()).orElseThrow();
    assertThat(after.startsAt()).isEqualTo(T0);
    assertThat(after.endsAt()).isEqualTo(T0);
    assertThat(after.state(T0)).isEqualTo(SilenceState.EXPIRED);
  }

  @Test
  void expiringTwiceChangesNothingTheSecondTime() {
    Silence s = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(1)));
    silences.expire(s.id(), "bob");
    clock.advance(Duration.ofMinutes(1));

    assertThat(silences.expire(s.id(), "bob")).isInstanceOf(ExpireResult.AlreadyExpired.class);
    assertThat(silences.expire("unknown", "bob")).isInstanceOf(ExpireResult.NotFound.class);
    assertThat(audit.forTarget("silence", s.id())).hasSize(2);
  }

  @Test
  void extendingAnActiveSilenceKeepsItsId() {
    Silence s = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(30));

    SilenceResult r = silences.save(new SilenceRequest(s.id(), List.of(JOB_API), s.startsAt(),
        T0.plus(Duration.ofHours(3)), "alice", "longer", false), "alice");

    Silence updated = ((SilenceResult.Saved) r).silence();
    assertThat(updated.id()).isEqualTo(s.id());
    assertThat(((SilenceResult.Saved) r).replacedId()).isNull();
    assertThat(updated.endsAt()).isEqualTo(T0.plus(Duration.ofHours(3)));
    assertThat(updated.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(silences.list(List.of())).hasSize(1);
  }

  @Test
  void changingMatchersExpiresTheOldSilenceAndCreatesANewOne() {
    Silence s = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(10));

    SilenceResult r = silences.save(new SilenceRequest(s.id(),
        List.of(JOB_API, Matcher.equal("env", "prod")), s.startsAt(),
        T0.plus(Duration.ofHours(1)), "alice", "narrower", false), "alice");

    SilenceResult.Saved saved = (SilenceResult.Saved) r;
    assertThat(saved.silence().id()).isNotEqualTo(s.id());
    assertThat(saved.replacedId()).isEqualTo(s.id());
    assertThat(saved.silence().startsAt()).isEqualTo(clock.instant());
    assertThat(stateOf(s.id())).isEqualTo(SilenceState.EXPIRED);
    assertThat(stateOf(saved.silence().id())).isEqualTo(SilenceState.ACTIVE);
  }

  @Test
  void movingTheStartOfAnActiveSilenceReplacesIt() {
    Silence s = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(10));

    SilenceResult.Saved saved = (SilenceResult.Saved) silences.save(new SilenceRequest(s.id(),
        List.of(JOB_API), T0.plus(Duration.ofMinutes(5)), T0.plus(Duration.ofHours(1)), "alice",
        "x", false), "alice");

    assertThat(saved.replacedId()).isEqualTo(s.id());
  }

  @Test
  void updatingAnExpiredSilenceCreatesANewOne() {
    Silence s = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(1)));
    silences.expire(s.id(), "bob");

    SilenceResult.Saved saved = (SilenceResult.Saved) silences.save(new SilenceRequest(s.id(),
        List.of(JOB_API), null, T0.plus(Duration.ofHours(1)), "alice", "again", false), "alice");

    assertThat(saved.silence().id()).isNotEqualTo(s.id());
    assertThat(audit.forTarget("silence", s.id())).hasSize(2); // not expired a second time
  }

  @Test
  void updatingAnUnknownIdIsNotFoundAndInvalidRequestsAreRefused() {
    assertThat(silences.save(new SilenceRequest("nope", List.of(JOB_API), null,
        T0.plusSeconds(60), "alice", "x", false), "alice"))
        .isEqualTo(new SilenceResult.NotFound("nope"));
    assertThat(silences.save(new SilenceRequest(null, List.of(), null, T0.plusSeconds(60),
        "alice", "x", false), "alice"))
        .isEqualTo(new SilenceResult.Invalid(List.of("matchers: at least one matcher required")));
  }

  @Test
  void listFiltersByExactMatchersAndSortsLikeAlertmanager() {
    Silence activeLate = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(5)));
    Silence activeSoon = create(List.of(JOB_API, Matcher.equal("env", "prod")), null,
        T0.plus(Duration.ofHours(1)));
    Silence pending = create(List.of(Matcher.equal("job", "db")), T0.plus(Duration.ofHours(1)),
        T0.plus(Duration.ofHours(2)));
    Silence expired = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(1)));
    silences.expire(expired.id(), "bob");

    assertThat(silences.list(List.of())).extracting(Silence::id)
        .containsExactly(activeSoon.id(), activeLate.id(), pending.id(), expired.id());
    assertThat(silences.list(List.of(Matcher.equal("env", "prod")))).extracting(Silence::id)
        .containsExactly(activeSoon.id());
    // The filter compares matchers, not labels: job=~"api" is not job="api".
    assertThat(silences.list(List.of(Matcher.of("job", "api", true, true)))).isEmpty();
  }

  // --- expire when resolved ---

  /** The alerts firing now, as the alert store would return them; counts the reads. */
  final List<AlertLabels> firing = new ArrayList<>();
  int firingReads;
  final Function<Predicate<Map<String, String>>, List<AlertLabels>> firingAlerts = keep -> {
    firingReads++;
    return firing.stream().filter(a -> keep.test(a.labels())).toList();
  };

  Silence createExpiringWhenResolved(List<Matcher> matchers) {
    SilenceResult r = silences.save(new SilenceRequest(null, matchers, null,
        T0.plus(Duration.ofHours(2)), "alice", "deploying api", true), "alice-token");
    return ((SilenceResult.Saved) r).silence();
  }

  static AlertLabels alert(String fingerprint, Map<String, String> labels) {
    return new AlertLabels("payments", fingerprint, labels);
  }

  @Test
  void expireWhenResolvedEndsTheSilenceWhenTheLastAlertItMatchesResolves() {
    Silence s = createExpiringWhenResolved(List.of(JOB_API));
    firing.add(alert("fp:2", Map.of("job", "api", "instance", "2")));
    clock.advance(Duration.ofMinutes(5));

    assertThat(silences.expireWhenResolved(
        List.of(alert("fp:1", Map.of("job", "api", "instance", "1"))), firingAlerts)).isEmpty();
    assertThat(stateOf(s.id())).isEqualTo(SilenceState.ACTIVE);

    firing.clear();
    clock.advance(Duration.ofMinutes(5));
    List<Silence> expired = silences.expireWhenResolved(
        List.of(alert("fp:2", Map.of("job", "api", "instance", "2"))), firingAlerts);

    assertThat(expired).extracting(Silence::id).containsExactly(s.id());
    assertThat(silences.get(s.id()).orElseThrow().endsAt()).isEqualTo(T0.plusSeconds(600));
    assertThat(stateOf(s.id())).isEqualTo(SilenceState.EXPIRED);
    AuditLog.Entry last = audit.forTarget("silence", s.id()).get(1);
    assertThat(last.actor()).isEqualTo("system");
    assertThat(last.action()).isEqualTo("silence.expire");
    assertThat(last.detailsJson()).isEqualTo("{\"reason\":\"expire when resolved: alert fp:2 of"
        + " service payments resolved and no firing alert matches the silence any more\"}");
    assertThat(audit.forTarget("silence", s.id()).get(0).detailsJson())
        .contains("\"expireWhenResolved\":true");

    // Replayed after a crash: nothing more happens.
    assertThat(silences.expireWhenResolved(
        List.of(alert("fp:2", Map.of("job", "api", "instance", "2"))), firingAlerts)).isEmpty();
    assertThat(audit.forTarget("silence", s.id())).hasSize(2);
  }

  @Test
  void onlyActiveSilencesMadeToExpireWhenResolvedAndMatchingTheAlertExpire() {
    Silence plain = create(List.of(JOB_API), null, T0.plus(Duration.ofHours(1)));
    Silence other = createExpiringWhenResolved(List.of(Matcher.equal("job", "db")));
    SilenceResult r = silences.save(new SilenceRequest(null, List.of(JOB_API),
        T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofHours(1)), "alice", "later", true),
        "alice-token");
    Silence pending = ((SilenceResult.Saved) r).silence();

    assertThat(silences.expireWhenResolved(List.of(alert("fp:1", Map.of("job", "api"))),
        firingAlerts)).isEmpty();

    assertThat(stateOf(plain.id())).isEqualTo(SilenceState.ACTIVE);
    assertThat(stateOf(other.id())).isEqualTo(SilenceState.ACTIVE);
    assertThat(stateOf(pending.id())).isEqualTo(SilenceState.PENDING);
    assertThat(firingReads).isZero(); // no candidate: the firing alerts were not read
  }

  @Test
  void aFiringAlertOfAnotherServiceMatchingTheSilenceKeepsIt() {
    Silence s = createExpiringWhenResolved(List.of(JOB_API));
    firing.add(new AlertLabels("checkout", "fp:9", Map.of("job", "api")));

    assertThat(silences.expireWhenResolved(List.of(alert("fp:1", Map.of("job", "api"))),
        firingAlerts)).isEmpty();
    assertThat(stateOf(s.id())).isEqualTo(SilenceState.ACTIVE);
    assertThat(firingReads).isEqualTo(1);
  }
}
