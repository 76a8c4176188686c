package dev.watchkeeper.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies with a hard size limit (413 beyond it). */
public final class Bodies {
  private Bodies() {}

  public static byte[] read(Context ctx, int maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(maxBytes);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      return body;
    } catch (IOException e) {
      throw new ApiException(400, "bad_request", "the request body could not be read: "
          + e.getMessage());
    }
  }

  private static ApiException tooLarge(int maxBytes) {
    return new ApiException(413, "payload_too_large",
        "the request body is larger than " + maxBytes + " bytes; split it into smaller batches");
  }
}
