package dev.watchkeeper.event;

import java.util.List;

/**
 * A consumer of the event log, called by {@link EventProcessor} in log order. Routing and alerting
 * plug in here. Must be idempotent per event: after a crash, the events since the last recorded
 * position are handed over again.
 */
public interface EventHandler {
  void handle(List<StoredEvent> events);
}
