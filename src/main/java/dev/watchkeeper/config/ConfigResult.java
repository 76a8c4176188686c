package dev.watchkeeper.config;

import java.util.List;

/** Outcome of loading a config file: valid (with warnings) or every error found. */
public sealed interface ConfigResult {
  record Valid(WatchkeeperConfig config, List<String> warnings) implements ConfigResult {}

  record Invalid(List<ConfigError> errors) implements ConfigResult {}
}
