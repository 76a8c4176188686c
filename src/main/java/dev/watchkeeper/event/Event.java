package dev.watchkeeper.event;

import java.time.Instant;
import java.util.Map;

/**
 * One accepted event, normalised from any ingest format. Values only; no I/O.
 *
 * @param id the sender's id (idempotency within a service) or a generated one
 * @param severity the sender's severity, or null when none was given
 * @param payloadJson arbitrary JSON as text, or null
 */
public record Event(
    String id,
    String source,
    String type,
    Instant time,
    Severity severity,
    String dedupKey,
    String summary,
    Map<String, String> labels,
    String payloadJson) {

  public Event {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
