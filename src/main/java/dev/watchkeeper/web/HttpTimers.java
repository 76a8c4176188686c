package dev.watchkeeper.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code watchkeeper_http_requests} timer, one per method, route template and status, looked
 * up in a map: building and registering it on every request showed in the ping path's profile.
 */
final class HttpTimers {
  private final MeterRegistry meters;
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

  HttpTimers(MeterRegistry meters) {
    this.meters = meters;
  }

  void record(String method, int status, String route, long nanos) {
    timers.computeIfAbsent(method + ' ' + status + ' ' + route,
        k -> Timer.builder("watchkeeper.http.requests")
            .description("HTTP requests by route and status")
            .tag("method", method).tag("route", route)
            .tag("status", Integer.toString(status))
            .register(meters))
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
