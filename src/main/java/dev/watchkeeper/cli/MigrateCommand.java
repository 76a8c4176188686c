package dev.watchkeeper.cli;

import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.store.Database;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Applies pending database migrations and exits. */
@Command(name = "migrate", description = "Apply pending database migrations, then exit.")
final class MigrateCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Config file (default: the built-in demo config).")
  Path config;

  @Option(names = "--data", paramLabel = "DIR", description = "SQLite data directory.")
  Path data;

  @Override
  public Integer call() {
    WatchkeeperConfig c = ConfigSource.load(config, System.err);
    if (c == null) {
      return 1;
    }
    if (data != null) {
      c = c.withDataDir(data);
    }
    try (Database db = Database.open(c.storage(), null)) {
      int n = db.migrate();
      System.out.println("migrations applied: " + n + "; the schema is up to date");
      return 0;
    }
  }
}
