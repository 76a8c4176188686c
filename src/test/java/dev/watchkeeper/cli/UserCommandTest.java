package dev.watchkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.access.Account;
import dev.watchkeeper.access.Passwords;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAccountStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code watchkeeper user add|set-password}: the first admin, from a script or a terminal. */
class UserCommandTest {
  @TempDir Path dir;

  CliTest.Run withStdin(String stdin, String... args) {
    InputStream old = System.in;
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      return CliTest.run(args);
    } finally {
      System.setIn(old);
    }
  }

  Account stored(String name) {
    try (Database db = Database.open(new Storage("", null, null, dir, 2, 1), null)) {
      return new JdbcAccountStore(db).find(name).orElseThrow();
    }
  }

  @Test
  void addsTheFirstAdminWithAHashedPasswordFromStandardInput() {
    CliTest.Run r = withStdin("a long enough password\n", "user", "add", "--admin",
        "--password-stdin", "--data", dir.toString(), "root");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("login \"root\" created (admin of every team)")
        .contains("/login");
    Account a = stored("root");
    assertThat(a.grants().global()).isEqualTo(Role.ADMIN);
    assertThat(a.passwordHash()).startsWith("$2b$12$").doesNotContain("a long enough");
    assertThat(new Passwords(4, () -> 12).verify("a long enough password".toCharArray(),
        a.passwordHash())).isTrue();

    CliTest.Run again = withStdin("a long enough password\n", "user", "add", "--data",
        dir.toString(), "root");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("error: a login named \"root\" exists; change its"
        + " password with 'watchkeeper user set-password root'");

    CliTest.Run reset = withStdin("another long password\n", "user", "set-password",
        "--data", dir.toString(), "root");
    assertThat(reset.code()).as(reset.err()).isZero();
    assertThat(new Passwords(4, () -> 12).verify("another long password".toCharArray(),
        stored("root").passwordHash())).isTrue();
  }

  @Test
  void badInputExitsNonZeroWithASentence() {
    CliTest.Run name = withStdin("a long enough password\n", "user", "add", "--data",
        dir.toString(), "Root Admin");
    assertThat(name.code()).isEqualTo(2);
    assertThat(name.err()).contains("error: the name \"Root Admin\" is not valid");
    CliTest.Run shortPw = withStdin("short\n", "user", "add", "--data", dir.toString(), "ann");
    assertThat(shortPw.code()).isEqualTo(2);
    assertThat(shortPw.err()).contains("error: password: must be at least 12 characters, got 5");
    CliTest.Run none = withStdin("", "user", "add", "--data", dir.toString(), "ann");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("error: no password on standard input");
    CliTest.Run role = withStdin("a long enough password\n", "user", "add", "--role",
        "ops=admin", "--data", dir.toString(), "ann");
    assertThat(role.code()).isEqualTo(2);
    assertThat(role.err()).contains("error: --role ops=admin: the config has no team \"ops\"");
    CliTest.Run missing = withStdin("a long enough password\n", "user", "set-password",
        "--data", dir.toString(), "nobody");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("error: no login named \"nobody\"");
  }
}
