package dev.watchkeeper.mute;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher of a silence, with Alertmanager semantics: {@code =} ({@code isEqual}, not
 * regex), {@code !=}, {@code =~} and {@code !~}. Regular expressions are anchored at both ends like
 * Alertmanager's ({@code ^(?:value)$}). A label the alert does not have counts as the empty string,
 * so {@code severity=""} matches alerts without a severity label.
 *
 * <p>Immutable and thread-safe; the regex is compiled once. An invalid regex never matches;
 * {@link #problems(String)} reports it. Java regex syntax is used; the common RE2 subset used in
 * Alertmanager silences behaves the same.
 */
public final class Matcher {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final String name;
  private final String value;
  private final boolean isRegex;
  private final boolean isEqual;
  private final Pattern pattern; // null unless isRegex and valid
  private final String regexError; // null unless isRegex and invalid

  private Matcher(String name, String value, boolean isRegex, boolean isEqual) {
    this.name = Objects.requireNonNull(name, "name");
    this.value = Objects.requireNonNull(value, "value");
    this.isRegex = isRegex;
    this.isEqual = isEqual;
    Pattern p = null;
    String err = null;
    if (isRegex) {
      try {
        p = Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        err = e.getDescription();
      }
    }
    this.pattern = p;
    this.regexError = err;
  }

  public static Matcher of(String name, String value, boolean isRegex, boolean isEqual) {
    return new Matcher(name, value, isRegex, isEqual);
  }

  /** {@code name="value"}. */
  public static Matcher equal(String name, String value) {
    return new Matcher(name, value, false, true);
  }

  public String name() {
    return name;
  }

  public String value() {
    return value;
  }

  public boolean isRegex() {
    return isRegex;
  }

  public boolean isEqual() {
    return isEqual;
  }

  /** The operator as Alertmanager writes it: {@code =}, {@code !=}, {@code =~}, {@code !~}. */
  public String operator() {
    if (isRegex) {
      return isEqual ? "=~" : "!~";
    }
    return isEqual ? "=" : "!=";
  }

  /** Does this matcher accept the label value {@code v} (null = label absent = "")? */
  public boolean matchesValue(String v) {
    String s = v == null ? "" : v;
    boolean hit;
    if (isRegex) {
      if (pattern == null) {
        return false;
      }
      hit = pattern.matcher(s).matches();
    } else {
      hit = value.equals(s);
    }
    return hit == isEqual;
  }

  /** Does this matcher accept the label set (a missing label is the empty string)? */
  public boolean matches(Map<String, String> labels) {
    return matchesValue(labels.get(name));
  }

  /**
   * Alertmanager's notion of "matches the empty string" for the rule that a silence needs one
   * matcher that does not: only {@code =} and {@code =~} matchers count; negative matchers never
   * do, even when they would accept "".
   */
  boolean matchesEmpty() {
    return isEqual && matchesValue("");
  }

  /** Problems with this matcher, each prefixed with {@code path} (like {@code matchers[0]}). */
  List<String> problems(String path) {
    List<String> out = new ArrayList<>();
    if (!LABEL_NAME.matcher(name).matches()) {
      out.add(path + ".name: invalid label name \"" + name + "\"");
    }
    if (regexError != null) {
      out.add(path + ".value: invalid regular expression \"" + value + "\": " + regexError);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Matcher m && m.name.equals(name) && m.value.equals(value)
        && m.isRegex == isRegex && m.isEqual == isEqual;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, value, isRegex, isEqual);
  }

  /** {@code name="value"} with the operator, as amtool prints it. */
  @Override
  public String toString() {
    return name + operator() + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
