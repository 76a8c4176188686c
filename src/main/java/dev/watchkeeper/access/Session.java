package dev.watchkeeper.access;

import java.time.Instant;

/**
 * A login session. Only the SHA-256 of its id is stored: a copy of the database does not let
 * anyone log in.
 *
 * @param address the client address it was opened from (shown to its owner; not enforced)
 */
public record Session(String idSha256, String account, Instant createdAt, Instant lastSeenAt,
    Instant expiresAt, String address) {}
