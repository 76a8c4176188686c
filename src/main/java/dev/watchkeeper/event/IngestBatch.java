package dev.watchkeeper.event;

import java.time.Instant;
import java.util.List;

/**
 * The events of one accepted HTTP request, stored together under one request id.
 *
 * @param keyName the integration key's name (never the key itself)
 * @param traceId the W3C trace id carried through from the request
 */
public record IngestBatch(
    String requestId,
    String service,
    String keyName,
    String traceId,
    Instant receivedAt,
    List<Event> events) {

  public IngestBatch {
    events = List.copyOf(events);
  }
}
