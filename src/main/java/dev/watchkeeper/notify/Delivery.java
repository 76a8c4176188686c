package dev.watchkeeper.notify;

import java.time.Duration;

/** What became of one attempt to send a {@link Message}; expected outcomes, not exceptions. */
public sealed interface Delivery {

  /** Accepted by the receiver. */
  record Delivered(Duration latency) implements Delivery {}

  /**
   * Failed, worth retrying: 5xx, 429, timeouts, refused connections.
   *
   * @param after the receiver's wish ({@code Retry-After}), or null to use the backoff
   */
  record RetryLater(String reason, Duration after) implements Delivery {}

  /** Failed for good: other 4xx, a refused (SSRF-guarded) address, a malformed address. */
  record Failed(String reason) implements Delivery {}
}
