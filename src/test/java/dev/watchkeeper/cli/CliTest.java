package dev.watchkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: exit codes and what is printed. */
class CliTest {
  record Run(int code, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = RootCommand.commandLine().execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void checkConfigAcceptsTheDocumentedExampleFile() {
    Run r = run("check-config", "config/watchkeeper.example.yml");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("OK (2 service(s)");
  }

  @Test
  void checkConfigPrintsReadinessFindingsWithoutFailing(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yml"), """
        users:
          - {id: ann}
          - {id: ben, contact_methods: [{type: email, address: ben@example.com}]}
        teams:
          - {id: nobody, members: []}
        escalation_policies:
          - id: ops
            levels:
              - {targets: [{user: ann}]}
              - {targets: [{team: nobody}]}
        services:
          - {id: a, integration_keys: [{name: k, key: secret-key-1}], escalation_policy: ops}
          - {id: b, integration_keys: [{name: k, key: secret-key-2}]}
        """);
    Run r = run("check-config", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("readiness: users[ann]: has no contact methods; pages to ann cannot be"
            + " delivered")
        .contains("readiness: teams[nobody]: has no members")
        .contains("readiness: escalation_policies[ops].levels[1]: every target resolves to"
            + " nobody")
        .contains("readiness: services[b]: has no escalation_policy")
        .doesNotContain("users[ben]")
        .contains("OK (2 service(s)");
  }

  @Test
  void checkConfigListsEveryErrorWithItsPathAndExitsOne() {
    Run r = run("check-config", "src/test/resources/cli/broken.yml");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("server.port: must be between 0 and 65535, got 99999")
        .contains("storage.pool_size: expected an integer")
        .contains("api_tokens[0].role:")
        .contains("api_tokens[0].token_sha256:")
        .contains("services[0].integration_keys[0].key: environment variable"
            + " WK_TEST_UNSET_VARIABLE is not set")
        .contains("services[1].colour: unknown key")
        .contains("services[1].id:")
        .contains("services[1].integration_keys:")
        .contains("services[1].grouping.by[1]: must be a label name")
        .contains("services[1].grouping.window: must be between 0s and 24h");
    long errorLines = r.out().lines().filter(l -> l.startsWith("  ")).count();
    assertThat(errorLines).isGreaterThanOrEqualTo(8);
  }

  @Test
  void checkConfigOnAMissingFileSaysSoAndExitsOne() {
    Run r = run("check-config", "no/such/file.yml");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("no/such/file.yml");
  }

  @Test
  void migrateCreatesTheSchemaAndIsIdempotent(@TempDir Path dir) {
    Run first = run("migrate", "--data", dir.toString());
    Run second = run("migrate", "--data", dir.toString());

    assertThat(first.code()).isZero();
    assertThat(first.out()).containsPattern("migrations applied: [1-9]");
    assertThat(second.out()).contains("migrations applied: 0");
    assertThat(Files.exists(dir.resolve("watchkeeper.db"))).isTrue();
  }

  @Test
  void versionPrintsTheVersion() {
    Run r = run("version");

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("watchkeeper ");
  }

  @Test
  void unknownCommandExitsNonZeroWithUsage() {
    Run r = run("frobnicate");

    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("Unmatched argument");
  }
}
