package dev.watchkeeper.mute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatcherTest {
  /**
   * operator, matcher value, label value ("<absent>" = label missing), expected. Anchoring: a
   * regex must match the whole value, as in Alertmanager.
   */
  @ParameterizedTest(name = "{0} {1} vs {2} -> {3}")
  @CsvSource({
      "=, prod, prod, true",
      "=, prod, staging, false",
      "=, prod, <absent>, false",
      "=, '', <absent>, true",
      "=, '', '', true",
      "!=, prod, prod, false",
      "!=, prod, staging, true",
      "!=, prod, <absent>, true",
      "!=, '', <absent>, false",
      "=~, prod|stag, stag, true",
      "=~, pro, prod, false",
      "=~, prod, preprod, false",
      "=~, web-.*, web-1, true",
      "=~, .*, <absent>, true",
      "=~, .+, <absent>, false",
      "!~, web-.*, web-1, false",
      "!~, web-.*, db-1, true",
      "!~, web, web-1, true",
      "!~, .+, <absent>, true",
  })
  void matchesLikeAlertmanager(String op, String value, String label, boolean expected) {
    Matcher m = Matcher.of("env", value, op.endsWith("~"), op.startsWith("="));
    Map<String, String> labels = new HashMap<>();
    labels.put("other", "x");
    if (!label.equals("<absent>")) {
      labels.put("env", label);
    }
    assertThat(m.matches(labels)).isEqualTo(expected);
    assertThat(m.operator()).isEqualTo(op);
  }

  @Test
  void invalidRegexNeverMatchesAndIsReported() {
    Matcher m = Matcher.of("env", "(prod", true, true);

    assertThat(m.matches(Map.of("env", "(prod"))).isFalse();
    assertThat(m.problems("matchers[2]")).singleElement().asString()
        .startsWith("matchers[2].value: invalid regular expression \"(prod\": ");
  }

  @Test
  void invalidLabelNameIsReported() {
    assertThat(Matcher.equal("team-name", "x").problems("matchers[0]"))
        .containsExactly("matchers[0].name: invalid label name \"team-name\"");
  }

  @Test
  void negativeMatchersNeverCountAsMatchingTheEmptyString() {
    assertThat(Matcher.of("a", "x", false, false).matchesEmpty()).isFalse();
    assertThat(Matcher.of("a", "x", true, false).matchesEmpty()).isFalse();
    assertThat(Matcher.of("a", "x|", true, true).matchesEmpty()).isTrue();
    assertThat(Matcher.equal("a", "").matchesEmpty()).isTrue();
  }

  @Test
  void printsLikeAmtool() {
    assertThat(Matcher.of("job", "a\"b", true, false)).hasToString("job!~\"a\\\"b\"");
  }
}
