package dev.watchkeeper.check;

import java.util.Locale;

/**
 * What a ping says. {@code success}, {@code start}, {@code fail} and {@code log} as in
 * Healthchecks; an exit code is success (0) or fail (1..255). {@code ignored}: a body that matched
 * none of the check's success keywords (kept, changes nothing).
 */
public enum PingKind {
  SUCCESS, START, FAIL, LOG, IGNORED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PingKind parse(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
