package dev.watchkeeper.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything found wrong (or worth a warning) while binding one config file, plus the environment
 * used for {@code ${ENV}} substitution. Not thread-safe: one instance per load.
 */
final class Problems {
  /** {@code ${NAME}} or {@code ${NAME:default}}; anything else is left as literal text. */
  private static final Pattern ENV_REF =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

  final List<ConfigError> errors = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  private final Function<String, String> env;

  Problems(Function<String, String> env) {
    this.env = env;
  }

  void error(String path, String message) {
    errors.add(new ConfigError(path, message));
  }

  void warn(String path, String message) {
    warnings.add(path + ": " + message);
  }

  /** A string scalar after substitution; {@code fromEnv} when any part came from a variable. */
  record Text(String value, boolean fromEnv) {}

  /**
   * Replaces every {@code ${NAME}} / {@code ${NAME:default}} in {@code raw}. A default is used only
   * when the variable is unset (an empty variable stays empty). Returns null, after reporting each
   * unset variable that has no default, when the value cannot be built.
   */
  Text substitute(String raw, String path) {
    Matcher m = ENV_REF.matcher(raw);
    StringBuilder out = new StringBuilder();
    boolean fromEnv = false;
    boolean failed = false;
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value != null) {
        fromEnv = true;
      } else if (m.group(2) != null) {
        value = m.group(2);
      } else {
        error(path, "environment variable " + m.group(1) + " is not set");
        failed = true;
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return failed ? null : new Text(out.toString(), fromEnv);
  }
}
