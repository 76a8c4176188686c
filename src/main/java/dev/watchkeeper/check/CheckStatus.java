package dev.watchkeeper.check;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a check stands: {@code new} (never pinged), {@code up}, {@code late} (its period passed,
 * the grace time runs), {@code down} (grace over, or a failure was reported), {@code paused}
 * (not monitored until resumed or pinged).
 */
public enum CheckStatus {
  NEW, UP, LATE, DOWN, PAUSED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<CheckStatus> parse(String text) {
    for (CheckStatus s : values()) {
      if (s.wire().equals(text)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
