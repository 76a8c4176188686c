package dev.watchkeeper.web;

import java.util.List;

/** An HTTP error with a sentence for the user; mapped to a JSON body by {@link HttpServer}. */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final List<String> details;
  private final Long retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, List.of(), null);
  }

  public ApiException(int status, String code, String message, List<String> details,
      Long retryAfterSeconds) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = List.copyOf(details);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<String> details() {
    return details;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }
}
