package dev.watchkeeper.incident;

import java.util.Locale;

/** triggered → acknowledged → resolved. */
public enum IncidentState {
  TRIGGERED, ACKNOWLEDGED, RESOLVED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static IncidentState parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
