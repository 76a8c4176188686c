package dev.watchkeeper.alert;

import dev.watchkeeper.event.Severity;

/** Filters for listing alerts, newest first; null means any. {@code beforeId} is the cursor. */
public record AlertQuery(
    String service, AlertStatus status, Severity severity, Long beforeId, int limit) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
}
