package dev.watchkeeper.check.probe;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A probe: what the prober asks, how often, and how many results in a row change the state.
 *
 * @param target an http(s) URL (http), {@code host:port} (tcp, tls) or a host name (dns)
 * @param retries extra attempts within one run before the run counts as failed
 * @param failureThreshold failed runs in a row that make the check down
 * @param successThreshold successful runs in a row that bring a down check up again
 * @param expectedStatus HTTP statuses that count as success (empty: 200..399)
 * @param bodyContains text the HTTP body must contain, or null
 * @param maxLatency slower answers fail, or null
 * @param warnDays TLS: a certificate expiring within this many days fails
 * @param jsonPath HTTP: a JSON Pointer (RFC 6901, e.g. {@code /checks/db/status}) into the JSON
 *     body that must exist and be neither null nor false, or null
 * @param jsonEquals HTTP: the text the value at {@code jsonPath} must equal, or null
 */
public record Probe(Type type, String target, Duration interval, Duration timeout, int retries,
    int failureThreshold, int successThreshold, String method, Map<String, String> headers,
    List<Integer> expectedStatus, String bodyContains, Duration maxLatency, int warnDays,
    String jsonPath, String jsonEquals) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_RETRIES = 0;
  public static final int MAX_RETRIES = 5;
  public static final int DEFAULT_FAILURE_THRESHOLD = 2;
  public static final int DEFAULT_SUCCESS_THRESHOLD = 1;
  public static final int DEFAULT_WARN_DAYS = 14;
  public static final int MAX_REDIRECTS = 3;
  /** Most bytes of an HTTP body read for {@code body_contains}. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  public enum Type {
    HTTP, TCP, TLS, DNS;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Probe {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    expectedStatus = expectedStatus == null ? List.of() : List.copyOf(expectedStatus);
  }

  /** Without a JSON condition. */
  public Probe(Type type, String target, Duration interval, Duration timeout, int retries,
      int failureThreshold, int successThreshold, String method, Map<String, String> headers,
      List<Integer> expectedStatus, String bodyContains, Duration maxLatency, int warnDays) {
    this(type, target, interval, timeout, retries, failureThreshold, successThreshold, method,
        headers, expectedStatus, bodyContains, maxLatency, warnDays, null, null);
  }
}
