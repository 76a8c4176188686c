package dev.watchkeeper.access;

import java.time.Instant;
import java.util.Optional;

/** Login sessions by the SHA-256 of their id. Thread-safe. */
public interface SessionStore {
  void create(Session session);

  Optional<Session> find(String idSha256);

  /** Records activity (sliding idle timeout). */
  void touch(String idSha256, Instant at);

  /** Ends one session (logout); false if there was none. */
  boolean delete(String idSha256);

  /** Removes sessions that expired before {@code now}; returns how many. */
  int deleteExpired(Instant now);
}
