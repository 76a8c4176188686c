package dev.watchkeeper.notify;

import java.time.Instant;
import java.util.Map;

/**
 * One notification to one person through one contact method: what a channel sends.
 *
 * @param idempotencyKey stable across retries of this message (sent as a header or Message-ID),
 *     so a receiver can drop duplicates after a crash
 * @param address the contact method's address (an email address or a URL); a secret: never log it
 * @param kind what happened: {@code triggered}, {@code escalated}, {@code acknowledged},
 *     {@code resolved}, {@code digest}
 * @param incidentUrl the incident's page; {@code ackUrl}, {@code resolveUrl}: signed one-click
 *     links, or null
 * @param fields extra facts for templates (level, targets, alert count, ...)
 */
public record Message(
    String idempotencyKey,
    String userId,
    String address,
    long incidentId,
    String kind,
    String service,
    String severity,
    String urgency,
    String title,
    String summary,
    Instant at,
    String incidentUrl,
    String ackUrl,
    String resolveUrl,
    Map<String, String> fields) {

  public Message {
    fields = fields == null ? Map.of() : Map.copyOf(fields);
  }

  @Override
  public String toString() {
    return "Message[key=" + idempotencyKey + ", user=" + userId + ", incident=" + incidentId
        + ", kind=" + kind + "]";
  }
}
