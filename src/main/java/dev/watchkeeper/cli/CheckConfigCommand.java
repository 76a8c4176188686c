package dev.watchkeeper.cli;

import dev.watchkeeper.config.ConfigError;
import dev.watchkeeper.config.ConfigLoader;
import dev.watchkeeper.config.ConfigResult;
import dev.watchkeeper.config.ReadinessLint;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Validates a config file: every error with its path; exit 1 if any. A valid config is also
 * linted for readiness (people without contact methods, services without a policy, ...): those
 * are printed and do not fail the check.
 */
@Command(name = "check-config", description = "Check a config file; print every error with its"
    + " path. Exit 0 when valid, 1 otherwise.")
final class CheckConfigCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The YAML config file.")
  Path file;

  @Override
  public Integer call() {
    ConfigResult r = ConfigLoader.load(file);
    if (r instanceof ConfigResult.Invalid invalid) {
      System.out.println(file + ": " + invalid.errors().size() + " error(s):");
      for (ConfigError e : invalid.errors()) {
        System.out.println("  " + e);
      }
      return 1;
    }
    ConfigResult.Valid valid = (ConfigResult.Valid) r;
    for (String w : valid.warnings()) {
      System.out.println(file + ": warning: " + w);
    }
    List<ReadinessLint.Finding> findings =
        ReadinessLint.check(valid.config(), java.time.Instant.now());
    for (ReadinessLint.Finding f : findings) {
      System.out.println(file + ": readiness: " + f);
    }
    System.out.println(file + ": OK (" + valid.config().services().size() + " service(s), "
        + valid.config().apiTokens().size() + " API token(s))");
    return 0;
  }
}
