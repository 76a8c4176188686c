package dev.watchkeeper.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code watchkeeper} command and its subcommands. */
@Command(
    name = "watchkeeper",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Self-hosted incident response: ingest, route, alert, escalate, communicate.",
    subcommands = {ServeCommand.class, CheckConfigCommand.class, MigrateCommand.class,
        UserCommand.class,
        VersionCommand.class})
public final class RootCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new RootCommand());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + e.getMessage());
      return 1;
    });
    return cl;
  }
}
