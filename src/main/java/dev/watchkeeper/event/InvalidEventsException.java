package dev.watchkeeper.event;

import java.util.List;

/**
 * The request body is well-formed JSON but some events are not acceptable. Each problem names its
 * field, e.g. {@code events[3].dedup_key: longer than 255 characters}.
 */
public final class InvalidEventsException extends RuntimeException {
  private final List<String> problems;

  public InvalidEventsException(List<String> problems) {
    super(problems.size() == 1
        ? problems.get(0)
        : problems.size() + " problems; first: " + problems.get(0));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
