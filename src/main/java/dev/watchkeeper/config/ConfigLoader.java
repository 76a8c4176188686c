package dev.watchkeeper.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.watchkeeper.config.WatchkeeperConfig.ApiToken;
import dev.watchkeeper.config.WatchkeeperConfig.Grouping;
import dev.watchkeeper.incident.Lifecycle;
import dev.watchkeeper.config.WatchkeeperConfig.Ingest;
import dev.watchkeeper.config.WatchkeeperConfig.IntegrationKey;
import dev.watchkeeper.config.WatchkeeperConfig.LabelRoute;
import dev.watchkeeper.config.WatchkeeperConfig.Logging;
import dev.watchkeeper.config.WatchkeeperConfig.RateLimit;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.config.WatchkeeperConfig.Server;
import dev.watchkeeper.config.WatchkeeperConfig.Service;
import dev.watchkeeper.config.WatchkeeperConfig.SilenceLimits;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.mute.InhibitRule;
import dev.watchkeeper.mute.Inhibitions;
import dev.watchkeeper.mute.Matcher;
import dev.watchkeeper.mute.MatcherParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads {@link WatchkeeperConfig} from YAML: parse into a tree, substitute {@code ${ENV}} and
 * {@code ${ENV:default}} in string scalars, bind onto the records and validate, collecting every
 * error with its path. The schema (keys, defaults, limits) is documented in
 * {@code config/watchkeeper.example.yml}. Stateless and thread-safe.
 */
public final class ConfigLoader {
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final Pattern TOKEN_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern SERVICE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");
  static final int MIN_PLAIN_KEY_LENGTH = 8;
  static final int MAX_SERVICE_NAME_LENGTH = 200;

  private ConfigLoader() {}

  /** Reads {@code file}, substituting from the process environment. */
  public static ConfigResult load(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (NoSuchFileException e) {
      return invalid("config file " + file + " does not exist.");
    } catch (CharacterCodingException e) {
      return invalid("config file " + file + " is not valid UTF-8.");
    } catch (IOException e) {
      return invalid("config file " + file + " cannot be read: " + e.getMessage());
    }
    return parse(yaml, System::getenv);
  }

  /** Parses and validates YAML text; {@code env} maps a variable name to its value or null. */
  public static ConfigResult parse(String yaml, Function<String, String> env) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      return invalid(syntaxError(e));
    }
    Problems problems = new Problems(env);
    WatchkeeperConfig config = bind(root, problems);
    return problems.errors.isEmpty()
        ? new ConfigResult.Valid(config, List.copyOf(problems.warnings))
        : new ConfigResult.Invalid(List.copyOf(problems.errors));
  }

  /**
   * The built-in demo config ({@code /demo-config.yml} on the classpath), used by {@code serve}
   * without {@code --config}. Ignores the environment.
   *
   * @throws IllegalStateException if the resource is missing or invalid (a build defect)
   */
  public static WatchkeeperConfig demo() {
    String yaml;
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/demo-config.yml")) {
      if (in == null) {
        throw new IllegalStateException("classpath resource /demo-config.yml is missing");
      }
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /demo-config.yml", e);
    }
    ConfigResult result = parse(yaml, name -> null);
    if (result instanceof ConfigResult.Invalid invalid) {
      throw new IllegalStateException("/demo-config.yml is invalid: " + invalid.errors());
    }
    return ((ConfigResult.Valid) result).config();
  }

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}: how tokens and keys are stored. */
  public static String sha256Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static ConfigResult invalid(String message) {
    return new ConfigResult.Invalid(List.of(new ConfigError("", message)));
  }

  static String syntaxError(JsonProcessingException e) {
    // SnakeYAML's own exception knows the problem and where it is; its full message adds a
    // context line and a quoted snippet over several lines, too much for one error.
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null
        && m.getProblemMark() != null) {
      return "YAML syntax error at line " + (m.getProblemMark().getLine() + 1) + ", column "
          + (m.getProblemMark().getColumn() + 1) + ": " + m.getProblem();
    }
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String problem = e.getOriginalMessage().lines().findFirst().orElse("").strip();
    return "YAML syntax error" + where + ": " + problem;
  }

  private static WatchkeeperConfig bind(JsonNode tree, Problems problems) {
    ConfigNode root = ConfigNode.root(tree, problems,
        "server", "storage", "ingest", "logging", "api_tokens", "services", "silences",
        "inhibit_rules", "users", "teams", "escalation_policies", "notifications", "schedules",
        "recovery", "security", "checks");
    if (root == null) {
      return null;
    }
    Server server = server(
        root.map("server", "host", "port", "public_url", "shutdown_grace",
            "ical_secret"), problems);
    Storage storage = storage(root.map("storage",
        "url", "username", "password", "data_dir", "pool_size", "writers"), problems);
    Ingest ingest = ingest(root.map("ingest",
        "max_body_bytes", "max_batch_events", "commit_max_events", "rate_limit"));
    Logging logging = logging(root.map("logging", "level"), problems);
    List<ApiToken> tokens = apiTokens(root, problems);
    WatchkeeperConfig.Oncall oncall = OncallConfigLoader.bind(root, problems);
    List<Service> services = services(root, OncallConfigLoader.policyIds(oncall),
        oncall == null ? java.util.Set.of() : oncall.teams().stream()
            .map(dev.watchkeeper.people.Team::id).collect(java.util.stream.Collectors.toSet()),
        problems);
    SilenceLimits silences = silences(root.map("silences", "max_duration"), problems);
    List<InhibitRule> inhibitRules = inhibitRules(root, problems);
    WatchkeeperConfig.Notifications notifications = NotificationsConfigLoader.bind(root, problems);
    WatchkeeperConfig.Security security = SecurityConfigLoader.bind(root, problems);
    java.util.Set<String> serviceIds = new java.util.HashSet<>();
    services.forEach(s -> serviceIds.add(s.id()));
    WatchkeeperConfig.Checks checks = ChecksConfigLoader.bind(root, serviceIds, problems);
    return new WatchkeeperConfig(server, storage, ingest, logging, tokens, services, silences,
        oncall, inhibitRules, notifications, security, checks);
  }

  /** {@code inhibit_rules}: Alertmanager's syntax (source_matchers, target_matchers, equal). */
  private static List<InhibitRule> inhibitRules(ConfigNode root, Problems problems) {
    List<InhibitRule> rules = new ArrayList<>();
    root.forEach("inhibit_rules", List.of("source_matchers", "target_matchers", "equal"), r -> {
      List<Matcher> source = matchers(r, "source_matchers", problems);
      List<Matcher> target = matchers(r, "target_matchers", problems);
      List<String> equal = r.strings("equal");
      for (int i = 0; i < equal.size(); i++) {
        if (!LABEL_NAME.matcher(equal.get(i)).matches()) {
          problems.error(r.path("equal") + "[" + i + "]", "must be a label name matching "
              + LABEL_NAME.pattern() + ", got \"" + equal.get(i) + "\"");
        }
      }
      rules.add(new InhibitRule(source, target, equal));
    });
    if (rules.size() > Inhibitions.MAX_RULES) {
      problems.error(root.path("inhibit_rules"), "at most " + Inhibitions.MAX_RULES
          + " rules, got " + rules.size());
    }
    return rules;
  }

  /** A non-empty list of matcher strings ({@code severity="critical"}), each parsed. */
  private static List<Matcher> matchers(ConfigNode r, String key, Problems problems) {
    if (r.isEmptyList(key)) {
      problems.error(r.path(key), "at least one matcher is required, like \"severity=critical\"");
      return List.of();
    }
    List<Matcher> out = new ArrayList<>();
    List<String> texts = r.strings(key);
    for (int i = 0; i < texts.size(); i++) {
      String path = r.path(key) + "[" + i + "]";
      String text = texts.get(i);
      try {
        List<Matcher> parsed = MatcherParser.parse(text);
        if (parsed.isEmpty()) {
          problems.error(path, "no matcher in \"" + text + "\"");
        }
        for (Matcher m : parsed) {
          if (!LABEL_NAME.matcher(m.name()).matches()) {
            problems.error(path, "invalid matcher \"" + text + "\": label name \"" + m.name()
                + "\" must match " + LABEL_NAME.pattern());
          }
        }
        out.addAll(parsed);
      } catch (MatcherParser.BadMatcher e) {
        problems.error(path, "invalid matcher \"" + text + "\": " + e.why());
      }
    }
    return out;
  }

  private static SilenceLimits silences(ConfigNode n, Problems problems) {
    Duration max = n.duration("max_duration", SilenceLimits.DEFAULT_MAX_DURATION);
    if (max.isZero()) {
      problems.error(n.path("max_duration"), "must be greater than 0");
      return SilenceLimits.DEFAULT;
    }
    return new SilenceLimits(max);
  }

  private static Server server(ConfigNode n, Problems problems) {
    String host = n.string("host", Server.DEFAULT_HOST);
    if (host.isBlank()) {
      problems.error(n.path("host"), "must not be empty");
    }
    // 0 is allowed: the OS picks a free port (tests).
    int port = n.integer("port", Server.DEFAULT_PORT, 0, 65535);
    String publicUrl = n.string("public_url", null);
    if (publicUrl != null && !isHttpUrl(publicUrl)) {
      problems.error(n.path("public_url"),
          "must be an absolute http:// or https:// URL, got \"" + publicUrl + "\"");
    }
    Duration grace = n.duration("shutdown_grace", Server.DEFAULT_SHUTDOWN_GRACE);
    return new Server(host, port, publicUrl, grace, icalSecret(n, problems));
  }

  /** {@code server.ical_secret}: absent or empty means the database's generated secret. */
  private static String icalSecret(ConfigNode n, Problems problems) {
    Problems.Text t = n.text("ical_secret");
    if (t == null || t.value().isEmpty()) {
      return null;
    }
    if (t.value().length() < Server.MIN_ICAL_SECRET_LENGTH) {
      problems.error(n.path("ical_secret"), "must be at least " + Server.MIN_ICAL_SECRET_LENGTH
          + " characters, got " + t.value().length());
      return null;
    }
    if (!t.fromEnv()) {
      problems.warn(n.path("ical_secret"), "plain-text secret in the config file; prefer ${ENV}");
    }
    return t.value();
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static Storage storage(ConfigNode n, Problems problems) {
    String url = n.string("url", "");
    if (!url.isEmpty() && !url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
      // The URL is not echoed: it may carry a password.
      problems.error(n.path("url"),
          "must be empty (SQLite in data_dir) or start with jdbc:sqlite: or jdbc:postgresql:");
    }
    String username = n.string("username", "");
    String password = n.string("password", "");
    Path dataDir = Storage.DEFAULT_DATA_DIR;
    String dir = n.string("data_dir", null);
    if (dir != null) {
      try {
        if (dir.isBlank()) {
          problems.error(n.path("data_dir"), "must not be empty");
        } else {
          dataDir = Path.of(dir);
        }
      } catch (InvalidPathException e) {
        problems.error(n.path("data_dir"), "is not a valid path: " + e.getReason());
      }
    }
    int poolSize = n.integer("pool_size", Storage.DEFAULT_POOL_SIZE, 1, 200);
    int writers = n.integer("writers", Storage.DEFAULT_WRITERS, 1, 32);
    return new Storage(url, username, password, dataDir, poolSize, writers);
  }

  private static Ingest ingest(ConfigNode n) {
    int maxBody =
        n.integer("max_body_bytes", Ingest.DEFAULT_MAX_BODY_BYTES, 1024, 10 * 1024 * 1024);
    int maxBatch = n.integer("max_batch_events", Ingest.DEFAULT_MAX_BATCH_EVENTS, 1, 10_000);
    int commitMax = n.integer("commit_max_events", Ingest.DEFAULT_COMMIT_MAX_EVENTS, 1, 100_000);
    ConfigNode r = n.map("rate_limit", "events_per_second", "burst");
    RateLimit rate = new RateLimit(
        r.positiveNumber("events_per_second", RateLimit.DEFAULT_EVENTS_PER_SECOND),
        r.integer("burst", RateLimit.DEFAULT_BURST, 1, Integer.MAX_VALUE));
    return new Ingest(maxBody, maxBatch, rate, commitMax);
  }

  private static Logging logging(ConfigNode n, Problems problems) {
    String level = n.string("level", Logging.DEFAULT_LEVEL);
    String lower = level.toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(lower)) {
      problems.error(n.path("level"), oneOf(LEVELS, level));
      return new Logging(Logging.DEFAULT_LEVEL);
    }
    return new Logging(lower);
  }

  private static List<ApiToken> apiTokens(ConfigNode root, Problems problems) {
    List<ApiToken> tokens = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    Map<String, String> hashes = new HashMap<>();
    root.forEach("api_tokens", List.of("name", "role", "token_sha256", "token"), t -> {
      String name = t.required("name");
      if (name != null) {
        checkName(t, "name", name, TOKEN_NAME, names, problems);
      }
      Role role = role(t, problems);
      String hash = secretHash(t, "token", "token_sha256", 1, hashes, problems);
      tokens.add(new ApiToken(name, role, hash));
    });
    return tokens;
  }

  private static Role role(ConfigNode t, Problems problems) {
    String role = t.required("role");
    if (role == null) {
      return null;
    }
    List<String> roles = Arrays.stream(Role.values())
        .map(r -> r.name().toLowerCase(Locale.ROOT)).toList();
    if (!roles.contains(role.toLowerCase(Locale.ROOT))) {
      problems.error(t.path("role"), oneOf(roles, role));
      return null;
    }
    return Role.valueOf(role.toUpperCase(Locale.ROOT));
  }

  private static List<Service> services(ConfigNode root, java.util.Set<String> policies,
      java.util.Set<String> teams, Problems problems) {
    if (root.isEmptyList("services")) {
      problems.error(root.path("services"), "at least one service is required");
    }
    List<Service> services = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    Map<String, String> keyHashes = new HashMap<>(); // across all services: a key identifies one
    List<RouteTarget> targets = new ArrayList<>(); // checked once every service id is known
    root.forEach("services", List.of("id", "name", "integration_keys", "grouping", "lifecycle",
        "escalation_policy", "label_routes", "team"), s -> {
      String id = s.required("id");
      if (id != null) {
        checkName(s, "id", id, SERVICE_ID, ids, problems);
      }
      String name = s.string("name", id);
      if (s.has("name") && name != null) {
        if (name.isBlank()) {
          problems.error(s.path("name"), "must not be empty");
        } else if (name.length() > MAX_SERVICE_NAME_LENGTH) {
          problems.error(s.path("name"), "must be at most " + MAX_SERVICE_NAME_LENGTH
              + " characters, got " + name.length());
        }
      }
      if (s.isEmptyList("integration_keys")) {
        problems.error(s.path("integration_keys"), "at least one integration key is required");
      }
      List<IntegrationKey> keys = new ArrayList<>();
      Map<String, String> keyNames = new HashMap<>();
      s.forEach("integration_keys", List.of("name", "key", "key_sha256"), k -> {
        String keyName = k.required("name");
        if (keyName != null) {
          if (keyName.isBlank()) {
            problems.error(k.path("name"), "must not be empty");
          } else {
            unique(k, "name", keyName, keyNames, problems);
          }
        }
        String hash = secretHash(k, "key", "key_sha256", MIN_PLAIN_KEY_LENGTH, keyHashes, problems);
        keys.add(new IntegrationKey(keyName, hash));
      });
      String policy = s.string("escalation_policy", null);
      if (policy != null && !policies.contains(policy)) {
        problems.error(s.path("escalation_policy"), "unknown escalation policy \"" + policy
            + "\"" + (policies.isEmpty() ? " (escalation_policies defines none)"
                : " (known: " + String.join(", ", new java.util.TreeSet<>(policies)) + ")"));
        policy = null;
      }
      String team = s.string("team", null);
      if (team != null && !teams.contains(team)) {
        problems.error(s.path("team"), "unknown team \"" + team + "\"" + (teams.isEmpty()
            ? " (teams defines none)"
            : " (known: " + String.join(", ", new java.util.TreeSet<>(teams)) + ")"));
        team = null;
      }
      services.add(new Service(id, name, keys, grouping(s, problems), lifecycle(s, problems),
          policy, labelRoutes(s, id, targets, problems), team));
    });
    for (RouteTarget t : targets) {
      if (t.target().equals(t.from())) {
        problems.error(t.path(), "routes to its own service \"" + t.target()
            + "\"; events of its keys belong to it already");
      } else if (!ids.containsKey(t.target())) {
        problems.error(t.path(), "unknown service \"" + t.target() + "\" (services: "
            + String.join(", ", ids.keySet().stream().sorted().toList()) + ")");
      }
    }
    return services;
  }

  /** A route's target service, checked against all service ids after they are read. */
  private record RouteTarget(String path, String from, String target) {}

  private static List<LabelRoute> labelRoutes(ConfigNode s, String serviceId,
      List<RouteTarget> targets, Problems problems) {
    List<LabelRoute> routes = new ArrayList<>();
    int[] count = {0};
    s.forEach("label_routes", List.of("match", "match_re", "service"), r -> {
      count[0]++;
      int errorsBefore = problems.errors.size();
      Map<String, String> match = r.stringMap("match");
      Map<String, String> matchRe = r.stringMap("match_re");
      // Not repeated when match or match_re was already reported as malformed.
      if (match.isEmpty() && matchRe.isEmpty() && problems.errors.size() == errorsBefore) {
        problems.error(r.path(), "match or match_re must name at least one label; a route"
            + " that matches every event would take the whole service's events");
      }
      labelNames(r, "match", match, problems);
      labelNames(r, "match_re", matchRe, problems);
      matchRe.forEach((label, regex) -> {
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          problems.error(r.path("match_re") + "." + label, "invalid regular expression \""
              + regex + "\": " + e.getDescription() + " near index " + e.getIndex());
        }
      });
      String target = r.required("service");
      if (target != null && serviceId != null) {
        targets.add(new RouteTarget(r.path("service"), serviceId, target));
      }
      routes.add(new LabelRoute(match, matchRe, target));
    });
    if (count[0] > LabelRoute.MAX_PER_SERVICE) {
      problems.error(s.path("label_routes"), "at most " + LabelRoute.MAX_PER_SERVICE
          + " routes per service, got " + count[0]);
    }
    return routes;
  }

  private static void labelNames(ConfigNode r, String key, Map<String, String> labels,
      Problems problems) {
    for (String name : labels.keySet()) {
      if (!LABEL_NAME.matcher(name).matches()) {
        problems.error(r.path(key) + "." + name, "must be a label name matching "
            + LABEL_NAME.pattern());
      }
    }
  }

  private static Grouping grouping(ConfigNode s, Problems problems) {
    if (!s.has("grouping")) {
      return Grouping.DEFAULT;
    }
    ConfigNode g = s.map("grouping", "by", "window", "reopen_window");
    List<String> by = g.strings("by");
    for (int i = 0; i < by.size(); i++) {
      if (!LABEL_NAME.matcher(by.get(i)).matches()) {
        problems.error(g.path("by") + "[" + i + "]", "must be a label name matching "
            + LABEL_NAME.pattern() + ", got \"" + by.get(i) + "\"");
      }
    }
    if (by.size() > Grouping.MAX_LABELS) {
      problems.error(g.path("by"), "at most " + Grouping.MAX_LABELS + " labels, got "
          + by.size());
    }
    Duration window = g.duration("window", Grouping.DEFAULT_WINDOW);
    if (window != null && (window.isNegative() || window.compareTo(Grouping.MAX_WINDOW) > 0)) {
      problems.error(g.path("window"), "must be between 0s and 24h, got " + window);
      window = Grouping.DEFAULT_WINDOW;
    }
    Duration reopen = g.duration("reopen_window", Grouping.DEFAULT_REOPEN_WINDOW);
    if (reopen != null && reopen.compareTo(Grouping.MAX_WINDOW) > 0) {
      problems.error(g.path("reopen_window"), "must be between 0s and 24h, got " + reopen);
      reopen = Grouping.DEFAULT_REOPEN_WINDOW;
    }
    return new Grouping(by, window == null ? Grouping.DEFAULT_WINDOW : window,
        reopen == null ? Grouping.DEFAULT_REOPEN_WINDOW : reopen);
  }

  private static Lifecycle lifecycle(ConfigNode s, Problems problems) {
    if (!s.has("lifecycle")) {
      return Lifecycle.DEFAULT;
    }
    ConfigNode l = s.map("lifecycle", "ack_timeout", "auto_resolve_after",
        "resolve_when_alerts_resolve", "flap_damping");
    Duration ack = timeout(l, "ack_timeout", Lifecycle.DEFAULT_ACK_TIMEOUT,
        Lifecycle.MAX_ACK_TIMEOUT, problems);
    Duration auto = timeout(l, "auto_resolve_after", Lifecycle.DEFAULT_AUTO_RESOLVE_AFTER,
        Lifecycle.MAX_AUTO_RESOLVE_AFTER, problems);
    boolean resolve = l.bool("resolve_when_alerts_resolve", true);
    int resolutions = 0;
    Duration window = Lifecycle.DEFAULT_FLAP_WINDOW;
    if (l.has("flap_damping")) {
      ConfigNode f = l.map("flap_damping", "resolutions", "window");
      resolutions = f.integer("resolutions", 0, 0, Lifecycle.MAX_FLAP_RESOLUTIONS);
      window = timeout(f, "window", Lifecycle.DEFAULT_FLAP_WINDOW, Lifecycle.MAX_FLAP_WINDOW,
          problems);
      if (window.isZero()) {
        problems.error(f.path("window"), "must be at least "
            + Lifecycle.MIN_DURATION.toSeconds() + "s");
        window = Lifecycle.DEFAULT_FLAP_WINDOW;
      }
    }
    return new Lifecycle(ack, auto, resolve, resolutions, window);
  }

  /** 0 (off) or between {@link Lifecycle#MIN_DURATION} and {@code max}. */
  private static Duration timeout(ConfigNode n, String key, Duration dflt, Duration max,
      Problems problems) {
    Duration d = n.duration(key, dflt);
    if (d == null) {
      return dflt;
    }
    if (!d.isZero() && (d.compareTo(Lifecycle.MIN_DURATION) < 0 || d.compareTo(max) > 0)) {
      problems.error(n.path(key), "must be 0 (off) or between 1s and " + ConfigNode.show(max)
          + ", got " + ConfigNode.show(d));
      return dflt;
    }
    return d;
  }

  private static void checkName(ConfigNode n, String key, String value, Pattern pattern,
      Map<String, String> seen, Problems problems) {
    if (!pattern.matcher(value).matches()) {
      problems.error(n.path(key), "must match " + pattern.pattern() + ", got \"" + value + "\"");
    } else {
      unique(n, key, value, seen, problems);
    }
  }

  /** Reports {@code value} if an earlier item had it; {@code seen} maps values to item paths. */
  private static void unique(
      ConfigNode n, String key, String value, Map<String, String> seen, Problems problems) {
    String earlier = seen.putIfAbsent(value, n.path());
    if (earlier != null) {
      problems.error(n.path(key), "duplicate " + key + " \"" + value + "\" (also " + earlier + ")");
    }
  }

  /**
   * Reads exactly one of a plain secret ({@code plainKey}, at least {@code minLength} characters,
   * hashed here and then dropped) or its SHA-256 ({@code hashKey}), and returns the lower-case hex
   * hash, or null when wrong. A hash seen earlier in {@code seen} is an error: one secret must
   * identify one token or key.
   */
  private static String secretHash(ConfigNode n, String plainKey, String hashKey, int minLength,
      Map<String, String> seen, Problems problems) {
    if (n.has(plainKey) == n.has(hashKey)) {
      problems.error(n.path(), "exactly one of " + plainKey + " or " + hashKey + " must be set");
      return null;
    }
    String field = n.has(plainKey) ? plainKey : hashKey;
    Problems.Text text = n.text(field);
    if (text == null) {
      return null;
    }
    String hash;
    if (field.equals(hashKey)) {
      if (!SHA256_HEX.matcher(text.value()).matches()) {
        problems.error(n.path(field), "must be 64 hexadecimal characters (a SHA-256 digest)");
        return null;
      }
      hash = text.value().toLowerCase(Locale.ROOT);
    } else {
      if (text.value().isEmpty()) {
        problems.error(n.path(field), "must not be empty");
        return null;
      }
      if (text.value().length() < minLength) {
        problems.error(n.path(field), "must be at least " + minLength
            + " characters, got " + text.value().length());
        return null;
      }
      if (!text.fromEnv()) {
        problems.warn(n.path(field), "plain-text " + plainKey + " in the config file; prefer "
            + hashKey + " or ${ENV}");
      }
      hash = sha256Hex(text.value());
    }
    String earlier = seen.putIfAbsent(hash, n.path());
    if (earlier != null) {
      problems.error(n.path(field), "same " + plainKey + " as " + earlier);
      return null;
    }
    return hash;
  }

  private static String oneOf(List<String> allowed, String got) {
    return "must be one of " + String.join(", ", allowed) + "; got \"" + got + "\"";
  }
}
