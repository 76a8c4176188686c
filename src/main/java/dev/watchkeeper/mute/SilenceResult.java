package dev.watchkeeper.mute;

import java.util.List;

/** The outcome of creating or updating a silence. */
public sealed interface SilenceResult {
  /**
   * Stored. {@code replacedId} is the silence that was expired because the change would have
   * rewritten history (other matchers, or moved times of an active one), else null.
   */
  record Saved(Silence silence, String replacedId) implements SilenceResult {}

  /** Refused; every problem with its field path. */
  record Invalid(List<String> problems) implements SilenceResult {
    public Invalid {
      problems = List.copyOf(problems);
    }
  }

  /** An update named a silence that does not exist. */
  record NotFound(String id) implements SilenceResult {}
}
