package dev.watchkeeper.mute;

/** The outcome of expiring a silence. */
public sealed interface ExpireResult {
  /** It was pending or active and is now expired. */
  record Expired(Silence silence) implements ExpireResult {}

  /** It had already expired; nothing changed (idempotent, like Alertmanager 0.27+). */
  record AlreadyExpired(Silence silence) implements ExpireResult {}

  record NotFound(String id) implements ExpireResult {}
}
