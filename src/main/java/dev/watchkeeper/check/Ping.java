package dev.watchkeeper.check;

import java.time.Instant;

/**
 * One received ping, as it is stored.
 *
 * @param exitCode the exit code of an {@code /<exit-code>} ping, else null
 * @param transport http, udp or probe
 * @param rid the run id ({@code ?rid=}) pairing a start with its finish, or null
 * @param durationMs filled in when stored: time since the paired start, or null
 */
public record Ping(String checkId, Instant at, PingKind kind, Integer exitCode, String transport,
    String method, String remoteAddr, String userAgent, String rid, String body,
    boolean bodyTruncated, Long durationMs) {

  public Ping withKind(PingKind k) {
    return new Ping(checkId, at, k, exitCode, transport, method, remoteAddr, userAgent, rid, body,
        bodyTruncated, durationMs);
  }

  public Ping withDuration(Long ms) {
    return new Ping(checkId, at, kind, exitCode, transport, method, remoteAddr, userAgent, rid,
        body, bodyTruncated, ms);
  }
}
