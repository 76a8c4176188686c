package dev.watchkeeper.incident;

import java.time.Instant;

/**
 * One thing that touched an incident: who (actor: {@code token:<name>}, {@code system},
 * {@code source:<service>}), what ({@code kind}), when, and a sentence.
 */
public record TimelineEntry(
    long id, long incidentId, Instant at, String actor, String kind, String message) {}
