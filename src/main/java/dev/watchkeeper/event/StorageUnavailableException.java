package dev.watchkeeper.event;

/** The event log cannot take events right now; the client may retry (HTTP 503). */
public final class StorageUnavailableException extends RuntimeException {
  public StorageUnavailableException(String message) {
    super(message);
  }
}
