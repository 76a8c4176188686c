package dev.watchkeeper.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast path must agree with java.time on every text: same instant, or both refuse it. */
class Rfc3339Test {

  @Test
  void readsWhatPrometheusAndAlertmanagerSend() {
    assertThat(Rfc3339.parse("2026-12-07T10:00:00Z"))
        .isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
    assertThat(Rfc3339.parse("2026-12-07T10:00:00.123456789Z"))
        .isEqualTo(Instant.parse("2026-12-07T10:00:00.123456789Z"));
    assertThat(Rfc3339.parse("2026-12-07T11:30:00.5+01:30"))
        .isEqualTo(Instant.parse("2026-12-07T10:00:00.5Z"));
    assertThat(Rfc3339.parse("0001-01-01T00:00:00Z")).as("Go's zero time")
        .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
    assertThat(Rfc3339.canonical("2026-12-07T10:00:00Z")).isNotNull();
  }

  @Test
  void leavesOtherShapesToJavaTimeWithItsErrors() {
    assertThat(Rfc3339.canonical("2026-12-07T10:00Z")).as("no seconds").isNull();
    assertThat(Rfc3339.parse("2026-12-07T10:00Z"))
        .isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
    assertThat(Rfc3339.canonical("2026-02-30T10:00:00Z")).isNull();
    assertThatThrownBy(() -> Rfc3339.parse("2026-02-30T10:00:00Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThat(Rfc3339.parse("2026-12-07T10:00:00.Z")).as("java.time takes an empty fraction")
        .isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
    assertThatThrownBy(() -> Rfc3339.parse("2026-12-07T24:00:00Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Rfc3339.parse("2026-12-07T10:00:00.1234567890Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Rfc3339.parse("2026-12-07 10:00:00Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Rfc3339.parse("yesterday"))
        .isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void agreesWithOffsetDateTimeOnRandomTexts() {
    Random r = new Random(42);
    String alphabet = "0123456789-+:.TZz ";
    int fast = 0;
    for (int k = 0; k < 200_000; k++) {
      String s = mutate(sample(r), r, alphabet);
      Instant expected;
      try {
        expected = OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        expected = null;
      }
      Instant got = Rfc3339.canonical(s);
      if (got != null) {
        fast++;
        assertThat(got).as(s).isEqualTo(expected);
      }
      Instant parsed;
      try {
        parsed = Rfc3339.parse(s);
      } catch (DateTimeParseException e) {
        parsed = null;
      }
      assertThat(parsed).as(s).isEqualTo(expected);
    }
    assertThat(fast).as("most samples take the fast path").isGreaterThan(50_000);
  }

  private static String sample(Random r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%04d-%02d-%02dT%02d:%02d:%02d", r.nextInt(10000), 1 + r.nextInt(13),
        1 + r.nextInt(31), r.nextInt(25), r.nextInt(61), r.nextInt(61)));
    if (r.nextBoolean()) {
      b.append('.');
      int digits = r.nextInt(11);
      for (int i = 0; i < digits; i++) {
        b.append((char) ('0' + r.nextInt(10)));
      }
    }
    switch (r.nextInt(3)) {
      case 0 -> b.append('Z');
      default -> b.append(r.nextBoolean() ? '+' : '-')
          .append(String.format("%02d:%02d", r.nextInt(20), r.nextInt(61)));
    }
    return b.toString();
  }

  private static String mutate(String s, Random r, String alphabet) {
    if (r.nextInt(4) != 0) {
      return s;
    }
    char[] c = s.toCharArray();
    c[r.nextInt(c.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
    return new String(c);
  }
}
