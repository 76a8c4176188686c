package dev.watchkeeper.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One map of the YAML tree with its path ({@code services[1].integration_keys[0]}). Reads typed
 * values, applies {@code ${ENV}} substitution to string scalars, and reports every problem to
 * {@link Problems} instead of throwing: a bad value yields the default (or null) so that binding
 * goes on and finds the next problem. A YAML null counts as absent.
 */
final class ConfigNode {
  private static final String DURATION_FORMS = "500ms, 10s, 5m, 2h, 1d or ISO-8601 like PT10S";
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final JsonNode node;
  private final String path;
  private final Problems problems;

  private ConfigNode(JsonNode node, String path, Problems problems, String... known) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    List<String> knownKeys = List.of(known);
    node.fieldNames().forEachRemaining(key -> {
      if (!knownKeys.contains(key)) {
        problems.error(path(key), "unknown key (known: " + String.join(", ", known) + ")");
      }
    });
  }

  /** The document root (an empty document is an empty map); null, reported, if not a map. */
  static ConfigNode root(JsonNode root, Problems problems, String... known) {
    if (!absent(root) && !root.isObject()) {
      problems.error("", "expected a map at the top level, got " + kind(root));
      return null;
    }
    return of(root, "", problems, known);
  }

  private static ConfigNode of(JsonNode n, String path, Problems problems, String... known) {
    if (absent(n)) {
      return new ConfigNode(MissingNode.getInstance(), path, problems);
    }
    if (!n.isObject()) {
      problems.error(path, "expected a map, got " + kind(n));
      return new ConfigNode(MissingNode.getInstance(), path, problems);
    }
    return new ConfigNode(n, path, problems, known);
  }

  String path() {
    return path;
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return !absent(node.get(key));
  }

  ConfigNode map(String key, String... known) {
    return of(node.get(key), path(key), problems, known);
  }

  /**
   * Calls {@code body} for each map in the list at {@code key}, in order; an element that is not a
   * map is reported when reached and skipped (binding it as empty would only repeat the error as
   * missing fields). Absent means empty.
   */
  void forEach(String key, List<String> known, Consumer<ConfigNode> body) {
    JsonNode n = node.get(key);
    if (absent(n)) {
      return;
    }
    if (!n.isArray()) {
      problems.error(path(key), "expected a list, got " + kind(n));
      return;
    }
    for (int i = 0; i < n.size(); i++) {
      String itemPath = path(key) + "[" + i + "]";
      if (n.get(i).isObject()) {
        body.accept(new ConfigNode(n.get(i), itemPath, problems, known.toArray(String[]::new)));
      } else {
        problems.error(itemPath, "expected a map, got " + kind(n.get(i)));
      }
    }
  }

  /** A list of strings (after substitution); empty when absent; wrong items are reported. */
  List<String> strings(String key) {
    JsonNode n = node.get(key);
    List<String> out = new java.util.ArrayList<>();
    if (absent(n)) {
      return out;
    }
    if (!n.isArray()) {
      problems.error(path(key), "expected a list of strings, got " + kind(n));
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode item = n.get(i);
      String itemPath = path(key) + "[" + i + "]";
      if (!item.isTextual()) {
        problems.error(itemPath, "expected a string, got " + kind(item));
      } else {
        out.add(problems.substitute(item.textValue(), itemPath).value());
      }
    }
    return out;
  }

  /** A list of integers between min and max; empty when absent; wrong items are reported. */
  List<Integer> integers(String key, int min, int max) {
    JsonNode n = node.get(key);
    List<Integer> out = new java.util.ArrayList<>();
    if (absent(n)) {
      return out;
    }
    if (!n.isArray()) {
      problems.error(path(key), "expected a list of integers, got " + kind(n));
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode item = n.get(i);
      if (!item.isInt() || item.intValue() < min || item.intValue() > max) {
        problems.error(path(key) + "[" + i + "]", "expected an integer between " + min + " and "
            + max + ", got " + kind(item));
      } else {
        out.add(item.intValue());
      }
    }
    return out;
  }

  /**
   * A map with free-form keys (label names) and string values (after substitution), in file order;
   * empty when absent. A value that is not a scalar is reported at {@code key.name} and left out;
   * numbers and booleans are taken as their text, as in {@link #text}.
   */
  Map<String, String> stringMap(String key) {
    JsonNode n = node.get(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (absent(n)) {
      return out;
    }
    if (!n.isObject()) {
      problems.error(path(key), "expected a map, got " + kind(n));
      return out;
    }
    n.fields().forEachRemaining(field -> {
      String itemPath = path(key) + "." + field.getKey();
      JsonNode v = field.getValue();
      if (absent(v) || !v.isValueNode()) {
        problems.error(itemPath, "expected a string, got " + (absent(v) ? "null" : kind(v)));
      } else if (v.isTextual()) {
        Problems.Text t = problems.substitute(v.textValue(), itemPath);
        if (t != null) {
          out.put(field.getKey(), t.value());
        }
      } else {
        out.put(field.getKey(), v.asText());
      }
    });
    return out;
  }

  /** How many items the list at {@code key} has; 0 when absent or not a list. */
  int size(String key) {
    JsonNode n = node.get(key);
    return n != null && n.isArray() ? n.size() : 0;
  }

  /** True when {@code key} holds a map. */
  boolean isMap(String key) {
    JsonNode n = node.get(key);
    return n != null && n.isObject();
  }

  /** True when {@code key} is absent or an empty list (not when it is the wrong type). */
  boolean isEmptyList(String key) {
    JsonNode n = node.get(key);
    return absent(n) || n.isArray() && n.isEmpty();
  }

  /** A string after substitution; null when absent or wrong (the latter already reported). */
  Problems.Text text(String key) {
    JsonNode n = node.get(key);
    if (absent(n)) {
      return null;
    }
    if (!n.isValueNode()) {
      problems.error(path(key), "expected a string, got " + kind(n));
      return null;
    }
    // Numbers and booleans are accepted as their text: `name: 2024` is a fine service name.
    return n.isTextual()
        ? problems.substitute(n.textValue(), path(key))
        : new Problems.Text(n.asText(), false);
  }

  String string(String key, String defaultValue) {
    Problems.Text t = text(key);
    return t == null ? defaultValue : t.value();
  }

  /** A string that must be present; null (reported) when it is not. */
  String required(String key) {
    if (!has(key)) {
      problems.error(path(key), "is required");
      return null;
    }
    return string(key, null);
  }

  int integer(String key, int defaultValue, int min, int max) {
    Scalar s = scalar(key, "an integer");
    if (s == null) {
      return defaultValue;
    }
    BigInteger value;
    try {
      value = s.node != null && s.node.isIntegralNumber()
          ? s.node.bigIntegerValue() : new BigInteger(s.text.trim());
    } catch (NumberFormatException e) {
      problems.error(path(key), "expected an integer, got " + s.shown());
      return defaultValue;
    }
    if (value.compareTo(BigInteger.valueOf(min)) < 0
        || value.compareTo(BigInteger.valueOf(max)) > 0) {
      String range = max == Integer.MAX_VALUE
          ? "must be at least " + min : "must be between " + min + " and " + max;
      problems.error(path(key), range + ", got " + value);
      return defaultValue;
    }
    return value.intValue();
  }

  /** {@code true} or {@code false} (also from a substituted string). */
  boolean bool(String key, boolean defaultValue) {
    Scalar s = scalar(key, "true or false");
    if (s == null) {
      return defaultValue;
    }
    String t = s.text.trim();
    if (t.equals("true") || t.equals("false")) {
      return Boolean.parseBoolean(t);
    }
    problems.error(path(key), "expected true or false, got " + s.shown());
    return defaultValue;
  }

  /** A number greater than zero. */
  double positiveNumber(String key, double defaultValue) {
    Scalar s = scalar(key, "a number");
    if (s == null) {
      return defaultValue;
    }
    double value;
    try {
      value = s.node != null && s.node.isNumber()
          ? s.node.doubleValue() : new BigDecimal(s.text.trim()).doubleValue();
    } catch (NumberFormatException e) {
      problems.error(path(key), "expected a number, got " + s.shown());
      return defaultValue;
    }
    if (!(value > 0) || Double.isInfinite(value)) {
      problems.error(path(key), "must be a number greater than 0, got " + s.text);
      return defaultValue;
    }
    return value;
  }

  Duration duration(String key, Duration defaultValue) {
    Scalar s = scalar(key, "a duration");
    if (s == null) {
      return defaultValue;
    }
    Duration d = parseDuration(s.node != null && !s.node.isTextual() ? "" : s.text.trim());
    if (d == null) {
      problems.error(path(key), "expected a duration (" + DURATION_FORMS + "), got " + s.shown());
      return defaultValue;
    }
    if (d.isNegative()) {
      problems.error(path(key), "must not be negative, got " + s.shown());
      return defaultValue;
    }
    return d;
  }

  /** A duration in the config's own short form: 7d, 24h, 30m, 10s, 500ms. */
  static String show(Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms != 0 && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }

  /** Parses {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}, ISO-8601; else null. */
  static Duration parseDuration(String text) {
    Matcher m = SHORT_DURATION.matcher(text);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      String upper = text.toUpperCase(Locale.ROOT);
      return upper.startsWith("P") || upper.startsWith("-P") ? Duration.parse(text) : null;
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      return null;
    }
  }

  /**
   * A scalar's text, after substitution for strings. {@code node} is the original value node when
   * it was not a string (a YAML number or boolean), null when the text came from a string.
   */
  private record Scalar(JsonNode node, String text) {
    String shown() {
      return node == null ? "\"" + text + "\"" : text;
    }
  }

  private Scalar scalar(String key, String expected) {
    JsonNode n = node.get(key);
    if (absent(n)) {
      return null;
    }
    if (!n.isValueNode()) {
      problems.error(path(key), "expected " + expected + ", got " + kind(n));
      return null;
    }
    if (!n.isTextual()) {
      return new Scalar(n, n.asText());
    }
    Problems.Text t = problems.substitute(n.textValue(), path(key));
    return t == null ? null : new Scalar(null, t.value());
  }

  private static boolean absent(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode();
  }

  private static String kind(JsonNode n) {
    if (n.isObject()) {
      return "a map";
    }
    if (n.isArray()) {
      return "a list";
    }
    return n.isTextual() ? "\"" + n.textValue() + "\"" : n.asText();
  }
}
