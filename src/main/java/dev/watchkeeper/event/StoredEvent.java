package dev.watchkeeper.event;

import java.time.Instant;

/** An event as read back from the event log, with its position and provenance. */
public record StoredEvent(
    long seq, String service, String requestId, Instant receivedAt, Event event) {}
