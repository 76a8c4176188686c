package dev.watchkeeper.config;

import dev.watchkeeper.config.WatchkeeperConfig.LoginRateLimit;
import dev.watchkeeper.config.WatchkeeperConfig.Security;
import java.time.Duration;

/** Binds {@code security:}: login sessions, password rules, login rate limits, HSTS. */
final class SecurityConfigLoader {
  private SecurityConfigLoader() {}

  static Security bind(ConfigNode root, Problems problems) {
    if (!root.has("security")) {
      return Security.DEFAULT;
    }
    ConfigNode s = root.map("security", "secure_cookies", "session_max_age",
        "session_idle_timeout", "password_min_length", "login_rate_limit", "hsts_max_age");
    boolean secure = s.bool("secure_cookies", Security.DEFAULT_SECURE_COOKIES);
    Duration maxAge = within(s, "session_max_age", Security.DEFAULT_SESSION_MAX_AGE,
        Duration.ofMinutes(5), Security.MAX_SESSION_AGE, problems);
    Duration idle = within(s, "session_idle_timeout", Security.DEFAULT_SESSION_IDLE_TIMEOUT,
        Duration.ofMinutes(5), Security.MAX_SESSION_AGE, problems);
    int minLength = s.integer("password_min_length", Security.DEFAULT_PASSWORD_MIN_LENGTH,
        Security.LOWEST_PASSWORD_MIN_LENGTH, 128);
    LoginRateLimit limit = LoginRateLimit.DEFAULT;
    if (s.has("login_rate_limit")) {
      ConfigNode l = s.map("login_rate_limit", "per_account", "per_address", "window");
      limit = new LoginRateLimit(
          l.integer("per_account", LoginRateLimit.DEFAULT_PER_ACCOUNT, 1, 10_000),
          l.integer("per_address", LoginRateLimit.DEFAULT_PER_ADDRESS, 1, 100_000),
          within(l, "window", LoginRateLimit.DEFAULT_WINDOW, Duration.ofSeconds(1),
              Duration.ofDays(1), problems));
    }
    Duration hsts = s.duration("hsts_max_age", Duration.ZERO);
    if (hsts != null && (hsts.isNegative() || hsts.compareTo(Security.MAX_HSTS) > 0)) {
      problems.error(s.path("hsts_max_age"), "must be between 0s (no header) and "
          + ConfigNode.show(Security.MAX_HSTS) + ", got " + ConfigNode.show(hsts));
      hsts = Duration.ZERO;
    }
    return new Security(secure, maxAge, idle, minLength, limit,
        hsts == null ? Duration.ZERO : hsts);
  }

  private static Duration within(ConfigNode n, String key, Duration dflt, Duration min,
      Duration max, Problems problems) {
    Duration d = n.duration(key, dflt);
    if (d == null) {
      return dflt;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problems.error(n.path(key), "must be between " + ConfigNode.show(min) + " and "
          + ConfigNode.show(max) + ", got " + ConfigNode.show(d));
      return dflt;
    }
    return d;
  }
}
