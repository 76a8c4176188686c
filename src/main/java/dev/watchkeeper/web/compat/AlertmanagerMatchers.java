package dev.watchkeeper.web.compat;

import dev.watchkeeper.mute.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses matchers in Alertmanager's text form, as in {@code ?filter=}: {@code name="value"},
 * {@code name!="value"}, {@code name=~"regex"}, {@code name!~"regex"}, one or several separated by
 * commas, optionally inside braces ({@code {a="b",c=~"d.*"}}). Values may be unquoted when they
 * contain no comma, brace or quote. Inside quotes, {@code \"}, {@code \\} and {@code \n} are
 * escapes.
 */
final class AlertmanagerMatchers {
  private final String text;
  private int pos;

  private AlertmanagerMatchers(String text) {
    this.text = text;
  }

  /** The matchers in {@code text}; {@link AlertmanagerError} 400 with a sentence if malformed. */
  static List<Matcher> parse(String text) {
    return new AlertmanagerMatchers(text.trim()).all();
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
      List<String> problems = new ArrayList<>();
      try {
        java.util.regex.Pattern.compile(value);
      } catch (java.util.regex.PatternSyntaxException e) {
        problems.add("invalid regular expression \"" + value + "\": " + e.getDescription());
      }
      if (!problems.isEmpty()) {
        throw bad(problems.get(0));
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

  private AlertmanagerError bad(String why) {
    return new AlertmanagerError(400, "bad matcher format: " + text + ": " + why);
  }
}
