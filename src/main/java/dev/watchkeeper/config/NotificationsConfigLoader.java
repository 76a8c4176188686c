package dev.watchkeeper.config;

import dev.watchkeeper.config.WatchkeeperConfig.Notifications;
import dev.watchkeeper.config.WatchkeeperConfig.StormControl;
import dev.watchkeeper.notify.Templates;
import dev.watchkeeper.notify.net.SsrfGuard;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Binds {@code notifications:}: the SSRF allow-list and the channels' settings. */
final class NotificationsConfigLoader {
  static final int MIN_SIGNING_SECRET_LENGTH = 16;

  private NotificationsConfigLoader() {}

  static Notifications bind(ConfigNode root, Problems problems) {
    if (!root.has("notifications")) {
      return Notifications.DEFAULT;
    }
    ConfigNode n = root.map("notifications", "allow_private_networks", "webhook", "ntfy", "email",
        "storm_control", "link_ttl", "templates", "delivery_lease", "sms");
    List<String> allow = n.strings("allow_private_networks");
    try {
      new SsrfGuard(allow);
    } catch (IllegalArgumentException e) {
      for (String line : e.getMessage().split("\n")) {
        int colon = line.indexOf(": ");
        problems.error(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    String secret = null;
    Map<String, String> headers = Map.of();
    if (n.has("webhook")) {
      ConfigNode w = n.map("webhook", "signing_secret", "headers");
      secret = secret(w, "signing_secret", problems);
      headers = w.stringMap("headers");
      for (String h : headers.keySet()) {
        if (!h.matches("[A-Za-z0-9-]{1,64}")) {
          problems.error(w.path("headers") + "." + h, "not a valid header name");
        }
      }
    }
    String ntfyToken = null;
    if (n.has("ntfy")) {
      ConfigNode t = n.map("ntfy", "token");
      Problems.Text tok = t.text("token");
      ntfyToken = tok == null || tok.value().isBlank() ? null : tok.value();
      if (tok != null && !tok.fromEnv() && ntfyToken != null) {
        problems.warn(t.path("token"), "plain-text secret in the config file; prefer ${ENV}");
      }
    }
    WatchkeeperConfig.Email email = null;
    if (n.has("email")) {
      ConfigNode e = n.map("email", "host", "port", "starttls", "username", "password", "from");
      String host = e.required("host");
      int port = e.integer("port", WatchkeeperConfig.Email.DEFAULT_PORT, 1, 65535);
      boolean starttls = e.bool("starttls", WatchkeeperConfig.Email.DEFAULT_STARTTLS);
      String username = e.string("username", null);
      Problems.Text password = e.text("password");
      String from = e.required("from");
      if (from != null) {
        try {
          new jakarta.mail.internet.InternetAddress(from, true);
        } catch (jakarta.mail.internet.AddressException ex) {
          problems.error(e.path("from"), "not an email address: \"" + from + "\"");
        }
      }
      if (username != null && password == null) {
        problems.error(e.path("password"), "is required with username");
      }
      if (password != null && !password.fromEnv()) {
        problems.warn(e.path("password"), "plain-text secret in the config file; prefer ${ENV}");
      }
      if (host != null && from != null) {
        email = new WatchkeeperConfig.Email(host, port, starttls, username,
            password == null ? null : password.value(), from);
      }
    }
    StormControl storm = StormControl.DEFAULT;
    if (n.has("storm_control")) {
      ConfigNode s = n.map("storm_control", "threshold", "window", "digest_delay");
      int threshold = s.integer("threshold", StormControl.DEFAULT.threshold(), 0, 10_000);
      Duration window = s.duration("window", StormControl.DEFAULT.window());
      Duration delay = s.duration("digest_delay", StormControl.DEFAULT.digestDelay());
      if (window.isZero() || window.compareTo(Duration.ofDays(1)) > 0) {
        problems.error(s.path("window"), "must be between 1s and 24h, got "
            + ConfigNode.show(window));
      }
      if (delay.compareTo(Duration.ofHours(1)) > 0) {
        problems.error(s.path("digest_delay"), "must be between 0s and 1h, got "
            + ConfigNode.show(delay));
      }
      storm = new StormControl(threshold, window, delay);
    }
    Duration linkTtl = n.duration("link_ttl", Notifications.DEFAULT_LINK_TTL);
    if (linkTtl.compareTo(Duration.ofMinutes(1)) < 0 || linkTtl.compareTo(Duration.ofDays(7)) > 0) {
      problems.error(n.path("link_ttl"), "must be between 1m and 7d, got "
          + ConfigNode.show(linkTtl));
    }
    Templates templates = Templates.NONE;
    if (n.has("templates")) {
      ConfigNode t = n.map("templates", "subject", "body", "html");
      Templates.Source src = new Templates.Source(t.string("subject", null),
          t.string("body", null), t.string("html", null));
      try {
        templates = new Templates(src);
      } catch (IllegalArgumentException e) {
        String msg = e.getMessage();
        int colon = msg.indexOf(": ");
        problems.error(t.path(msg.substring(0, colon)), "not a valid Mustache template: "
            + msg.substring(colon + 2));
      }
    }
    Duration lease = n.duration("delivery_lease", Notifications.DEFAULT_DELIVERY_LEASE);
    if (lease.compareTo(Duration.ofSeconds(5)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
      problems.error(n.path("delivery_lease"), "must be between 5s and 1h (longer than a"
          + " channel's timeout), got " + ConfigNode.show(lease));
    }
    WatchkeeperConfig.Sms sms = null;
    if (n.has("sms")) {
      ConfigNode s = n.map("sms", "provider", "base_url", "account_sid", "auth_token", "from");
      String provider = s.string("provider", "twilio");
      if (!provider.equals("twilio")) {
        problems.error(s.path("provider"), "unknown SMS provider \"" + provider
            + "\" (known: twilio; other providers are adapters, see notify/sms/ProviderAdapter)");
      }
      String base = s.string("base_url", dev.watchkeeper.notify.sms.TwilioAdapter.DEFAULT_BASE_URL);
      if (!base.startsWith("https://") && !base.startsWith("http://")) {
        problems.error(s.path("base_url"), "must be an http(s) URL, got \"" + base + "\"");
      }
      String sid = s.required("account_sid");
      Problems.Text tok = s.text("auth_token");
      String token = tok == null || tok.value().isBlank() ? null : tok.value();
      if (token == null) {
        problems.error(s.path("auth_token"), "is required");
      } else if (!tok.fromEnv()) {
        problems.warn(s.path("auth_token"), "plain-text secret in the config file; prefer ${ENV}");
      }
      String from = s.required("from");
      if (from != null && !from.matches("\\+[1-9][0-9]{6,14}|[A-Za-z0-9 ]{1,11}")) {
        problems.error(s.path("from"), "must be an E.164 number like +15550100 or an"
            + " alphanumeric sender id (at most 11 characters), got \"" + from + "\"");
      }
      if (sid != null && token != null && from != null) {
        sms = new WatchkeeperConfig.Sms(provider, base, sid, token, from);
      }
    }
    return new Notifications(allow, secret, headers, ntfyToken, email, storm, linkTtl,
        templates, lease, sms);
  }

  private static String secret(ConfigNode n, String key, Problems problems) {
    Problems.Text t = n.text(key);
    if (t == null || t.value().isEmpty()) {
      problems.error(n.path(key), "is required (the HMAC key receivers check signatures with)");
      return null;
    }
    if (t.value().length() < MIN_SIGNING_SECRET_LENGTH) {
      problems.error(n.path(key), "must be at least " + MIN_SIGNING_SECRET_LENGTH
          + " characters, got " + t.value().length());
      return null;
    }
    if (!t.fromEnv()) {
      problems.warn(n.path(key), "plain-text secret in the config file; prefer ${ENV}");
    }
    return t.value();
  }
}
