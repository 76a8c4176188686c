package dev.watchkeeper.incident;

import java.time.Instant;

/**
 * Where an incident's escalation stands: the policy, the level fired last (1-based), the round
 * (0 = first pass; repeats count up), and when that level fired. {@code exhausted} once every
 * level of every round fired without an acknowledgement.
 */
public record EscalationState(long incidentId, String policyId, int level, int round,
    Instant firedAt, boolean exhausted) {}
