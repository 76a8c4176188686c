package dev.watchkeeper.config;

import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.incident.Lifecycle;
import dev.watchkeeper.people.Team;
import dev.watchkeeper.people.User;
import dev.watchkeeper.mute.InhibitRule;
import dev.watchkeeper.oncall.NightWindow;
import dev.watchkeeper.oncall.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration, as loaded from one YAML file. Immutable; a reload builds a new one.
 * Keys are documented in {@code config/watchkeeper.example.yml}.
 */
public record WatchkeeperConfig(
    Server server,
    Storage storage,
    Ingest ingest,
    Logging logging,
    List<ApiToken> apiTokens,
    List<Service> services,
    SilenceLimits silences,
    Oncall oncall,
    List<InhibitRule> inhibitRules,
    Notifications notifications,
    Security security,
    Checks checks) {

  public WatchkeeperConfig {
    security = security == null ? Security.DEFAULT : security;
    checks = checks == null ? Checks.DEFAULT : checks;
    notifications = notifications == null ? Notifications.NONE : notifications;
    apiTokens = List.copyOf(apiTokens);
    services = List.copyOf(services);
    silences = silences == null ? SilenceLimits.DEFAULT : silences;
    oncall = oncall == null ? Oncall.EMPTY : oncall;
    inhibitRules = inhibitRules == null ? List.of() : List.copyOf(inhibitRules);
    notifications = notifications == null ? Notifications.DEFAULT : notifications;
  }

  /** Without {@code security} and {@code checks} sections (their defaults). */
  public WatchkeeperConfig(Server server, Storage storage, Ingest ingest, Logging logging,
      List<ApiToken> apiTokens, List<Service> services, SilenceLimits silences, Oncall oncall,
      List<InhibitRule> inhibitRules, Notifications notifications) {
    this(server, storage, ingest, logging, apiTokens, services, silences, oncall, inhibitRules,
        notifications, Security.DEFAULT, Checks.DEFAULT);
  }

  /** Without a {@code notifications} section. */
  public WatchkeeperConfig(Server server, Storage storage, Ingest ingest, Logging logging,
      List<ApiToken> apiTokens, List<Service> services, SilenceLimits silences, Oncall oncall,
      List<InhibitRule> inhibitRules) {
    this(server, storage, ingest, logging, apiTokens, services, silences, oncall, inhibitRules,
        Notifications.NONE);
  }

  /** Without people, escalation policies and {@code inhibit_rules}. */
  public WatchkeeperConfig(Server server, Storage storage, Ingest ingest, Logging logging,
      List<ApiToken> apiTokens, List<Service> services, SilenceLimits silences) {
    this(server, storage, ingest, logging, apiTokens, services, silences, Oncall.EMPTY,
        List.of(), Notifications.DEFAULT);
  }

  /** Without a {@code silences} section (its defaults). */
  public WatchkeeperConfig(Server server, Storage storage, Ingest ingest, Logging logging,
      List<ApiToken> apiTokens, List<Service> services) {
    this(server, storage, ingest, logging, apiTokens, services, SilenceLimits.DEFAULT);
  }

  public Optional<Service> service(String id) {
    return services.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Returns a copy with the HTTP port replaced (CLI {@code --port}). */
  public WatchkeeperConfig withPort(int port) {
    return new WatchkeeperConfig(
        new Server(server.host(), port, server.publicUrl(), server.shutdownGrace(),
            server.icalSecret()),
        storage, ingest, logging, apiTokens, services, silences, oncall, inhibitRules,
        notifications, security, checks);
  }

  /** Returns a copy with the data directory replaced (CLI {@code --data}). */
  public WatchkeeperConfig withDataDir(Path dataDir) {
    return new WatchkeeperConfig(
        server,
        new Storage(storage.url(), storage.username(), storage.password(), dataDir,
            storage.poolSize(), storage.writers()),
        ingest, logging, apiTokens, services, silences, oncall, inhibitRules, notifications,
        security, checks);
  }

  /**
   * HTTP listener.
   *
   * @param publicUrl the base URL of links the server hands out (ping URLs, iCalendar feeds,
   *     one-click actions), or null when none is configured: then {@link #baseUrl} is the
   *     address it listens on, with the port it got
   * @param icalSecret the key that signs iCalendar feed URLs, or null to use a random one
   *     generated once and kept in the database
   */
  public record Server(String host, int port, String publicUrl, Duration shutdownGrace,
      String icalSecret) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
    /** Shortest {@code ical_secret} accepted. */
    public static final int MIN_ICAL_SECRET_LENGTH = 16;

    /** Without an iCalendar secret (the database's is used). */
    public Server(String host, int port, String publicUrl, Duration shutdownGrace) {
      this(host, port, publicUrl, shutdownGrace, null);
    }

    /**
     * The configured {@code public_url}, else {@code http://<host>:<port>} with the port the
     * server is bound to (the configured one may be 0, or replaced by {@code --port}).
     */
    public String baseUrl(int boundPort) {
      if (publicUrl != null) {
        return publicUrl;
      }
      return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }

    @Override
    public String toString() {
      return "Server[host=" + host + ", port=" + port + ", publicUrl=" + publicUrl
          + ", shutdownGrace=" + shutdownGrace + ", icalSecret=" + (icalSecret == null ? "none"
          : "***") + "]";
    }
  }

  /**
   * Storage. {@code url} empty means SQLite in {@code dataDir/watchkeeper.db}; otherwise a JDBC URL
   * ({@code jdbc:sqlite:...} or {@code jdbc:postgresql://...}).
   */
  public record Storage(
      String url, String username, String password, Path dataDir, int poolSize, int writers) {
    public static final Path DEFAULT_DATA_DIR = Path.of("watchkeeper-data");
    public static final int DEFAULT_POOL_SIZE = 8;
    /** Group-commit writer threads; SQLite always uses one. */
    public static final int DEFAULT_WRITERS = 2;

    public boolean isPostgres() {
      return url != null && url.startsWith("jdbc:postgresql:");
    }

    /** The effective JDBC URL. */
    public String jdbcUrl() {
      if (url == null || url.isBlank()) {
        return "jdbc:sqlite:" + dataDir.resolve("watchkeeper.db");
      }
      return url;
    }

    @Override
    public String toString() {
      return "Storage[url=" + jdbcUrl() + ", username=" + username + ", password=***, dataDir="
          + dataDir + ", poolSize=" + poolSize + ", writers=" + writers + "]";
    }
  }

  /** Ingest limits. */
  public record Ingest(int maxBodyBytes, int maxBatchEvents, RateLimit rateLimit, int commitMaxEvents) {
    public static final int DEFAULT_MAX_BODY_BYTES = 512 * 1024;
    public static final int DEFAULT_MAX_BATCH_EVENTS = 1000;
    public static final int DEFAULT_COMMIT_MAX_EVENTS = 5000;
  }

  /** Token bucket per integration key, counted in events. */
  public record RateLimit(double eventsPerSecond, int burst) {
    public static final double DEFAULT_EVENTS_PER_SECOND = 20_000;
    public static final int DEFAULT_BURST = 40_000;
  }

  /** Log level of the {@code dev.watchkeeper} loggers at start (changeable at run time). */
  public record Logging(String level) {
    public static final String DEFAULT_LEVEL = "info";
  }

  /**
   * People, escalation and on-call: {@code users}, {@code teams}, {@code escalation_policies},
   * {@code schedules} and the {@code recovery} rule.
   */
  public record Oncall(List<User> users, List<Team> teams, List<EscalationPolicy> policies,
      List<Schedule> schedules, Recovery recovery) {
    public static final Oncall EMPTY = new Oncall(List.of(), List.of(), List.of());

    public Oncall {
      users = List.copyOf(users);
      teams = List.copyOf(teams);
      policies = List.copyOf(policies);
      schedules = schedules == null ? List.of() : List.copyOf(schedules);
      recovery = recovery == null ? Recovery.DEFAULT : recovery;
    }

    /** Without schedules, and the default recovery rule. */
    public Oncall(List<User> users, List<Team> teams, List<EscalationPolicy> policies) {
      this(users, teams, policies, List.of(), Recovery.DEFAULT);
    }

    public Optional<Schedule> schedule(String id) {
      return schedules.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public Optional<User> user(String id) {
      return users.stream().filter(u -> u.id().equals(id)).findFirst();
    }

    public Optional<Team> team(String id) {
      return teams.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    public Optional<EscalationPolicy> policy(String id) {
      return policies.stream().filter(p -> p.id().equals(id)).findFirst();
    }
  }

  /**
   * The recovery rule ({@code recovery:}): a person paged during {@code night} on their own wall
   * clock is skipped by every schedule for the night window's relief length after the page.
   *
   * @param enabled false turns the rule off (a kill switch: reliefs are derived from the recorded
   *     pages, so none applies from the moment the config is reloaded)
   */
  public record Recovery(boolean enabled, NightWindow night) {
    public static final boolean DEFAULT_ENABLED = true;
    /** Longest relief a config may set. */
    public static final Duration MAX_RELIEF = Duration.ofDays(7);
    public static final Recovery DEFAULT = new Recovery(DEFAULT_ENABLED, NightWindow.DEFAULT);
  }

  /**
   * {@code notifications:}: CIDR ranges the SSRF guard lets through, the webhook signing secret
   * and extra headers, the ntfy token, and the SMTP server for email contact methods (null: no
   * email channel). Secrets are never shown by {@link #toString}.
   */
  public record Notifications(List<String> allowPrivateNetworks, String webhookSigningSecret,
      java.util.Map<String, String> webhookHeaders, String ntfyToken, Email email,
      StormControl storm, Duration linkTtl, dev.watchkeeper.notify.Templates templates,
      Duration deliveryLease, Sms sms) {
    /** How long a one-click acknowledge/resolve link works by default. */
    public static final Duration DEFAULT_LINK_TTL = Duration.ofHours(12);
    /**
     * How long a delivery worker owns a message it is sending; after a crash the message is sent
     * again once this has passed (by any node). Longer than every channel's timeout.
     */
    public static final Duration DEFAULT_DELIVERY_LEASE = Duration.ofMinutes(2);
    public static final Notifications DEFAULT =
        new Notifications(List.of(), null, java.util.Map.of(), null, null);
    /** Nothing configured: no email, no signed webhooks, no private network allowed. */
    public static final Notifications NONE = DEFAULT;

    public Notifications {
      allowPrivateNetworks = List.copyOf(allowPrivateNetworks);
      webhookHeaders = java.util.Map.copyOf(webhookHeaders);
      storm = storm == null ? StormControl.DEFAULT : storm;
      linkTtl = linkTtl == null ? DEFAULT_LINK_TTL : linkTtl;
      templates = templates == null ? dev.watchkeeper.notify.Templates.NONE : templates;
      deliveryLease = deliveryLease == null ? DEFAULT_DELIVERY_LEASE : deliveryLease;
    }

    public Notifications(List<String> allowPrivateNetworks, String webhookSigningSecret,
        java.util.Map<String, String> webhookHeaders, String ntfyToken, Email email) {
      this(allowPrivateNetworks, webhookSigningSecret, webhookHeaders, ntfyToken, email, null,
          null, null, null, null);
    }

    /** Only an SMTP server. */
    public Notifications(Email email) {
      this(List.of(), null, java.util.Map.of(), null, email);
    }

    @Override
    public String toString() {
      return "Notifications[allowPrivateNetworks=" + allowPrivateNetworks + ", webhook="
          + (webhookSigningSecret == null ? "off" : "signed") + ", ntfyToken="
          + (ntfyToken == null ? "none" : "***") + ", email=" + email + ", sms=" + sms + "]";
    }
  }

  /**
   * {@code notifications.sms}: the SMS provider (Twilio's Messages API or a compatible one).
   * Secrets are never shown by {@link #toString}.
   */
  public record Sms(String provider, String baseUrl, String accountSid, String authToken,
      String from) {
    @Override
    public String toString() {
      return "Sms[provider=" + provider + ", baseUrl=" + baseUrl + ", from=" + from + "]";
    }
  }

  /**
   * {@code notifications.storm_control}: when a person has been paged {@code threshold} times
   * within {@code window}, further pages are not sent one by one but collected into one digest
   * per contact method, sent {@code digestDelay} after the first page it holds.
   *
   * @param threshold 0 turns storm control off
   */
  public record StormControl(int threshold, Duration window, Duration digestDelay) {
    public static final StormControl DEFAULT =
        new StormControl(10, Duration.ofMinutes(10), Duration.ofMinutes(1));
    public static final StormControl OFF = new StormControl(0, Duration.ofMinutes(10),
        Duration.ofMinutes(1));

    public boolean enabled() {
      return threshold > 0;
    }
  }

  /**
   * {@code notifications.email}: the SMTP server that sends email notifications.
   *
   * @param starttls upgrade with STARTTLS and refuse to send without it
   * @param username null for no SMTP AUTH
   * @param from the sender address; its domain also names the Message-IDs
   */
  public record Email(String host, int port, boolean starttls, String username, String password,
      String from) {
    public static final int DEFAULT_PORT = 587;
    public static final boolean DEFAULT_STARTTLS = true;

    @Override
    public String toString() {
      return "Email[host=" + host + ", port=" + port + ", starttls=" + starttls + ", username="
          + username + ", from=" + from + "]";
    }
  }

  /**
   * {@code security:}: login sessions, password rules, login rate limits and HSTS.
   *
   * @param secureCookies mark the session cookie {@code Secure} (sent over HTTPS only; browsers
   *     also accept it on http://localhost); turn off only for plain HTTP on another host
   * @param sessionMaxAge a session ends this long after login, active or not
   * @param sessionIdleTimeout a session ends after this long without a request
   * @param hstsMaxAge {@code Strict-Transport-Security} max-age; zero sends no header
   */
  public record Security(boolean secureCookies, Duration sessionMaxAge,
      Duration sessionIdleTimeout, int passwordMinLength, LoginRateLimit loginRateLimit,
      Duration hstsMaxAge) {
    public static final boolean DEFAULT_SECURE_COOKIES = true;
    public static final Duration DEFAULT_SESSION_MAX_AGE = Duration.ofDays(7);
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofHours(24);
    public static final Duration MAX_SESSION_AGE = Duration.ofDays(90);
    public static final int DEFAULT_PASSWORD_MIN_LENGTH = 12;
    public static final int LOWEST_PASSWORD_MIN_LENGTH = 8;
    public static final Duration MAX_HSTS = Duration.ofDays(730);
    public static final Security DEFAULT = new Security(DEFAULT_SECURE_COOKIES,
        DEFAULT_SESSION_MAX_AGE, DEFAULT_SESSION_IDLE_TIMEOUT, DEFAULT_PASSWORD_MIN_LENGTH,
        LoginRateLimit.DEFAULT, Duration.ZERO);
  }

  /**
   * Login attempts allowed per account name and per client address within {@code window}
   * (a token bucket: the allowance comes back gradually over the window); over it, 429.
   */
  public record LoginRateLimit(int perAccount, int perAddress, Duration window) {
    public static final int DEFAULT_PER_ACCOUNT = 5;
    public static final int DEFAULT_PER_ADDRESS = 20;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    public static final LoginRateLimit DEFAULT =
        new LoginRateLimit(DEFAULT_PER_ACCOUNT, DEFAULT_PER_ADDRESS, DEFAULT_WINDOW);
  }

  /**
   * {@code checks:}: heartbeat checks and probes, the ping endpoints' limits, the keys of slug
   * ping URLs, the UDP listener, and the networks probes may reach.
   *
   * @param pingBodyLimit bytes of a ping body kept (the rest is dropped; {@code Ping-Body-Limit})
   * @param keepPings recent pings kept per check
   * @param foldInterval how often the check states that pings changed (kept in memory, the pings
   *     themselves in the ping log) are written into the checks table
   * @param autoPeriod period of a check registered by a slug ping with {@code ?create=1}
   * @param probeAllowPrivateNetworks CIDR ranges probes may reach although private
   */
  public record Checks(int pingBodyLimit, int keepPings, Duration foldInterval,
      double pingsPerSecond, int pingBurst,
      Duration autoPeriod, Duration autoGrace, List<String> probeAllowPrivateNetworks, Udp udp,
      List<PingKey> pingKeys, List<ConfiguredCheck> list) {
    public static final int DEFAULT_PING_BODY_LIMIT = 10_000;
    public static final int MAX_PING_BODY_LIMIT = 1_000_000;
    public static final int DEFAULT_KEEP_PINGS = 100;
    public static final Duration DEFAULT_FOLD_INTERVAL = Duration.ofSeconds(1);
    public static final Duration MIN_FOLD_INTERVAL = Duration.ofMillis(100);
    public static final Duration MAX_FOLD_INTERVAL = Duration.ofMinutes(1);
    public static final double DEFAULT_PINGS_PER_SECOND = 5;
    public static final int DEFAULT_PING_BURST = 20;
    public static final Duration DEFAULT_AUTO_PERIOD = Duration.ofDays(1);
    public static final Duration DEFAULT_AUTO_GRACE = Duration.ofHours(1);
    public static final Checks DEFAULT = new Checks(DEFAULT_PING_BODY_LIMIT, DEFAULT_KEEP_PINGS,
        DEFAULT_FOLD_INTERVAL, DEFAULT_PINGS_PER_SECOND, DEFAULT_PING_BURST, DEFAULT_AUTO_PERIOD, DEFAULT_AUTO_GRACE,
        List.of(), Udp.OFF, List.of(), List.of());

    public Checks {
      probeAllowPrivateNetworks = List.copyOf(probeAllowPrivateNetworks);
      pingKeys = List.copyOf(pingKeys);
      list = List.copyOf(list);
      udp = udp == null ? Udp.OFF : udp;
    }

    /** The service whose slug URLs a ping key (its SHA-256 hex) opens. */
    public Optional<PingKey> pingKey(String sha256) {
      return pingKeys.stream().filter(k -> k.keySha256().equals(sha256)).findFirst();
    }
  }

  /** A key of slug ping URLs {@code /ping/<key>/<slug>}: it names the service of the slugs. */
  public record PingKey(String name, String service, String keySha256) {
    @Override
    public String toString() {
      return "PingKey[name=" + name + ", service=" + service + "]";
    }
  }

  /**
   * A check of the config file: its spec (parent as {@code service/slug}), the id it asks for
   * (null: random, kept in the database), its own UDP secret (null: the global one), its probe
   * (null: a heartbeat).
   */
  public record ConfiguredCheck(dev.watchkeeper.check.CheckSpec spec, String id,
      String udpSecret, dev.watchkeeper.check.probe.Probe probe) {
    @Override
    public String toString() {
      return "ConfiguredCheck[" + spec.service() + "/" + spec.slug() + "]";
    }
  }

  /**
   * {@code checks.udp}: the UDP heartbeat listener; port 0 = off.
   *
   * @param multicastGroup a group to join (null: unicast only)
   * @param window how far a datagram's timestamp may be from now (replays outside it are dropped)
   * @param datagramsPerSecond sustained datagrams per check (a token bucket per check)
   * @param burst datagrams per check above the sustained rate; beyond, datagrams are dropped and
   *     counted ({@code watchkeeper_checks_udp_dropped_total{reason="rate_limited"}})
   */
  public record Udp(String host, int port, String multicastGroup, String networkInterface,
      String secret, Duration window, double datagramsPerSecond, int burst) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
    public static final double DEFAULT_DATAGRAMS_PER_SECOND = 1;
    public static final int DEFAULT_BURST = 10;
    public static final Udp OFF = new Udp(DEFAULT_HOST, 0, null, null, null, DEFAULT_WINDOW,
        DEFAULT_DATAGRAMS_PER_SECOND, DEFAULT_BURST);

    public boolean enabled() {
      return port > 0;
    }

    @Override
    public String toString() {
      return "Udp[host=" + host + ", port=" + port + ", group=" + multicastGroup + ", secret="
          + (secret == null ? "none" : "***") + ", window=" + window + ", rate="
          + datagramsPerSecond + "/s, burst=" + burst + "]";
    }
  }

  /** Silences ({@code silences:}): the longest allowed silence. */
  public record SilenceLimits(Duration maxDuration) {
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofDays(7);
    public static final SilenceLimits DEFAULT = new SilenceLimits(DEFAULT_MAX_DURATION);
  }

  /** Management API token: name (the actor), role, and the SHA-256 hex of the token. */
  public record ApiToken(String name, Role role, String tokenSha256) {
    @Override
    public String toString() {
      return "ApiToken[name=" + name + ", role=" + role + "]";
    }
  }

  /** Token roles, ordered: each includes the ones before it. */
  public enum Role {
    VIEWER, RESPONDER, ADMIN;

    public boolean includes(Role other) {
      return this.ordinal() >= other.ordinal();
    }
  }

  /**
   * A service: the unit that owns alerts, with its integration keys, alert grouping, incident
   * lifecycle, escalation policy (null = nobody paged), the label routes that hand events
   * arriving through its keys to other services, and the team that owns it (null = the teams
   * its escalation policy pages, if any).
   */
  public record Service(String id, String name, List<IntegrationKey> integrationKeys,
      Grouping grouping, Lifecycle lifecycle, String escalationPolicy,
      List<LabelRoute> labelRoutes, String team) {
    public Service {
      integrationKeys = List.copyOf(integrationKeys);
      lifecycle = lifecycle == null ? Lifecycle.DEFAULT : lifecycle;
      labelRoutes = labelRoutes == null ? List.of() : List.copyOf(labelRoutes);
    }

    /** Without an owning team. */
    public Service(String id, String name, List<IntegrationKey> integrationKeys,
        Grouping grouping, Lifecycle lifecycle, String escalationPolicy,
        List<LabelRoute> labelRoutes) {
      this(id, name, integrationKeys, grouping, lifecycle, escalationPolicy, labelRoutes, null);
    }

    public Service(String id, String name, List<IntegrationKey> integrationKeys,
        Grouping grouping) {
      this(id, name, integrationKeys, grouping, Lifecycle.DEFAULT, null, List.of());
    }

    public Service(String id, String name, List<IntegrationKey> integrationKeys) {
      this(id, name, integrationKeys, Grouping.DEFAULT);
    }
  }

  /**
   * One entry of a service's {@code label_routes}: an event that arrives through one of the
   * service's integration keys and whose labels match belongs to {@code service} instead. It
   * matches when every {@code match} label has exactly that value and every {@code matchRe} label
   * fully matches that regular expression (a missing label counts as empty, as in Alertmanager).
   * The first matching route of a service wins.
   */
  public record LabelRoute(Map<String, String> match, Map<String, String> matchRe,
      String service) {
    /** Most routes one service may have: each event is tried against them in order. */
    public static final int MAX_PER_SERVICE = 100;

    public LabelRoute {
      match = Map.copyOf(match);
      matchRe = Map.copyOf(matchRe);
    }
  }

  /**
   * How a service's paging alerts are grouped into incidents: equal values of the {@code by}
   * labels, within {@code window} of the incident's opening; an alert re-firing within
   * {@code reopenWindow} of its incident's resolution re-opens that incident.
   */
  public record Grouping(List<String> by, Duration window, Duration reopenWindow) {
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    /** 0 = a resolved incident is never re-opened; a re-firing alert opens a new one. */
    public static final Duration DEFAULT_REOPEN_WINDOW = Duration.ZERO;
    public static final Duration MAX_WINDOW = Duration.ofHours(24);
    public static final int MAX_LABELS = 10;
    public static final Grouping DEFAULT =
        new Grouping(List.of(), DEFAULT_WINDOW, DEFAULT_REOPEN_WINDOW);

    public Grouping {
      by = List.copyOf(by);
    }
  }

  /** An integration key: a name (shown in the API) and the SHA-256 hex of the secret. */
  public record IntegrationKey(String name, String keySha256) {
    @Override
    public String toString() {
      return "IntegrationKey[name=" + name + "]";
    }
  }
}
