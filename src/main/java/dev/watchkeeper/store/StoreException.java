package dev.watchkeeper.store;

/** A database operation failed; carries the SQL cause. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
