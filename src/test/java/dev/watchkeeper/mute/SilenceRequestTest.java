package dev.watchkeeper.mute;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every validation message, once. */
class SilenceRequestTest {
  static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
  static final Duration MAX = Duration.ofDays(7);

  static SilenceRequest request(List<Matcher> matchers, Instant start, Instant end,
      String createdBy, String comment) {
    return new SilenceRequest(null, matchers, start, end, createdBy, comment, false);
  }

  static List<String> problems(SilenceRequest r) {
    return r.problems(NOW, MAX);
  }

  @Test
  void aCompleteRequestHasNoProblems() {
    assertThat(problems(request(List.of(Matcher.equal("job", "api")), null,
        NOW.plus(Duration.ofHours(1)), "alice", "deploy"))).isEmpty();
  }

  @Test
  void reportsEveryProblemWithItsField() {
    assertThat(problems(request(List.of(), null, null, " ", null))).containsExactly(
        "matchers: at least one matcher required",
        "createdBy: required",
        "comment: required",
        "endsAt: required");
  }

  @Test
  void needsOneMatcherThatDoesNotMatchTheEmptyString() {
    assertThat(problems(request(List.of(Matcher.equal("a", ""), Matcher.of("b", ".*", true, true)),
        null, NOW.plusSeconds(60), "alice", "x")))
        .containsExactly("matchers: at least one matcher must not match the empty string");
    assertThat(problems(request(List.of(Matcher.equal("a", ""), Matcher.of("b", "x", false, false)),
        null, NOW.plusSeconds(60), "alice", "x"))).isEmpty();
  }

  @Test
  void matcherProblemsCarryTheirIndex() {
    assertThat(problems(request(List.of(Matcher.equal("job", "api"),
        Matcher.equal("bad name", "x")), null, NOW.plusSeconds(60), "alice", "x")))
        .containsExactly("matchers[1].name: invalid label name \"bad name\"");
  }

  @Test
  void endMustBeAfterStart() {
    assertThat(problems(request(List.of(Matcher.equal("job", "api")), NOW.plusSeconds(60),
        NOW.plusSeconds(60), "alice", "x")))
        .containsExactly("endsAt: start time must be before end time");
  }

  @Test
  void endMustNotBeInThePast() {
    assertThat(problems(request(List.of(Matcher.equal("job", "api")), NOW.minusSeconds(600),
        NOW.minusSeconds(60), "alice", "x")))
        .containsExactly("endsAt: end time can't be in the past");
  }

  @Test
  void durationIsLimitedAndCountedFromTheRealStart() {
    Matcher m = Matcher.equal("job", "api");
    assertThat(problems(request(List.of(m), null, NOW.plus(Duration.ofDays(8)), "alice", "x")))
        .containsExactly("endsAt: the silence would last 8d; at most 7d is allowed"
            + " (silences.max_duration)");
    // A start in the past becomes now, so a week from now is fine even if asked from yesterday.
    assertThat(problems(request(List.of(m), NOW.minus(Duration.ofDays(1)),
        NOW.plus(Duration.ofDays(7)), "alice", "x"))).isEmpty();
  }
}
