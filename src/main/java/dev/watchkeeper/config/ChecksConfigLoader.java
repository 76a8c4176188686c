package dev.watchkeeper.config;

import dev.watchkeeper.check.CheckSpec;
import dev.watchkeeper.check.Schedule;
import dev.watchkeeper.check.probe.Probe;
import dev.watchkeeper.config.WatchkeeperConfig.Checks;
import dev.watchkeeper.config.WatchkeeperConfig.ConfiguredCheck;
import dev.watchkeeper.config.WatchkeeperConfig.PingKey;
import dev.watchkeeper.config.WatchkeeperConfig.Udp;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.notify.net.SsrfGuard;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Binds {@code checks:}: limits, ping keys, the UDP listener, and the checks themselves. */
final class ChecksConfigLoader {
  static final int MIN_SECRET_LENGTH = 16;
  static final int MAX_CHECKS = 100_000;
  static final String[] PROBE_KEYS = {"http", "tcp", "tls", "dns", "interval", "timeout",
      "retries", "failure_threshold", "success_threshold", "method", "headers",
      "expected_status", "body_contains", "max_latency", "warn_days", "json_path",
      "json_equals"};

  private ChecksConfigLoader() {}

  static Checks bind(ConfigNode root, Set<String> services, Problems problems) {
    if (!root.has("checks")) {
      return Checks.DEFAULT;
    }
    ConfigNode n = root.map("checks", "ping_body_limit", "keep_pings", "fold_interval",
        "ping_rate_limit",
        "auto_register", "probe_allow_private_networks", "udp", "ping_keys", "list");
    int bodyLimit = n.integer("ping_body_limit", Checks.DEFAULT_PING_BODY_LIMIT, 0,
        Checks.MAX_PING_BODY_LIMIT);
    int keep = n.integer("keep_pings", Checks.DEFAULT_KEEP_PINGS, 1, 10_000);
    Duration fold = n.duration("fold_interval", Checks.DEFAULT_FOLD_INTERVAL);
    if (fold.compareTo(Checks.MIN_FOLD_INTERVAL) < 0
        || fold.compareTo(Checks.MAX_FOLD_INTERVAL) > 0) {
      problems.error(n.path("fold_interval"), "must be between "
          + ConfigNode.show(Checks.MIN_FOLD_INTERVAL) + " and "
          + ConfigNode.show(Checks.MAX_FOLD_INTERVAL) + ", got " + ConfigNode.show(fold));
      fold = Checks.DEFAULT_FOLD_INTERVAL;
    }
    ConfigNode rate = n.map("ping_rate_limit", "pings_per_second", "burst");
    double perSecond = rate.positiveNumber("pings_per_second", Checks.DEFAULT_PINGS_PER_SECOND);
    int burst = rate.integer("burst", Checks.DEFAULT_PING_BURST, 1, 1_000_000);
    ConfigNode auto = n.map("auto_register", "period", "grace");
    Duration autoPeriod = period(auto, "period", Checks.DEFAULT_AUTO_PERIOD, problems);
    Duration autoGrace = grace(auto, "grace", Checks.DEFAULT_AUTO_GRACE, problems);
    List<String> allow = n.strings("probe_allow_private_networks");
    try {
      new SsrfGuard(allow);
    } catch (IllegalArgumentException e) {
      for (String line : e.getMessage().split("\n")) {
        int colon = line.indexOf(": ");
        String where = line.substring(0, colon).replace("notifications.allow_private_networks",
            n.path("probe_allow_private_networks"));
        problems.error(where, line.substring(colon + 2));
      }
    }
    Udp udp = udp(n, problems);
    List<PingKey> keys = new ArrayList<>();
    Map<String, String> keyNames = new HashMap<>();
    Map<String, String> keyHashes = new HashMap<>();
    n.forEach("ping_keys", List.of("name", "service", "key", "key_sha256"), k -> {
      String name = k.required("name");
      if (name != null && keyNames.putIfAbsent(name, k.path()) != null) {
        problems.error(k.path("name"), "duplicate name \"" + name + "\" (also "
            + keyNames.get(name) + ")");
      }
      String service = service(k, services, problems);
      String hash = secretHash(k, problems);
      if (hash != null && keyHashes.putIfAbsent(hash, k.path()) != null) {
        problems.error(k.path(), "same key as " + keyHashes.get(hash));
      }
      keys.add(new PingKey(name, service, hash));
    });
    List<ConfiguredCheck> list = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    Set<String> ids = new HashSet<>();
    List<String[]> parents = new ArrayList<>(); // path, reference
    n.forEach("list", List.of("slug", "service", "name", "id", "period", "cron", "time_zone",
        "grace", "parent", "keywords", "severity", "udp_secret", "probe"), c -> {
      ConfiguredCheck cc = check(c, services, problems);
      if (cc == null) {
        return;
      }
      String key = cc.spec().service() + "/" + cc.spec().slug();
      if (seen.putIfAbsent(key, c.path()) != null) {
        problems.error(c.path("slug"), "duplicate check " + key + " (also " + seen.get(key)
            + ")");
      }
      if (cc.id() != null && !ids.add(cc.id())) {
        problems.error(c.path("id"), "duplicate id " + cc.id());
      }
      if (cc.spec().parent() != null) {
        parents.add(new String[] {c.path("parent"), cc.spec().parent(), key});
      }
      list.add(cc);
    });
    for (String[] p : parents) {
      if (!seen.containsKey(p[1])) {
        problems.error(p[0], "unknown check \"" + p[1] + "\" (a parent is service/slug of"
            + " another check in this list)");
      } else if (p[1].equals(p[2])) {
        problems.error(p[0], "a check cannot be its own parent");
      }
    }
    if (list.size() > MAX_CHECKS) {
      problems.error(n.path("list"), "at most " + MAX_CHECKS + " checks, got " + list.size());
    }
    return new Checks(bodyLimit, keep, fold, perSecond, burst, autoPeriod, autoGrace, allow, udp, keys,
        list);
  }

  private static ConfiguredCheck check(ConfigNode c, Set<String> services, Problems problems) {
    String slug = c.required("slug");
    if (slug != null && !CheckSpec.SLUG.matcher(slug).matches()) {
      problems.error(c.path("slug"), "must match " + CheckSpec.SLUG.pattern() + ", got \""
          + slug + "\"");
      slug = null;
    }
    String service = service(c, services, problems);
    String name = c.string("name", slug);
    if (name != null && (name.isBlank() || name.length() > CheckSpec.MAX_NAME_LENGTH)) {
      problems.error(c.path("name"), "must be 1 to " + CheckSpec.MAX_NAME_LENGTH
          + " characters");
    }
    String id = c.string("id", null);
    if (id != null) {
      try {
        id = UUID.fromString(id).toString();
      } catch (IllegalArgumentException e) {
        problems.error(c.path("id"), "must be a UUID like 2f9a8c1e-5b7d-4c3a-9e1f-0a2b3c4d5e6f");
        id = null;
      }
    }
    Probe probe = c.has("probe") ? probe(c.map("probe", PROBE_KEYS), problems) : null;
    Schedule schedule;
    if (probe != null) {
      if (c.has("period") || c.has("cron")) {
        problems.error(c.path(), "a probe runs every probe.interval; period and cron are for"
            + " heartbeats");
      }
      // The prober's own heartbeat: a silent prober is noticed like a silent job.
      schedule = new Schedule.Every(probe.interval());
    } else {
      schedule = schedule(c, problems);
    }
    Duration defaultGrace = probe != null
        ? probe.interval().multipliedBy(probe.failureThreshold() + 1).plus(probe.timeout())
        : CheckSpec.DEFAULT_GRACE;
    Duration grace = grace(c, "grace", defaultGrace, problems);
    String parent = c.string("parent", null);
    if (parent != null && !parent.contains("/")) {
      parent = service + "/" + parent; // a slug of the same service
    }
    List<String> success = List.of();
    List<String> failure = List.of();
    if (c.has("keywords")) {
      ConfigNode k = c.map("keywords", "success", "failure");
      success = keywords(k, "success", problems);
      failure = keywords(k, "failure", problems);
    }
    Severity severity = CheckSpec.DEFAULT_SEVERITY;
    String sev = c.string("severity", null);
    if (sev != null) {
      severity = Severity.parse(sev).orElse(null);
      if (severity == null) {
        problems.error(c.path("severity"), "must be one of critical, error, warning, info; got \""
            + sev + "\"");
        severity = CheckSpec.DEFAULT_SEVERITY;
      }
    }
    String udpSecret = secret(c, "udp_secret", problems);
    if (slug == null || service == null || schedule == null) {
      return null;
    }
    return new ConfiguredCheck(new CheckSpec(service, slug, name, probe == null
        ? CheckSpec.Kind.HEARTBEAT : CheckSpec.Kind.PROBE, schedule, grace, parent, success,
        failure, severity), id, udpSecret, probe);
  }

  private static Schedule schedule(ConfigNode c, Problems problems) {
    if (c.has("period") && c.has("cron")) {
      problems.error(c.path(), "period and cron exclude each other; give one");
      return null;
    }
    if (c.has("cron")) {
      ZoneId zone = ZoneId.of("UTC");
      String tz = c.string("time_zone", null);
      if (tz != null) {
        try {
          zone = ZoneId.of(tz);
        } catch (DateTimeException e) {
          problems.error(c.path("time_zone"), "unknown time zone \"" + tz
              + "\" (a tz database name like Europe/London)");
        }
      }
      try {
        return Schedule.cron(c.string("cron", ""), zone);
      } catch (IllegalArgumentException e) {
        problems.error(c.path("cron"), e.getMessage());
        return null;
      }
    }
    if (c.has("time_zone")) {
      problems.error(c.path("time_zone"), "only with cron");
    }
    return new Schedule.Every(period(c, "period", CheckSpec.DEFAULT_PERIOD, problems));
  }

  private static Duration period(ConfigNode n, String key, Duration dflt, Problems problems) {
    Duration d = n.duration(key, dflt);
    if (d.compareTo(Schedule.MIN_PERIOD) < 0 || d.compareTo(Schedule.MAX_PERIOD) > 0) {
      problems.error(n.path(key), "must be between 1s and 365d, got " + ConfigNode.show(d));
      return dflt;
    }
    return d;
  }

  private static Duration grace(ConfigNode n, String key, Duration dflt, Problems problems) {
    Duration d = n.duration(key, dflt);
    if (d.compareTo(CheckSpec.MAX_GRACE) > 0) {
      problems.error(n.path(key), "must be at most 365d, got " + ConfigNode.show(d));
      return dflt;
    }
    return d;
  }

  private static List<String> keywords(ConfigNode k, String key, Problems problems) {
    List<String> l = k.strings(key);
    if (l.size() > CheckSpec.MAX_KEYWORDS) {
      problems.error(k.path(key), "at most " + CheckSpec.MAX_KEYWORDS + " keywords");
    }
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i).isEmpty()) {
        problems.error(k.path(key) + "[" + i + "]", "must not be empty");
      }
    }
    return l;
  }

  private static String service(ConfigNode n, Set<String> services, Problems problems) {
    String service = n.required("service");
    if (service != null && !services.contains(service)) {
      problems.error(n.path("service"), "unknown service \"" + service + "\" (services: "
          + String.join(", ", services.stream().sorted().toList()) + ")");
      return null;
    }
    return service;
  }

  private static String secretHash(ConfigNode k, Problems problems) {
    if (k.has("key") == k.has("key_sha256")) {
      problems.error(k.path(), "exactly one of key or key_sha256 must be set");
      return null;
    }
    if (k.has("key_sha256")) {
      String h = k.string("key_sha256", "");
      if (!h.matches("[0-9a-fA-F]{64}")) {
        problems.error(k.path("key_sha256"), "must be 64 hexadecimal characters (a SHA-256"
            + " digest)");
        return null;
      }
      return h.toLowerCase(java.util.Locale.ROOT);
    }
    Problems.Text t = k.text("key");
    if (t == null) {
      return null;
    }
    if (!t.value().matches("[A-Za-z0-9_-]{" + ConfigLoader.MIN_PLAIN_KEY_LENGTH + ",100}")) {
      problems.error(k.path("key"), "must be " + ConfigLoader.MIN_PLAIN_KEY_LENGTH
          + " to 100 characters of A-Z, a-z, 0-9, '-' and '_' (it is part of URLs)");
      return null;
    }
    if (!t.fromEnv()) {
      problems.warn(k.path("key"), "plain-text key in the config file; prefer key_sha256 or"
          + " ${ENV}");
    }
    return ConfigLoader.sha256Hex(t.value());
  }

  private static String secret(ConfigNode n, String key, Problems problems) {
    Problems.Text t = n.text(key);
    if (t == null || t.value().isEmpty()) {
      return null;
    }
    if (t.value().length() < MIN_SECRET_LENGTH) {
      problems.error(n.path(key), "must be at least " + MIN_SECRET_LENGTH + " characters, got "
          + t.value().length());
      return null;
    }
    if (!t.fromEnv()) {
      problems.warn(n.path(key), "plain-text secret in the config file; prefer ${ENV}");
    }
    return t.value();
  }

  private static Udp udp(ConfigNode n, Problems problems) {
    if (!n.has("udp")) {
      return Udp.OFF;
    }
    ConfigNode u = n.map("udp", "host", "port", "multicast_group", "interface", "secret",
        "window", "rate_limit");
    String host = u.string("host", Udp.DEFAULT_HOST);
    int port = u.integer("port", 0, 0, 65535);
    String group = u.string("multicast_group", null);
    if (group != null && group.isEmpty()) {
      group = null;
    }
    if (group != null) {
      try {
        if (!InetAddress.getByName(group).isMulticastAddress()) {
          problems.error(u.path("multicast_group"), "\"" + group + "\" is not a multicast"
              + " address (224.0.0.0/4 or ff00::/8)");
        }
      } catch (UnknownHostException e) {
        problems.error(u.path("multicast_group"), "not an IP address: \"" + group + "\"");
      }
    }
    String nif = u.string("interface", null);
    String secret = secret(u, "secret", problems);
    Duration window = u.duration("window", Udp.DEFAULT_WINDOW);
    if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
      problems.error(u.path("window"), "must be between 1s and 1h, got " + ConfigNode.show(window));
      window = Udp.DEFAULT_WINDOW;
    }
    ConfigNode rate = u.map("rate_limit", "datagrams_per_second", "burst");
    double perSecond = rate.positiveNumber("datagrams_per_second",
        Udp.DEFAULT_DATAGRAMS_PER_SECOND);
    int burst = rate.integer("burst", Udp.DEFAULT_BURST, 1, 1_000_000);
    return new Udp(host, port, group, nif == null || nif.isEmpty() ? null : nif, secret, window,
        perSecond, burst);
  }

  static Probe probe(ConfigNode p, Problems problems) {
    List<String> kinds = new ArrayList<>();
    for (String k : List.of("http", "tcp", "tls", "dns")) {
      if (p.has(k)) {
        kinds.add(k);
      }
    }
    if (kinds.size() != 1) {
      problems.error(p.path(), "exactly one of http, tcp, tls or dns must be set");
      return null;
    }
    Probe.Type type = Probe.Type.valueOf(kinds.get(0).toUpperCase(java.util.Locale.ROOT));
    String target = p.string(kinds.get(0), "");
    switch (type) {
      case HTTP -> {
        try {
          URI uri = new URI(target);
          if (!("http".equalsIgnoreCase(uri.getScheme())
              || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            problems.error(p.path("http"), "must be an http:// or https:// URL");
          }
        } catch (URISyntaxException e) {
          problems.error(p.path("http"), "not a URL: " + e.getReason());
        }
      }
      case TCP, TLS -> {
        int colon = target.lastIndexOf(':');
        boolean ok = colon > 0 && target.substring(colon + 1).matches("\\d{1,5}")
            && Integer.parseInt(target.substring(colon + 1)) <= 65535;
        if (!ok) {
          problems.error(p.path(kinds.get(0)), "must be host:port, got \"" + target + "\"");
        }
      }
      case DNS -> {
        if (!target.matches("[A-Za-z0-9.-]{1,253}")) {
          problems.error(p.path("dns"), "must be a host name, got \"" + target + "\"");
        }
      }
    }
    Duration interval = p.duration("interval", Probe.DEFAULT_INTERVAL);
    if (interval.compareTo(Probe.MIN_INTERVAL) < 0) {
      problems.error(p.path("interval"), "must be at least 1s");
      interval = Probe.DEFAULT_INTERVAL;
    }
    Duration timeout = p.duration("timeout", Probe.DEFAULT_TIMEOUT);
    if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
      problems.error(p.path("timeout"), "must be between 100ms and 1m");
      timeout = Probe.DEFAULT_TIMEOUT;
    }
    int retries = p.integer("retries", Probe.DEFAULT_RETRIES, 0, Probe.MAX_RETRIES);
    int fail = p.integer("failure_threshold", Probe.DEFAULT_FAILURE_THRESHOLD, 1, 100);
    int ok = p.integer("success_threshold", Probe.DEFAULT_SUCCESS_THRESHOLD, 1, 100);
    String method = p.string("method", "GET").toUpperCase(java.util.Locale.ROOT);
    if (!List.of("GET", "HEAD", "POST", "PUT", "OPTIONS").contains(method)) {
      problems.error(p.path("method"), "must be one of GET, HEAD, POST, PUT, OPTIONS");
    }
    Map<String, String> headers = p.stringMap("headers");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (!h.getKey().matches("[A-Za-z0-9-]{1,64}") || h.getValue().contains("\r")
          || h.getValue().contains("\n")) {
        problems.error(p.path("headers") + "." + h.getKey(), "not a valid header");
      }
    }
    List<Integer> statuses = p.integers("expected_status", 100, 599);
    String contains = p.string("body_contains", null);
    String jsonPath = p.string("json_path", null);
    String jsonEquals = p.string("json_equals", null);
    if (jsonPath != null) {
      try {
        com.fasterxml.jackson.core.JsonPointer.compile(jsonPath);
      } catch (IllegalArgumentException e) {
        problems.error(p.path("json_path"), "not a JSON Pointer (RFC 6901) like /status or"
            + " /checks/0/ok: " + e.getMessage());
      }
    }
    if (jsonEquals != null && jsonPath == null) {
      problems.error(p.path("json_equals"), "needs json_path");
    }
    Duration maxLatency = p.has("max_latency") ? p.duration("max_latency", null) : null;
    int warnDays = p.integer("warn_days", Probe.DEFAULT_WARN_DAYS, 0, 3650);
    if (type != Probe.Type.HTTP) {
      for (String k : List.of("method", "headers", "expected_status", "body_contains",
          "json_path", "json_equals")) {
        if (p.has(k)) {
          problems.error(p.path(k), "only for http probes");
        }
      }
    }
    return new Probe(type, target, interval, timeout, retries, fail, ok, method, headers,
        statuses, contains, maxLatency, warnDays, jsonPath, jsonEquals);
  }
}
