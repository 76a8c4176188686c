package dev.watchkeeper.mute;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses matchers in Alertmanager's text form, as in {@code ?filter=} and in
 * {@code inhibit_rules[].source_matchers}: {@code name="value"}, {@code name!="value"},
 * {@code name=~"regex"}, {@code name!~"regex"}, one or several separated by commas, optionally
 * inside braces ({@code {a="b",c=~"d.*"}}). Values may be unquoted when they contain no comma,
 * brace or quote. Inside quotes, {@code \"}, {@code \\} and {@code \n} are escapes.
 *
 * <p>Stateless for callers; one instance parses one text.
 */
public final class MatcherParser {
  private final String text;
  private int pos;

  private MatcherParser(String text) {
    this.text = text;
  }

  /**
   * The matchers in {@code text} ({@code {}} gives none).
   *
   * @throws BadMatcher with a sentence saying what is wrong and where
   */
  public static List<Matcher> parse(String text) {
    return new MatcherParser(text.trim()).all();
  }

  /** A matcher text that cannot be parsed; {@link #why()} says why, without the text. */
  public static final class BadMatcher extends IllegalArgumentException {
    private final String why;

    BadMatcher(String text, String why) {
      super("bad matcher format: " + text + ": " + why);
      this.why = why;
    }

    public String why() {
      return why;
    }
  }

  private List<Matcher> all() {
    boolean braces = text.startsWith("{");
    if (braces) {
      if (!text.endsWith("}")) {
        throw bad("missing closing '}'");
      }
      pos = 1;
    }
    int end = braces ? text.length() - 1 : text.length();
    List<Matcher> out = new ArrayList<>();
    skipSpaces(end);
    while (pos < end) {
      out.add(one(end));
      skipSpaces(end);
      if (pos < end) {
        if (text.charAt(pos) != ',') {
          throw bad("expected ',' at position " + pos);
        }
        pos++;
        skipSpaces(end);
      }
    }
    if (out.isEmpty() && !braces) {
      throw bad("no matcher");
    }
    return out;
  }

  private Matcher one(int end) {
    int start = pos;
    while (pos < end && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
        || text.charAt(pos) == ':')) {
      pos++;
    }
    String name = text.substring(start, pos);
    if (name.isEmpty()) {
      throw bad("expected a label name at position " + start);
    }
    skipSpaces(end);
    String op;
    if (text.startsWith("=~", pos) || text.startsWith("!~", pos) || text.startsWith("!=", pos)) {
      op = text.substring(pos, pos + 2);
    } else if (text.startsWith("=", pos)) {
      op = "=";
    } else {
      throw bad("expected one of =, !=, =~, !~ after \"" + name + "\"");
    }
    pos += op.length();
    skipSpaces(end);
    String value = pos < end && text.charAt(pos) == '"' ? quoted(end) : bare(end);
    Matcher m = Matcher.of(name, value, op.endsWith("~"), op.startsWith("="));
    if (m.isRegex()) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw bad("invalid regular expression \"" + value + "\": " + e.getDescription());
      }
    }
    return m;
  }

  private String quoted(int end) {
    pos++; // opening quote
    StringBuilder b = new StringBuilder();
    while (pos < end) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\' && pos < end) {
        char e = text.charAt(pos++);
        b.append(switch (e) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> e;
        });
      } else {
        b.append(c);
      }
    }
    throw bad("missing closing quote");
  }

  private String bare(int end) {
    int start = pos;
    while (pos < end && text.charAt(pos) != ',' && text.charAt(pos) != '"') {
      pos++;
    }
    return text.substring(start, pos).trim();
  }

  private void skipSpaces(int end) {
    while (pos < end && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private BadMatcher bad(String why) {
    return new BadMatcher(text, why);
  }
}
