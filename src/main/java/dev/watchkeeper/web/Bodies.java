package dev.watchkeeper.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies with a hard size limit (413 beyond it). */
public final class Bodies {
  /**
   * An oversized body is read and discarded up to this many bytes before the 413 is sent, so the
   * client, still writing, reads the answer instead of a reset connection. Beyond it the server
   * answers at once and drops the connection.
   */
  static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;

  private Bodies() {}

  public static byte[] read(Context ctx, int maxBytes) {
    try {
      return read(ctx.req().getInputStream(), ctx.req().getContentLengthLong(), maxBytes);
    } catch (IOException e) {
      throw new ApiException(400, "bad_request", "the request body could not be read: "
          + e.getMessage());
    }
  }

  /** The body of {@code in} (closed after), {@code declared} bytes long or -1 if unknown. */
  public static byte[] read(InputStream stream, long declared, int maxBytes) {
    try (InputStream in = stream) {
      if (declared > maxBytes) {
        drain(in, declared);
        throw tooLarge(maxBytes);
      }
      if (declared >= 0) {
        // Known length: read into an array of exactly that size (readNBytes(max) would zero an
        // 8 KB buffer and copy out of it, per request).
        byte[] body = new byte[(int) declared];
        int n = in.readNBytes(body, 0, body.length);
        if (n < body.length) {
          throw new ApiException(400, "bad_request", "the request body ended after " + n
              + " of the " + declared + " bytes its Content-Length announced");
        }
        return body;
      }
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        drain(in, MAX_DRAIN_BYTES);
        throw tooLarge(maxBytes);
      }
      return body;
    } catch (IOException e) {
      throw new ApiException(400, "bad_request", "the request body could not be read: "
          + e.getMessage());
    }
  }

  private static void drain(InputStream in, long declared) throws IOException {
    if (declared > MAX_DRAIN_BYTES) {
      return;
    }
    byte[] buf = new byte[64 * 1024];
    long left = MAX_DRAIN_BYTES;
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
      left -= n;
    }
  }

  private static ApiException tooLarge(int maxBytes) {
    return new ApiException(413, "payload_too_large",
        "the request body is larger than " + maxBytes + " bytes; split it into smaller batches");
  }
}
