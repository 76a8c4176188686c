package dev.watchkeeper.cli;

import dev.watchkeeper.access.Account;
import dev.watchkeeper.access.Grants;
import dev.watchkeeper.access.Passwords;
import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.people.Team;
import dev.watchkeeper.store.Database;
import dev.watchkeeper.store.JdbcAccountStore;
import dev.watchkeeper.store.JdbcAuditLog;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code watchkeeper user add|set-password}: local logins, straight in the database. */
@Command(name = "user", description = "Manage local logins (the first admin, lost passwords).",
    subcommands = {UserCommand.Add.class, UserCommand.SetPassword.class})
final class UserCommand implements Runnable {
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  @Override
  public void run() {
    System.err.println("error: name a subcommand: 'user add NAME' or 'user set-password NAME'"
        + " (see 'watchkeeper user --help')");
  }

  /** Options shared by the subcommands. */
  static class Common {
    @Option(names = "--config", paramLabel = "FILE",
        description = "Config file (default: the built-in demo config).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "SQLite data directory.")
    Path data;

    @Option(names = "--password-stdin",
        description = "Read the password from the first line of standard input (for scripts)."
            + " Without it, the password is asked for twice on the terminal.")
    boolean passwordStdin;

    WatchkeeperConfig load() {
      WatchkeeperConfig c = ConfigSource.load(config, System.err);
      if (c != null && data != null) {
        c = c.withDataDir(data);
      }
      return c;
    }

    /** The new password, or null after printing why not. */
    String password(Passwords passwords) {
      String password;
      Console console = System.console();
      if (passwordStdin || console == null) {
        try {
          password = new BufferedReader(new InputStreamReader(System.in,
              StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
          System.err.println("error: cannot read the password from standard input: "
              + e.getMessage());
          return null;
        }
        if (password == null) {
          System.err.println("error: no password on standard input; pipe one in (first line)"
              + " or run this in a terminal to be asked for it");
          return null;
        }
      } else {
        char[] first = console.readPassword("New password: ");
        char[] again = console.readPassword("Again: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
          System.err.println("error: the two passwords differ; nothing was changed");
          return null;
        }
        password = new String(first);
      }
      var problem = passwords.problem(password);
      if (problem.isPresent()) {
        System.err.println("error: " + problem.get());
        return null;
      }
      return password;
    }

    static String actor() {
      return "cli:" + System.getProperty("user.name", "unknown");
    }
  }

  @Command(name = "add", description = "Create a login. The first admin: 'user add --admin NAME'.")
  static final class Add implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Login name ([a-z0-9][a-z0-9._-]{0,62});"
        + " a user id of the config gives that person a login.")
    String name;

    @Option(names = "--admin", description = "Admin of every team (users, tokens, config).")
    boolean admin;

    @Option(names = "--role", paramLabel = "TEAM=ROLE",
        description = "A role on a team of the config (viewer, responder or admin);"
            + " repeatable. '*' as the team means every team.")
    List<String> roles = List.of();

    @picocli.CommandLine.Mixin
    Common common = new Common();

    @Override
    public Integer call() {
      if (!NAME.matcher(name).matches()) {
        System.err.println("error: the name \"" + name + "\" is not valid: use lower-case"
            + " letters, digits, '.', '_' and '-', starting with a letter or digit (at most 63)");
        return 2;
      }
      WatchkeeperConfig c = common.load();
      if (c == null) {
        return 1;
      }
      Map<String, Role> rows = new HashMap<>();
      for (String r : roles) {
        int eq = r.indexOf('=');
        String team = eq < 0 ? "" : r.substring(0, eq);
        String role = eq < 0 ? "" : r.substring(eq + 1).toUpperCase(Locale.ROOT);
        if (team.isEmpty() || !List.of("VIEWER", "RESPONDER", "ADMIN").contains(role)) {
          System.err.println("error: --role " + r + ": expected TEAM=ROLE with ROLE one of"
              + " viewer, responder, admin");
          return 2;
        }
        if (!team.equals(Grants.EVERY_TEAM)
            && c.oncall().teams().stream().map(Team::id).noneMatch(team::equals)) {
          System.err.println("error: --role " + r + ": the config has no team \"" + team
              + "\"");
          return 2;
        }
        rows.put(team, Role.valueOf(role));
      }
      if (admin) {
        rows.put(Grants.EVERY_TEAM, Role.ADMIN);
      }
      Passwords passwords = new Passwords(Passwords.DEFAULT_COST,
          () -> c.security().passwordMinLength());
      String password = common.password(passwords);
      if (password == null) {
        return 2;
      }
      try (Database db = Database.open(c.storage(), null)) {
        db.migrate();
        Instant now = Clock.systemUTC().instant();
        Account a = new Account(name, passwords.hash(password.toCharArray()), now,
            Common.actor(), now, Grants.of(rows));
        if (!new JdbcAccountStore(db).create(a)) {
          System.err.println("error: a login named \"" + name + "\" exists; change its password"
              + " with 'watchkeeper user set-password " + name + "'");
          return 1;
        }
        new JdbcAuditLog(db).record(new AuditLog.Entry(now, Common.actor(), "user.create",
            "user", name, null, "local", null, "{\"name\":\"" + name + "\",\"admin\":" + admin
                + "}"));
      }
      System.out.println("login \"" + name + "\" created" + (admin ? " (admin of every team)"
          : "") + "; log in at " + c.server().baseUrl(c.server().port()) + "/login");
      return 0;
    }
  }

  @Command(name = "set-password",
      description = "Set a login's password; every session of it ends.")
  static final class SetPassword implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The login.")
    String name;

    @picocli.CommandLine.Mixin
    Common common = new Common();

    @Override
    public Integer call() {
      WatchkeeperConfig c = common.load();
      if (c == null) {
        return 1;
      }
      Passwords passwords = new Passwords(Passwords.DEFAULT_COST,
          () -> c.security().passwordMinLength());
      String password = common.password(passwords);
      if (password == null) {
        return 2;
      }
      try (Database db = Database.open(c.storage(), null)) {
        db.migrate();
        Instant now = Clock.systemUTC().instant();
        if (!new JdbcAccountStore(db).changePassword(name,
            passwords.hash(password.toCharArray()), now)) {
          System.err.println("error: no login named \"" + name + "\"; create it with"
              + " 'watchkeeper user add " + name + "'");
          return 1;
        }
        new JdbcAuditLog(db).record(new AuditLog.Entry(now, Common.actor(), "user.password",
            "user", name, "{\"sessions_ended\":true}", "local", null, null));
      }
      System.out.println("password of \"" + name + "\" changed; its sessions have ended");
      return 0;
    }
  }
}
