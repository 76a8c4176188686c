package dev.watchkeeper.alert;

import dev.watchkeeper.event.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * One alert: the latest state of everything sent with the same identity (dedup key, or a
 * fingerprint of the labels) for one service. Informational alerts are recorded but never page.
 *
 * @param lastSeq position in the event log of the last event applied (makes replays idempotent)
 * @param routedFrom the service whose integration key sent the last event applied, when that is
 *     not this alert's service (a label route brought the event here); otherwise null
 */
public record Alert(
    long id,
    String service,
    String fingerprint,
    AlertStatus status,
    Severity severity,
    String source,
    String summary,
    Map<String, String> labels,
    Instant firstSeen,
    Instant lastSeen,
    Instant resolvedAt,
    long eventCount,
    long lastSeq,
    String routedFrom,
    Instant endsAt) {

  public Alert {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** An alert whose events came through its own service's keys. */
  public Alert(long id, String service, String fingerprint, AlertStatus status, Severity severity,
      String source, String summary, Map<String, String> labels, Instant firstSeen,
      Instant lastSeen, Instant resolvedAt, long eventCount, long lastSeq) {
    this(id, service, fingerprint, status, severity, source, summary, labels, firstSeen, lastSeen,
        resolvedAt, eventCount, lastSeq, null, null);
  }

  /** Informational events never page (PRODUCT principle 2). */
  public boolean pages() {
    return status == AlertStatus.FIRING && severity != Severity.INFO;
  }
}
