package dev.watchkeeper.web.compat;

import dev.watchkeeper.mute.Matcher;
import dev.watchkeeper.mute.MatcherParser;
import java.util.List;

/** Matchers in Alertmanager's text form ({@link MatcherParser}), as {@code ?filter=} takes them. */
final class AlertmanagerMatchers {
  private AlertmanagerMatchers() {}

  /** The matchers in {@code text}; {@link AlertmanagerError} 400 with a sentence if malformed. */
  static List<Matcher> parse(String text) {
    try {
      return MatcherParser.parse(text);
    } catch (MatcherParser.BadMatcher e) {
      throw new AlertmanagerError(400, e.getMessage());
    }
  }
}
