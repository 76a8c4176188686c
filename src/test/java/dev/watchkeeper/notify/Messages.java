package dev.watchkeeper.notify;

import java.time.Instant;
import java.util.Map;

/** Named message fixtures for the channel tests. */
public final class Messages {

  private Messages() {}

  /** A database incident for alice, its text full of characters each format must escape. */
  public static Message dbDown(String address) {
    return new Message("inc-42-alice-triggered-1", "alice", address, 42, "triggered",
        "payments-db", "critical", "high",
        "DB <primary> down & \"replica\" lagging *now*",
        "Connection refused on 10.0.0.5:5432 <@here> & <!channel>\nline two",
        Instant.parse("2026-11-23T10:00:00Z"),
        "https://wk.example.com/incidents/42",
        "https://wk.example.com/a/42?sig=abc",
        "https://wk.example.com/r/42?sig=def",
        Map.of("level", "1", "alerts", "3"));
  }
}
