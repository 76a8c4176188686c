package dev.watchkeeper.incident;

import java.time.Instant;

/** One person paged for an incident by an escalation level, and why. */
public record Page(long id, long incidentId, int level, String userId, Instant at,
    String reason) {}
