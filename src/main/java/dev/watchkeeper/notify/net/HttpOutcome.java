package dev.watchkeeper.notify.net;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What {@link GuardedHttp} got back; reasons never contain a URL's path or query. */
public sealed interface HttpOutcome {

  /** The receiver answered (after any redirects); header names are lower case. */
  record Response(int status, Map<String, List<String>> headers, Duration latency)
      implements HttpOutcome {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /** Not sent and never will be: SSRF refusal, bad URL or header, too many redirects. */
  record Refused(String reason) implements HttpOutcome {}

  /** Could not get an answer: timeout, connection refused, DNS failure; worth retrying. */
  record Unreachable(String reason) implements HttpOutcome {}
}
