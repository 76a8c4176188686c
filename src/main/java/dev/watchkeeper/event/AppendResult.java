package dev.watchkeeper.event;

import java.util.List;

/**
 * What storing one batch did: the ids of its events, in request order, and which were already
 * stored by an earlier request with the same event id (idempotent retries).
 */
public record AppendResult(String requestId, List<String> eventIds, List<Boolean> duplicate) {
  public AppendResult {
    eventIds = List.copyOf(eventIds);
    duplicate = List.copyOf(duplicate);
  }

  public int duplicates() {
    return (int) duplicate.stream().filter(d -> d).count();
  }
}
