package dev.watchkeeper.event;

import java.util.Locale;
import java.util.Optional;

/** Severity classes. Senders' severities are inputs; routing rules decide centrally. */
public enum Severity {
  CRITICAL, ERROR, WARNING, INFO;

  /** The lower-case name used on the wire and in storage. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Severity> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (Severity s : values()) {
      if (s.wire().equals(text.toLowerCase(Locale.ROOT))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
