package dev.watchkeeper.web;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** W3C Trace Context: parses {@code traceparent} and makes new trace and span ids. */
final class RequestIds {
  private static final Pattern TRACEPARENT =
      Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestIds() {}

  /** The trace id of a valid traceparent header, or null. */
  static String traceIdOf(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    var m = TRACEPARENT.matcher(traceparent.trim());
    if (!m.matches() || m.group(1).equals("0".repeat(32)) || m.group(2).equals("0".repeat(16))) {
      return null;
    }
    return m.group(1);
  }

  static String newTraceId() {
    return hex(16);
  }

  static String newSpanId() {
    return hex(8);
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
