package dev.watchkeeper.cli;

import dev.watchkeeper.config.ConfigError;
import dev.watchkeeper.config.ConfigLoader;
import dev.watchkeeper.config.ConfigResult;
import dev.watchkeeper.config.WatchkeeperConfig;
import java.io.PrintStream;
import java.nio.file.Path;

/** Loads the config named by {@code --config}, or the built-in demo config when none is named. */
final class ConfigSource {
  private ConfigSource() {}

  /** The config, or null after printing every error. */
  static WatchkeeperConfig load(Path file, PrintStream err) {
    if (file == null) {
      return ConfigLoader.demo();
    }
    ConfigResult r = ConfigLoader.load(file);
    if (r instanceof ConfigResult.Invalid invalid) {
      err.println(file + ": " + invalid.errors().size() + " error(s):");
      for (ConfigError e : invalid.errors()) {
        err.println("  " + e);
      }
      return null;
    }
    ConfigResult.Valid valid = (ConfigResult.Valid) r;
    for (String w : valid.warnings()) {
      err.println(file + ": warning: " + w);
    }
    return valid.config();
  }
}
