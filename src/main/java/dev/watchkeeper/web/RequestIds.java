package dev.watchkeeper.web;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context: parses {@code traceparent} and makes new trace and span ids. The ids are
 * random but not secrets (they are sent back in every answer), so they come from
 * {@link ThreadLocalRandom}: a shared {@code SecureRandom} (synchronised, SHA-1 per call) was 7%
 * of the CPU of the ping path in a profile.
 */
final class RequestIds {
  private static final Pattern TRACEPARENT =
      Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$");

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
    ThreadLocalRandom.current().nextBytes(b);
    if (b[0] == 0 && java.util.Arrays.equals(b, new byte[bytes])) {
      b[0] = 1; // all zeros is invalid in traceparent
    }
    return HexFormat.of().formatHex(b);
  }
}
