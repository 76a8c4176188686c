package dev.watchkeeper.access;

/**
 * Who a request acts as, and with which roles.
 *
 * @param actor the name written to timelines and the audit log: {@code token:NAME} for API
 *     tokens (config or run time), {@code user:NAME} for someone logged in
 * @param kind how the request proved it
 */
public record Principal(String actor, Kind kind, Grants grants) {
  /** How a principal authenticated. */
  public enum Kind {
    /** An {@code api_tokens} entry of the config. */
    CONFIG_TOKEN,
    /** An API token created at run time ({@code POST /api/v1/tokens}). */
    API_TOKEN,
    /** A login session cookie (subject to CSRF checks). */
    SESSION
  }

  /** The name without the {@code token:} or {@code user:} prefix. */
  public String name() {
    return actor.substring(actor.indexOf(':') + 1);
  }
}
