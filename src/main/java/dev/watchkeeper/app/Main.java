package dev.watchkeeper.app;

import dev.watchkeeper.cli.RootCommand;

/** Entry point of the jar: {@code java -jar watchkeeper.jar serve|check-config|migrate|version}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(RootCommand.commandLine().execute(args));
  }
}
