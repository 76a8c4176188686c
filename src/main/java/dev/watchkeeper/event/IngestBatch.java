package dev.watchkeeper.event;

import java.time.Instant;
import java.util.List;

/**
 * The events of one accepted HTTP request, stored together under one request id.
 *
 * @param keyName the integration key's name (never the key itself)
 * @param traceId the W3C trace id carried through from the request
 * @param labelsJson per event, its labels as the JSON text they are stored as (null: none);
 *     written when the batch is made, on the request's thread, not on the one commit thread
 */
public record IngestBatch(
    String requestId,
    String service,
    String keyName,
    String traceId,
    Instant receivedAt,
    List<Event> events,
    List<String> labelsJson) {

  public IngestBatch {
    events = List.copyOf(events);
    labelsJson = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(labelsJson));
    if (labelsJson.size() != events.size()) {
      throw new IllegalArgumentException("one labels text per event");
    }
  }

  public IngestBatch(String requestId, String service, String keyName, String traceId,
      Instant receivedAt, List<Event> events) {
    this(requestId, service, keyName, traceId, receivedAt, events, labelsOf(events));
  }

  private static List<String> labelsOf(List<Event> events) {
    List<String> out = new java.util.ArrayList<>(events.size());
    for (Event e : events) {
      out.add(LabelsJson.of(e.labels()));
    }
    return out;
  }
}
