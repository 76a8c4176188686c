package dev.watchkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.config.WatchkeeperConfig.ApiToken;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.config.WatchkeeperConfig.Service;
import dev.watchkeeper.mute.InhibitRule;
import dev.watchkeeper.mute.Matcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  /** A valid services section, appended to snippets that test other sections. */
  private static final String ONE_SERVICE = """
      services:
        - id: web
          integration_keys:
            - name: default
              key_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
      """;
  private static final Function<String, String> NO_ENV = name -> null;

  // --- shipped files ---

  @Test
  void exampleFileIsValidWithAnEmptyEnvironment() throws IOException {
    WatchkeeperConfig config = valid(Files.readString(Path.of("config/watchkeeper.example.yml")), NO_ENV);

    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.storage().url()).isEmpty();
    assertThat(config.services()).extracting(Service::id).containsExactly("checkout", "payments-db");
    assertThat(config.apiTokens()).extracting(ApiToken::name).containsExactly("ci-bot", "alice");
    assertThat(config.inhibitRules()).hasSize(2);
    assertThat(config.inhibitRules().get(0).targetMatchers()).extracting(Matcher::toString)
        .containsExactly("severity=~\"warning|info\"");
    assertThat(config.services().get(0).labelRoutes())
        .extracting(WatchkeeperConfig.LabelRoute::service)
        .containsExactly("payments-db", "payments-db");
    assertThat(config.oncall().schedules()).extracting(s -> s.id()).containsExactly("db");
    assertThat(config.oncall().schedule("db").orElseThrow().layers()).hasSize(2);
    assertThat(config.oncall().recovery()).isEqualTo(WatchkeeperConfig.Recovery.DEFAULT);
    assertThat(config.server().icalSecret()).isNull();
    assertThat(config.checks().list()).extracting(c -> c.spec().slug())
        .containsExactly("nightly-backup", "api-health");
    assertThat(config.checks().list().get(1).probe().failureThreshold()).isEqualTo(3);
    assertThat(config.checks().pingKeys()).extracting(WatchkeeperConfig.PingKey::service)
        .containsExactly("checkout");
  }

  @Test
  void exampleFileTakesValuesFromTheEnvironment() throws IOException {
    Map<String, String> env = Map.of(
        "WATCHKEEPER_PORT", "9090",
        "WATCHKEEPER_DB_URL", "jdbc:postgresql://db:5432/wk",
        "WATCHKEEPER_DB_PASSWORD", "s3cret");

    WatchkeeperConfig config =
        valid(Files.readString(Path.of("config/watchkeeper.example.yml")), env::get);

    assertThat(config.server().port()).isEqualTo(9090);
    assertThat(config.storage().isPostgres()).isTrue();
    assertThat(config.storage().password()).isEqualTo("s3cret");
  }

  @Test
  void demoConfigHasTheDemoServiceWithTheDocumentedKeyAndToken() {
    WatchkeeperConfig config = ConfigLoader.demo();

    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.storage().url()).isEmpty();
    Service demo = config.service("demo").orElseThrow();
    assertThat(demo.name()).isEqualTo("Demo service");
    assertThat(demo.integrationKeys()).singleElement().satisfies(k -> {
      assertThat(k.name()).isEqualTo("default");
      assertThat(k.keySha256()).isEqualTo(sha256("demo-integration-key"));
    });
    assertThat(config.apiTokens()).containsExactly(
        new ApiToken("demo-admin", Role.ADMIN, sha256("demo-admin-token")));
  }

  // --- good files ---

  @Test
  void minimalFileGetsEveryDefault() throws IOException {
    WatchkeeperConfig config = valid(resource("good-minimal.yml"), NO_ENV);

    assertThat(config.server()).isEqualTo(new WatchkeeperConfig.Server(
        "127.0.0.1", 8080, null, Duration.ofSeconds(10)));
    assertThat(config.server().baseUrl(8080)).isEqualTo("http://127.0.0.1:8080");
    assertThat(config.storage()).isEqualTo(new WatchkeeperConfig.Storage(
        "", "", "", Path.of("watchkeeper-data"), 8, 2));
    assertThat(config.ingest()).isEqualTo(new WatchkeeperConfig.Ingest(
        524288, 1000, new WatchkeeperConfig.RateLimit(20000, 40000), 5000));
    assertThat(config.logging().level()).isEqualTo("info");
    assertThat(config.apiTokens()).isEmpty();
    assertThat(config.services()).singleElement().satisfies(s -> {
      assertThat(s.name()).as("name defaults to id").isEqualTo("web");
      assertThat(s.integrationKeys().get(0).keySha256()).as("stored lower-case")
          .isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    });
  }

  @Test
  void loadReadsAFileFromDisk() {
    ConfigResult result = ConfigLoader.load(Path.of("src/test/resources/config/good-minimal.yml"));

    assertThat(result).isInstanceOf(ConfigResult.Valid.class);
  }

  @Test
  void publicUrlAndLogLevelAreTakenAsGiven() {
    WatchkeeperConfig config = valid("""
        server: {host: 0.0.0.0, port: 0, public_url: "https://wk.example.com"}
        logging: {level: WARN}
        """ + ONE_SERVICE, NO_ENV);

    assertThat(config.server().port()).as("0 picks a free port").isZero();
    assertThat(config.server().publicUrl()).isEqualTo("https://wk.example.com");
    assertThat(config.logging().level()).as("stored lower-case").isEqualTo("warn");
  }

  // --- every error, with its path ---

  @Test
  void badFileReportsEveryErrorWithItsPath() throws IOException {
    assertThat(errors(resource("bad-many-errors.yml"), NO_ENV)).containsExactly(
        "server.colour: unknown key (known: host, port, public_url, shutdown_grace, ical_secret)",
        "server.host: must not be empty",
        "server.port: must be between 0 and 65535, got 70000",
        "server.public_url: must be an absolute http:// or https:// URL, got \"ftp://example.com\"",
        "server.shutdown_grace: expected a duration (500ms, 10s, 5m, 2h, 1d or ISO-8601 like PT10S),"
            + " got \"10 seconds\"",
        "storage.url: must be empty (SQLite in data_dir) or start with jdbc:sqlite: or jdbc:postgresql:",
        "storage.data_dir: must not be empty",
        "storage.pool_size: expected an integer, got \"abc\"",
        "storage.writers: must be between 1 and 32, got 0",
        "ingest.max_body_bytes: expected an integer, got 1.5",
        "ingest.rate_limit.events_per_second: must be a number greater than 0, got 0",
        "ingest.rate_limit.burst: must be at least 1, got 0",
        "logging.level: must be one of trace, debug, info, warn, error; got \"verbose\"",
        "api_tokens[0].name: must match [a-z0-9][a-z0-9._-]{0,62}, got \"Bad Name\"",
        "api_tokens[0].role: must be one of viewer, responder, admin; got \"root\"",
        "api_tokens[0].token_sha256: must be 64 hexadecimal characters (a SHA-256 digest)",
        "api_tokens[1]: exactly one of token or token_sha256 must be set",
        "api_tokens[2].name: duplicate name \"ops\" (also api_tokens[1])",
        "api_tokens[2].token: must not be empty",
        "api_tokens[3].name: is required",
        "api_tokens[3].token: environment variable OPS_TOKEN is not set",
        "services[0].nmae: unknown key (known: id, name, integration_keys, grouping, lifecycle,"
            + " escalation_policy, label_routes, team)",
        "services[0].integration_keys[0].key: must be at least 8 characters, got 5",
        "services[0].integration_keys[1].name: is required",
        "services[0].integration_keys[1]: exactly one of key or key_sha256 must be set",
        "services[1].id: duplicate id \"web\" (also services[0])",
        "services[1].name: must not be empty",
        "services[1].integration_keys: at least one integration key is required",
        "services[2].id: must match [a-z0-9][a-z0-9_-]{0,62}, got \"Shop!\"",
        "services[2].name: expected a string, got a map",
        "services[2].integration_keys: expected a list, got a map",
        "services[3]: expected a map, got \"just-a-string\"");
  }

  @Test
  void unknownTopLevelKeyListsTheKnownOnes() {
    assertThat(errors("servics: []\n" + ONE_SERVICE, NO_ENV)).containsExactly(
        "servics: unknown key (known: server, storage, ingest, logging, api_tokens, services,"
            + " silences, inhibit_rules, users, teams, escalation_policies, notifications,"
            + " schedules, recovery, security, checks)");
  }

  @Test
  void duplicateServiceIdsAreRejectedNamingTheFirst() {
    assertThat(errors("""
        services:
          - id: web
            integration_keys: [{name: a, key: web-key-123}]
          - id: web
            integration_keys: [{name: a, key: web-key-456}]
        """, NO_ENV)).containsExactly("services[1].id: duplicate id \"web\" (also services[0])");
  }

  @Test
  void sameKeyUnderTwoServicesAndSameTokenTwiceAreRejected() throws IOException {
    assertThat(errors(resource("bad-duplicate-secrets.yml"), NO_ENV)).containsExactly(
        "api_tokens[1].token_sha256: same token as api_tokens[0]",
        "services[1].integration_keys[0].key: same key as services[0].integration_keys[0]");
  }

  @Test
  void integrationKeyNamesMustBeUniqueOnlyWithinAService() {
    assertThat(errors("""
        services:
          - id: web
            integration_keys: [{name: a, key: web-key-123}, {name: a, key: web-key-456}]
          - id: shop
            integration_keys: [{name: a, key: shop-key-123}]
        """, NO_ENV)).containsExactly(
        "services[0].integration_keys[1].name: duplicate name \"a\" (also services[0].integration_keys[0])");
  }

  @Test
  void aConfigWithoutServicesIsRejected() {
    assertThat(errors("", NO_ENV)).containsExactly("services: at least one service is required");
    assertThat(errors("services: []", NO_ENV)).containsExactly("services: at least one service is required");
  }

  @Test
  void aTopLevelListIsRejected() {
    assertThat(errors("- server\n", NO_ENV)).containsExactly("expected a map at the top level, got a list");
  }

  @Test
  void wrongTypesNameWhatWasExpected() {
    assertThat(errors("""
        server: [8080]
        ingest:
          max_body_bytes: 99999999999
          rate_limit: {events_per_second: fast}
        """ + ONE_SERVICE, NO_ENV)).containsExactly(
        "server: expected a map, got a list",
        "ingest.max_body_bytes: must be between 1024 and 10485760, got 99999999999",
        "ingest.rate_limit.events_per_second: expected a number, got \"fast\"");
  }

  @Test
  void serviceNameLongerThan200CharactersIsRejected() {
    String yaml = "services:\n  - id: web\n    name: " + "x".repeat(201)
        + "\n    integration_keys: [{name: a, key_sha256: " + sha256("k") + "}]\n";

    assertThat(errors(yaml, NO_ENV))
        .containsExactly("services[0].name: must be at most 200 characters, got 201");
  }

  @Test
  void dataDirMustBeAValidPath() {
    assertThat(errors("storage: {data_dir: \"a\\0b\"}\n" + ONE_SERVICE, NO_ENV))
        .singleElement().asString().startsWith("storage.data_dir: is not a valid path: ");
  }

  // --- YAML syntax ---

  @Test
  void yamlSyntaxErrorNamesLineAndColumn() throws IOException {
    assertThat(errors(resource("bad-syntax.yml"), NO_ENV))
        .singleElement().asString().startsWith("YAML syntax error at line 4, column 9: ");
  }

  @Test
  void duplicateKeyIsASyntaxErrorNamingItsLine() {
    assertThat(errors("server:\n  port: 1\n  port: 2\n" + ONE_SERVICE, NO_ENV))
        .containsExactly("YAML syntax error at line 3, column 7: Duplicate field 'port'");
  }

  // --- environment substitution ---

  @Test
  void variableWithDefaultUsesTheDefaultWhenUnset() {
    WatchkeeperConfig config = valid("server: {host: \"${WK_HOST:0.0.0.0}\"}\n" + ONE_SERVICE, NO_ENV);

    assertThat(config.server().host()).isEqualTo("0.0.0.0");
  }

  @Test
  void variableWithDefaultUsesTheVariableWhenSet() {
    WatchkeeperConfig config = valid(
        "server: {host: \"${WK_HOST:0.0.0.0}\"}\n" + ONE_SERVICE, Map.of("WK_HOST", "10.0.0.1")::get);

    assertThat(config.server().host()).isEqualTo("10.0.0.1");
  }

  @Test
  void severalVariablesAreSubstitutedInsideOneString() {
    WatchkeeperConfig config = valid(
        "server: {public_url: \"https://${WK_DOMAIN}:${WK_PORT:443}/wk\"}\n" + ONE_SERVICE,
        Map.of("WK_DOMAIN", "example.com")::get);

    assertThat(config.server().publicUrl()).isEqualTo("https://example.com:443/wk");
  }

  @Test
  void unsetVariableWithoutDefaultIsAnErrorAtItsPath() {
    assertThat(errors("storage: {password: \"${WK_X}\"}\n" + ONE_SERVICE, NO_ENV))
        .containsExactly("storage.password: environment variable WK_X is not set");
  }

  @Test
  void substitutionHappensBeforeNumberConversion() {
    String yaml = "server: {port: \"${PORT:8081}\"}\n" + ONE_SERVICE;

    assertThat(valid(yaml, NO_ENV).server().port()).isEqualTo(8081);
    assertThat(valid(yaml, Map.of("PORT", "9090")::get).server().port()).isEqualTo(9090);
    assertThat(errors(yaml, Map.of("PORT", "http")::get))
        .containsExactly("server.port: expected an integer, got \"http\"");
  }

  // --- secrets ---

  @Test
  void plainTokenIsHashedAndTheTextDropped() {
    ConfigResult.Valid result = (ConfigResult.Valid) ConfigLoader.parse("""
        api_tokens:
          - {name: ci, role: viewer, token: plain-secret-token}
        """ + ONE_SERVICE, NO_ENV);

    ApiToken token = result.config().apiTokens().get(0);
    assertThat(token.tokenSha256()).isEqualTo(sha256("plain-secret-token"));
    assertThat(result.config().toString()).doesNotContain("plain-secret-token");
    assertThat(result.warnings()).containsExactly(
        "api_tokens[0].token: plain-text token in the config file; prefer token_sha256 or ${ENV}");
  }

  @Test
  void secretsFromTheEnvironmentGiveNoWarning() {
    ConfigResult.Valid result = (ConfigResult.Valid) ConfigLoader.parse("""
        api_tokens:
          - {name: ci, role: viewer, token: "${CI_TOKEN}"}
        services:
          - id: web
            integration_keys: [{name: a, key: "${WEB_KEY}"}]
        """, Map.of("CI_TOKEN", "from-env-token", "WEB_KEY", "from-env-key")::get);

    assertThat(result.warnings()).isEmpty();
    assertThat(result.config().apiTokens().get(0).tokenSha256()).isEqualTo(sha256("from-env-token"));
  }

  @Test
  void plainIntegrationKeyInTheFileGivesAWarning() {
    ConfigResult.Valid result = (ConfigResult.Valid) ConfigLoader.parse("""
        services:
          - id: web
            integration_keys: [{name: a, key: "${WEB_KEY:written-in-file}"}]
        """, NO_ENV);

    assertThat(result.warnings()).containsExactly(
        "services[0].integration_keys[0].key: plain-text key in the config file; prefer key_sha256 or ${ENV}");
    assertThat(result.config().services().get(0).integrationKeys().get(0).keySha256())
        .isEqualTo(sha256("written-in-file"));
  }

  // --- durations and ports ---

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "10s, PT10S", "5m, PT5M", "2h, PT2H", "1d, PT24H", "PT10S, PT10S",
      "pt1m30s, PT1M30S", "0s, PT0S"})
  void durationsAcceptShortAndIsoForms(String text, String expected) {
    WatchkeeperConfig config = valid("server: {shutdown_grace: " + text + "}\n" + ONE_SERVICE, NO_ENV);

    assertThat(config.server().shutdownGrace()).isEqualTo(Duration.parse(expected));
  }

  @Test
  void badDurationsNameTheAcceptedForms() {
    assertThat(errors("server: {shutdown_grace: 10}\n" + ONE_SERVICE, NO_ENV)).containsExactly(
        "server.shutdown_grace: expected a duration (500ms, 10s, 5m, 2h, 1d or ISO-8601 like PT10S), got 10");
  }

  @Test
  void negativeDurationIsRejected() {
    assertThat(errors("server: {shutdown_grace: -PT5S}\n" + ONE_SERVICE, NO_ENV))
        .containsExactly("server.shutdown_grace: must not be negative, got \"-PT5S\"");
  }

  @ParameterizedTest
  @CsvSource({"70000", "-1"})
  void portOutOfRangeIsRejected(String port) {
    assertThat(errors("server: {port: " + port + "}\n" + ONE_SERVICE, NO_ENV))
        .containsExactly("server.port: must be between 0 and 65535, got " + port);
  }

  // --- load from disk ---

  @Test
  void missingFileIsOneErrorWithoutPath(@TempDir Path dir) {
    Path file = dir.resolve("nope.yml");

    assertThat(invalid(ConfigLoader.load(file)))
        .containsExactly(new ConfigError("", "config file " + file + " does not exist."));
  }

  @Test
  void unreadableFileIsOneErrorWithoutPath(@TempDir Path dir) {
    assertThat(invalid(ConfigLoader.load(dir))).singleElement().satisfies(e -> {
      assertThat(e.path()).isEmpty();
      assertThat(e.message()).startsWith("config file " + dir + " cannot be read: ");
    });
  }

  @Test
  void fileThatIsNotUtf8IsRejected(@TempDir Path dir) throws IOException {
    Path file = Files.write(dir.resolve("latin1.yml"), new byte[] {'a', ':', ' ', (byte) 0xE9});

    assertThat(invalid(ConfigLoader.load(file)))
        .containsExactly(new ConfigError("", "config file " + file + " is not valid UTF-8."));
  }

  // --- silences ---

  @Test
  void silencesMaxDurationDefaultsToSevenDaysAndCanBeSet() {
    assertThat(valid(ONE_SERVICE, NO_ENV).silences().maxDuration()).isEqualTo(Duration.ofDays(7));
    assertThat(valid("silences: {max_duration: 36h}\n" + ONE_SERVICE, NO_ENV).silences()
        .maxDuration()).isEqualTo(Duration.ofHours(36));
  }

  @Test
  void silencesMaxDurationMustBeAPositiveDuration() {
    assertThat(errors("silences: {max_duration: 0s, max: 1}\n" + ONE_SERVICE, NO_ENV))
        .containsExactly("silences.max: unknown key (known: max_duration)",
            "silences.max_duration: must be greater than 0");
  }

  // --- inhibit_rules ---

  @Test
  void inhibitRulesTakeAlertmanagersSyntax() {
    WatchkeeperConfig config = valid("""
        inhibit_rules:
          - source_matchers: ['severity="critical"', 'alertname=~"Cluster(Down|Unreachable)"']
            target_matchers: ['severity!~"critical|page"']
            equal: [cluster, namespace]
          - source_matchers: ["{alertname=NodeDown, env!=test}"]
            target_matchers: [alertname=~Node.*]
        """ + ONE_SERVICE, NO_ENV);

    assertThat(config.inhibitRules()).hasSize(2);
    InhibitRule first = config.inhibitRules().get(0);
    assertThat(first.sourceMatchers()).extracting(Matcher::toString)
        .containsExactly("severity=\"critical\"", "alertname=~\"Cluster(Down|Unreachable)\"");
    assertThat(first.targetMatchers()).extracting(Matcher::toString)
        .containsExactly("severity!~\"critical|page\"");
    assertThat(first.equal()).containsExactly("cluster", "namespace");
    InhibitRule second = config.inhibitRules().get(1);
    assertThat(second.sourceMatchers()).extracting(Matcher::toString)
        .containsExactly("alertname=\"NodeDown\"", "env!=\"test\"");
    assertThat(second.equal()).isEmpty();
    assertThat(valid(ONE_SERVICE, NO_ENV).inhibitRules()).isEmpty();
  }

  @Test
  void badInhibitRulesReportEveryErrorWithItsPath() throws IOException {
    String atLeastOne = "at least one matcher is required, like \"severity=critical\"";
    assertThat(errors(resource("bad-inhibit-rules.yml"), NO_ENV)).containsExactly(
        "inhibit_rules[0].source_matchers: " + atLeastOne,
        "inhibit_rules[0].target_matchers: " + atLeastOne,
        "inhibit_rules[1].source_matchers[0]: invalid matcher \"severity critical\": expected one"
            + " of =, !=, =~, !~ after \"severity\"",
        "inhibit_rules[1].source_matchers[1]: invalid matcher \"alertname=~\"(unclosed\"\":"
            + " invalid regular expression \"(unclosed\": Unclosed group",
        "inhibit_rules[1].target_matchers[0]: no matcher in \"{}\"",
        "inhibit_rules[1].target_matchers[1]: invalid matcher \"1abc=x\": label name \"1abc\""
            + " must match [a-zA-Z_][a-zA-Z0-9_]*",
        "inhibit_rules[2].source_match: unknown key (known: source_matchers, target_matchers,"
            + " equal)",
        "inhibit_rules[2].source_matchers: expected a list of strings, got \"severity=critical\"",
        "inhibit_rules[2].target_matchers[0]: expected a string, got 7",
        "inhibit_rules[2].equal[1]: must be a label name matching [a-zA-Z_][a-zA-Z0-9_]*, got"
            + " \"not-a-label\"",
        "inhibit_rules[3]: expected a map, got \"severity=critical\"");
  }

  @Test
  void moreThanAHundredInhibitRulesAreRejected() {
    String rule = "  - {source_matchers: [severity=critical], target_matchers: [severity=info]}\n";
    assertThat(valid("inhibit_rules:\n" + rule.repeat(100) + ONE_SERVICE, NO_ENV)
        .inhibitRules()).hasSize(100);
    assertThat(errors("inhibit_rules:\n" + rule.repeat(101) + ONE_SERVICE, NO_ENV))
        .containsExactly("inhibit_rules: at most 100 rules, got 101");
  }

  // --- helpers ---

  private static WatchkeeperConfig valid(String yaml, Function<String, String> env) {
    ConfigResult result = ConfigLoader.parse(yaml, env);
    assertThat(result).isInstanceOf(ConfigResult.Valid.class);
    return ((ConfigResult.Valid) result).config();
  }

  private static List<String> errors(String yaml, Function<String, String> env) {
    return invalid(ConfigLoader.parse(yaml, env)).stream().map(ConfigError::toString).toList();
  }

  private static List<ConfigError> invalid(ConfigResult result) {
    assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
    return ((ConfigResult.Invalid) result).errors();
  }

  private static String resource(String name) throws IOException {
    return Files.readString(Path.of("src/test/resources/config", name));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void serviceGroupingDefaultsToTheWholeServiceWithinFiveMinutesAndCanBeSet() {
    ConfigResult r = ConfigLoader.parse("""
        services:
          - id: a
            integration_keys: [{name: k, key_sha256: %s}]
          - id: b
            integration_keys: [{name: k, key_sha256: %s}]
            grouping: {by: [alertname, cluster], window: 0s}
        """.formatted("a".repeat(64), "b".repeat(64)), name -> null);

    assertThat(r).isInstanceOf(ConfigResult.Valid.class);
    WatchkeeperConfig c = ((ConfigResult.Valid) r).config();
    assertThat(c.services().get(0).grouping()).isEqualTo(WatchkeeperConfig.Grouping.DEFAULT);
    assertThat(c.services().get(1).grouping().by()).containsExactly("alertname", "cluster");
    assertThat(c.services().get(1).grouping().window()).isEqualTo(java.time.Duration.ZERO);
  }

  // --- label routes ---

  private static final String TWO_SERVICES = """
      services:
        - id: gateway
          integration_keys: [{name: prometheus, key_sha256: %s}]
          label_routes:
      %s
        - id: db
          integration_keys: [{name: default, key_sha256: %s}]
        - id: web
          integration_keys: [{name: default, key_sha256: %s}]
      """;

  private static String routes(String routesYaml) {
    String indented = routesYaml.lines().map(l -> "      " + l)
        .collect(java.util.stream.Collectors.joining("\n"));
    return TWO_SERVICES.formatted("a".repeat(64), indented, "b".repeat(64), "c".repeat(64));
  }

  @Test
  void labelRoutesAreReadInOrderAndDefaultToNone() {
    WatchkeeperConfig c = valid(routes("""
        - match: {team: db, env: prod}
          service: db
        - match_re: {team: "web|frontend"}
          service: web
        - match: {tier: 1}
          match_re: {team: ".+"}
          service: db"""), NO_ENV);

    List<WatchkeeperConfig.LabelRoute> routes = c.services().get(0).labelRoutes();
    assertThat(routes).extracting(WatchkeeperConfig.LabelRoute::service)
        .containsExactly("db", "web", "db");
    assertThat(routes.get(0).match()).isEqualTo(Map.of("team", "db", "env", "prod"));
    assertThat(routes.get(1).matchRe()).isEqualTo(Map.of("team", "web|frontend"));
    assertThat(routes.get(2).match()).isEqualTo(Map.of("tier", "1"));
    assertThat(c.services().get(1).labelRoutes()).isEmpty();
  }

  @Test
  void badLabelRoutesReportEveryErrorWithItsPath() throws IOException {
    assertThat(errors(resource("bad-label-routes.yml"), NO_ENV)).containsExactly(
        "services[0].label_routes[2]: match or match_re must name at least one label; a route"
            + " that matches every event would take the whole service's events",
        "services[0].label_routes[3]: match or match_re must name at least one label; a route"
            + " that matches every event would take the whole service's events",
        "services[0].label_routes[4].match_re.team: invalid regular expression \"db(\":"
            + " Unclosed group near index 3",
        "services[0].label_routes[5].match.bad-label: must be a label name matching"
            + " [a-zA-Z_][a-zA-Z0-9_]*",
        "services[0].label_routes[6].match.team: expected a string, got a map",
        "services[0].label_routes[7].match: expected a map, got \"team=db\"",
        "services[0].label_routes[8].service: is required",
        "services[0].label_routes[9].continue: unknown key (known: match, match_re, service)",
        "services[0].label_routes[0].service: unknown service \"dbb\" (services: db, gateway)",
        "services[0].label_routes[1].service: routes to its own service \"gateway\"; events of"
            + " its keys belong to it already");
  }

  @Test
  void moreThanAHundredRoutesInOneServiceAreRejected() {
    String many = "- {match: {team: db}, service: db}\n".repeat(101).strip();

    assertThat(errors(routes(many), NO_ENV))
        .containsExactly("services[0].label_routes: at most 100 routes per service, got 101");
    assertThat(valid(routes("- {match: {team: db}, service: db}\n".repeat(100).strip()), NO_ENV)
        .services().get(0).labelRoutes()).hasSize(100);
  }
}
