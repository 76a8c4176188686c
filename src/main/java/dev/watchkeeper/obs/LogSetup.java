package dev.watchkeeper.obs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The server's logging set-up, in code instead of {@code logback.xml}: JSON lines on stdout
 * (logstash encoder; {@code event_id}, {@code trace_id}, {@code request_id} from the MDC), the
 * {@code dev.watchkeeper} level from {@code WATCHKEEPER_LOG_LEVEL} (default info; changeable at run
 * time: {@code PUT /api/v1/admin/log-levels}), libraries at WARN. Parsing the XML took about a
 * quarter of the start-up time. Found by logback through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 *
 * <p>{@code -Dlogback.configurationFile=...} or a {@code logback-test.xml} on the class path (the
 * tests) still take precedence: then this steps aside.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(ctx);
    encoder.getFieldNames().setTimestamp("time");
    encoder.getFieldNames().setVersion("[ignore]");
    encoder.getFieldNames().setLevelValue("[ignore]");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(ctx);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stdout);
    String level = System.getenv("WATCHKEEPER_LOG_LEVEL");
    ctx.getLogger("dev.watchkeeper").setLevel(Level.toLevel(level, Level.INFO));
    for (String quiet : new String[] {"org.eclipse.jetty", "io.javalin", "org.flywaydb",
        "com.zaxxer.hikari"}) {
      ctx.getLogger(quiet).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
