package dev.watchkeeper.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/** Query parameters shared by the list endpoints and pages, each bad value a 400 naming it. */
public final class Params {
  private Params() {}

  public static int intParam(Context ctx, String name, int def, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw ApiException.badRequest(name + ": must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + ": not a whole number: \"" + v + "\"");
    }
  }

  public static Instant timeParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(name + ": not an RFC 3339 timestamp (like"
          + " 2026-11-23T09:30:00Z)");
    }
  }

  /** An opaque cursor: a kind letter (so one list's cursor is refused by another) and a number. */
  public static String encodeCursor(long position, String kind) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((kind + position).getBytes(StandardCharsets.US_ASCII));
  }

  public static long decodeCursor(String cursor, String kind) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (!s.startsWith(kind)) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(s.substring(kind.length()));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("cursor: not a cursor from a previous page of this list");
    }
  }
}
