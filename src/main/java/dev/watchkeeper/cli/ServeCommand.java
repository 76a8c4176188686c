package dev.watchkeeper.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.watchkeeper.app.Application;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.obs.LogEvent;
import dev.watchkeeper.web.AdminRoutes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * Runs the server until SIGTERM or SIGINT (graceful: finish in-flight commits, exit 0). SIGHUP
 * reloads the config.
 */
@Command(name = "serve", description = "Start the server (default: 127.0.0.1:8080, SQLite in"
    + " ./watchkeeper-data, built-in demo config).")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "--config", paramLabel = "FILE",
      description = "Config file (default: the built-in demo config).")
  Path config;

  @Option(names = "--port", paramLabel = "N", description = "HTTP port (overrides the config).")
  Integer port;

  @Option(names = "--data", paramLabel = "DIR",
      description = "SQLite data directory (overrides the config).")
  Path data;

  @Override
  public Integer call() {
    WatchkeeperConfig initial = ConfigSource.load(config, System.err);
    if (initial == null) {
      return 1;
    }
    UnaryOperator<WatchkeeperConfig> overrides = c -> {
      WatchkeeperConfig o = c;
      if (port != null) {
        o = o.withPort(port);
      }
      if (data != null) {
        o = o.withDataDir(data);
      }
      return o;
    };
    LiveConfig live = new LiveConfig(config, initial, overrides);
    applyLogLevel(live.get());
    live.onChange(ServeCommand::applyLogLevel);
    Application app;
    try {
      app = Application.start(live);
    } catch (RuntimeException e) {
      LogEvent.STARTUP_FAILED.error(log).setCause(e).log("start-up failed");
      System.err.println("error: the server could not start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    Signal.handle(new Signal("HUP"), s -> AdminRoutes.reloadAndLog(live, "signal:SIGHUP"));
    if (config == null) {
      LogEvent.DEMO_CONFIG_IN_USE.info(log)
          .addKeyValue("service", "demo")
          .log("built-in demo config in use (not for production): integration key"
              + " 'demo-integration-key' for service 'demo', admin API token 'demo-admin-token'");
      System.out.println("Demo config: integration key 'demo-integration-key' (service 'demo'),"
          + " admin API token 'demo-admin-token'. Not for production.");
    }
    LogEvent.SERVER_LISTENING.info(log).addKeyValue("url", app.url())
        .addKeyValue("storage", live.get().storage().isPostgres() ? "postgresql" : "sqlite")
        .log("Watchkeeper listening on " + app.url());
    System.out.println("Watchkeeper listening on " + app.url());
    System.out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    app.close();
    return 0;
  }

  private static void applyLogLevel(WatchkeeperConfig c) {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    lc.getLogger("dev.watchkeeper").setLevel(Level.toLevel(c.logging().level(), Level.INFO));
  }
}
