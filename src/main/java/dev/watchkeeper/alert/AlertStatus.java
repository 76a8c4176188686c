package dev.watchkeeper.alert;

import java.util.Locale;

/** Whether the condition an alert reports is still present. */
public enum AlertStatus {
  FIRING, RESOLVED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AlertStatus parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
