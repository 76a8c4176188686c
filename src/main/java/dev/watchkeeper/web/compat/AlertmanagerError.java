package dev.watchkeeper.web.compat;

/**
 * An error answered the way Alertmanager's API v2 answers: the status and, as the body, a JSON
 * string with the message (its error payloads are plain strings).
 */
final class AlertmanagerError extends RuntimeException {
  private final int status;

  AlertmanagerError(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
