package dev.watchkeeper.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The configuration in force, and its reload. An invalid new file never replaces a running
 * config: the old one stays and the errors are returned. Listeners are called after a successful
 * swap, on the reloading thread.
 */
public final class LiveConfig {
  /** Outcome of a reload. */
  public sealed interface ReloadResult {
    record Reloaded(List<String> warnings) implements ReloadResult {}

    record Rejected(List<ConfigError> errors) implements ReloadResult {}
  }

  private final Path file;
  private final UnaryOperator<WatchkeeperConfig> overrides;
  private final AtomicReference<WatchkeeperConfig> current;
  private final List<Consumer<WatchkeeperConfig>> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param file the config file, or null for the built-in demo config
   * @param overrides command-line overrides applied on top of every (re)load
   */
  public LiveConfig(Path file, WatchkeeperConfig initial,
      UnaryOperator<WatchkeeperConfig> overrides) {
    this.file = file;
    this.overrides = overrides;
    this.current = new AtomicReference<>(overrides.apply(initial));
  }

  public WatchkeeperConfig get() {
    return current.get();
  }

  public Path file() {
    return file;
  }

  public void onChange(Consumer<WatchkeeperConfig> listener) {
    listeners.add(listener);
  }

  /** Re-reads the file; keeps the running config if the new one is invalid. */
  public synchronized ReloadResult reload() {
    WatchkeeperConfig next;
    List<String> warnings = new ArrayList<>();
    if (file == null) {
      next = overrides.apply(ConfigLoader.demo());
      warnings.add("running the built-in demo config; nothing to reload from a file");
    } else {
      ConfigResult r = ConfigLoader.load(file);
      if (r instanceof ConfigResult.Invalid invalid) {
        return new ReloadResult.Rejected(invalid.errors());
      }
      ConfigResult.Valid valid = (ConfigResult.Valid) r;
      warnings.addAll(valid.warnings());
      next = overrides.apply(valid.config());
    }
    WatchkeeperConfig old = current.get();
    if (!Objects.equals(old.server().host(), next.server().host())
        || old.server().port() != next.server().port()) {
      warnings.add("server.host/server.port changed: takes effect after a restart");
    }
    if (!Objects.equals(old.storage(), next.storage())) {
      warnings.add("storage changed: takes effect after a restart");
    }
    current.set(next);
    for (Consumer<WatchkeeperConfig> l : listeners) {
      l.accept(next);
    }
    return new ReloadResult.Reloaded(warnings);
  }
}
