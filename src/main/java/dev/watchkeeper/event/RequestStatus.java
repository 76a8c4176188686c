package dev.watchkeeper.event;

import java.time.Instant;

/**
 * Where an accepted request stands. {@code processed} is true once every event of the request has
 * passed the event processor (routing and alerting read from there).
 */
public record RequestStatus(
    String requestId,
    String service,
    String keyName,
    String traceId,
    Instant receivedAt,
    int events,
    int duplicates,
    boolean processed) {}
