package dev.watchkeeper.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import dev.watchkeeper.config.ConfigError;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.event.EventParser;
import dev.watchkeeper.event.MalformedJsonException;
import dev.watchkeeper.obs.LogEvent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Admin endpoints: config reload and run-time log levels. */
public final class AdminRoutes {
  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
  private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

  private final LiveConfig config;
  private final Auth auth;
  private final com.fasterxml.jackson.databind.ObjectMapper mapper;

  AdminRoutes(LiveConfig config, Auth auth, com.fasterxml.jackson.databind.ObjectMapper mapper) {
    this.config = config;
    this.auth = auth;
    this.mapper = mapper;
  }

  void register(RoutesConfig routes) {
    routes.post("/api/v1/admin/reload", this::reload);
    routes.get("/api/v1/admin/log-levels", this::levels);
    routes.put("/api/v1/admin/log-levels", this::setLevel);
  }

  private void reload(Context ctx) {
    var token = auth.requireGlobal(ctx, Role.ADMIN);
    Map<String, Object> out = new LinkedHashMap<>();
    LiveConfig.ReloadResult result = reloadAndLog(config, token.actor());
    if (result instanceof LiveConfig.ReloadResult.Reloaded r) {
      out.put("status", "reloaded");
      out.put("warnings", r.warnings());
      ctx.json(out);
    } else if (result instanceof LiveConfig.ReloadResult.Rejected r) {
      out.put("status", 422);
      out.put("error", "invalid_config");
      out.put("message", "the new config has " + r.errors().size()
          + " error(s); the running config is unchanged");
      out.put("errors", r.errors().stream().map(ConfigError::toString).toList());
      ctx.status(422).json(out);
    }
  }

  /** Reloads and logs the outcome; shared by the HTTP endpoint and SIGHUP. */
  public static LiveConfig.ReloadResult reloadAndLog(LiveConfig config, String actor) {
    LiveConfig.ReloadResult result = config.reload();
    if (result instanceof LiveConfig.ReloadResult.Reloaded r) {
      LogEvent.CONFIG_RELOADED.info(log).addKeyValue("actor", actor)
          .addKeyValue("warnings", r.warnings()).log("configuration reloaded");
    } else if (result instanceof LiveConfig.ReloadResult.Rejected r) {
      LogEvent.CONFIG_RELOAD_REJECTED.warn(log).addKeyValue("actor", actor)
          .addKeyValue("errors", r.errors().stream().map(ConfigError::toString).toList())
          .log("new configuration rejected; the running one is unchanged");
    }
    return result;
  }

  private void levels(Context ctx) {
    auth.requireGlobal(ctx, Role.ADMIN);
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    Map<String, String> levels = new TreeMap<>();
    for (ch.qos.logback.classic.Logger l : lc.getLoggerList()) {
      if (l.getLevel() != null) {
        levels.put(l.getName(), l.getLevel().toString().toLowerCase(Locale.ROOT));
      }
    }
    ctx.json(Map.of("levels", levels));
  }

  private void setLevel(Context ctx) {
    var token = auth.requireGlobal(ctx, Role.ADMIN);
    JsonNode body;
    try {
      body = EventParser.readTree(mapper, Bodies.read(ctx, 4096));
    } catch (MalformedJsonException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    JsonNode loggerNode = body.get("logger");
    JsonNode levelNode = body.get("level");
    String logger = loggerNode == null || loggerNode.isNull() ? "dev.watchkeeper"
        : loggerNode.asText();
    if (levelNode == null || !levelNode.isTextual()
        || !LEVELS.contains(levelNode.textValue().toLowerCase(Locale.ROOT))) {
      throw ApiException.badRequest("level: required, one of " + String.join(", ", LEVELS)
          + " (and optionally \"logger\", default dev.watchkeeper)");
    }
    String level = levelNode.textValue().toLowerCase(Locale.ROOT);
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    lc.getLogger(logger).setLevel(Level.toLevel(level));
    LogEvent.LOG_LEVEL_CHANGED.info(log).addKeyValue("logger", logger).addKeyValue("level", level)
        .addKeyValue("actor", token.actor()).log("log level changed");
    ctx.json(Map.of("logger", logger, "level", level));
  }
}
