package dev.watchkeeper.obs;

import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Stable ids for every kind of log line, so that alerts on our own logs survive message rewording.
 * The id is emitted as the JSON field {@code event_id}. Never renumber; add new ids at the end of
 * their range.
 */
public enum LogEvent {
  // 1000-1099: ingest and the event log
  EVENT_BATCH_COMMITTED("WK1001"),
  EVENT_COMMIT_FAILED("WK1002"),
  EVENT_PROCESSOR_FAILED("WK1003"),
  INGEST_REJECTED("WK1010"),
  PROCESSOR_LEASE_TAKEN("WK1011"),
  PROCESSOR_LEASE_LOST("WK1012"),
  ALERT_EXPIRY_FAILED("WK1013"),
  // 1100-1199: server lifecycle
  SERVER_LISTENING("WK1100"),
  DEMO_CONFIG_IN_USE("WK1101"),
  SHUTDOWN_STARTED("WK1102"),
  SHUTDOWN_COMPLETE("WK1103"),
  STARTUP_FAILED("WK1104"),
  // 1200-1299: configuration
  CONFIG_RELOADED("WK1200"),
  CONFIG_RELOAD_REJECTED("WK1201"),
  CONFIG_WARNING("WK1202"),
  LOG_LEVEL_CHANGED("WK1203"),
  // 1300-1399: storage
  MIGRATIONS_APPLIED("WK1300"),
  DATABASE_OPENED("WK1301"),
  DATABASE_CHECKPOINT_FAILED("WK1302"),
  DATABASE_SYNC_FAILED("WK1303"),
  // 1400-1499: HTTP
  REQUEST_FAILED("WK1400"),
  AUTH_REJECTED("WK1401"),
  // 1500-1599: incidents
  INCIDENT_TIMERS_FAILED("WK1500"),
  INCIDENT_TIMERS_FIRED("WK1501"),
  // 2000-2099: health checks
  CHECK_PINGS_FAILED("WK2000"),
  CHECK_DEADLINES_APPLIED("WK2001"),
  CHECK_DEADLINES_FAILED("WK2002"),
  CHECK_FLIPS_FAILED("WK2003"),
  CHECK_CONFIG_SYNCED("WK2004"),
  CHECK_CONFIG_SYNC_FAILED("WK2005"),
  UDP_LISTENING("WK2010"),
  UDP_DATAGRAM_DROPPED("WK2011"),
  UDP_LISTENER_FAILED("WK2012"),
  PROBE_RUN("WK2020"),
  PROBE_FAILED_UNEXPECTEDLY("WK2021"),
  CHECK_PINGS_FOLDED("WK2022"),
  CHECK_FOLD_FAILED("WK2023"),
  CHECK_PING_LOG_RECOVERED("WK2024"),
  PROBE_DEFINITION_UNREADABLE("WK2025"),
  // 2100-2199: people and access
  LOGIN_SUCCEEDED("WK2100"),
  LOGIN_FAILED("WK2101"),
  LOGIN_RATE_LIMITED("WK2102"),
  CSRF_REJECTED("WK2103"),
  ACCESS_DENIED("WK2104"),
  API_TOKEN_CREATED("WK2105"),
  API_TOKEN_REVOKED("WK2106"),
  ACCOUNT_CREATED("WK2107"),
  PASSWORD_CHANGED("WK2108"),
  ACCOUNT_DELETED("WK2109"),
  ACCOUNT_ROLES_CHANGED("WK2110"),
  LOGGED_OUT("WK2111"),
  // 2300-2399: pages
  LIVE_UPDATES_FAILED("WK2300");

  private final String id;

  LogEvent(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public LoggingEventBuilder info(Logger log) {
    return log.atInfo().addKeyValue("event_id", id);
  }

  public LoggingEventBuilder warn(Logger log) {
    return log.atWarn().addKeyValue("event_id", id);
  }

  public LoggingEventBuilder error(Logger log) {
    return log.atError().addKeyValue("event_id", id);
  }

  public LoggingEventBuilder debug(Logger log) {
    return log.atDebug().addKeyValue("event_id", id);
  }
}
