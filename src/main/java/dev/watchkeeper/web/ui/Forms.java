package dev.watchkeeper.web.ui;

import dev.watchkeeper.web.ApiException;
import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading the fields of the pages' forms and query strings; a wrong value is a 400 page naming
 * the field ({@code end: not a time like ...}). Stateless.
 */
final class Forms {
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,6})\\s*(m|h|d|w)");
  static final String TIME_HINT = "2026-11-23T09:00 (in the zone shown) or 2026-11-23T09:00:00Z";

  private Forms() {}

  /** The field's value, trimmed; null when absent or blank. */
  static String optional(Context ctx, String name) {
    String v = ctx.formParam(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** The field's value; 400 when absent, blank or longer than {@code max}. */
  static String required(Context ctx, String name, int max) {
    String v = ctx.formParam(name);
    if (v == null || v.isBlank()) {
      throw ApiException.badRequest(name + ": required");
    }
    if (v.length() > max) {
      throw ApiException.badRequest(name + ": longer than " + max + " characters");
    }
    return v.trim();
  }

  /** The value is at most {@code max} characters long (else 400), or null. */
  static String limit(String name, String v, int max) {
    if (v != null && v.length() > max) {
      throw ApiException.badRequest(name + ": longer than " + max + " characters");
    }
    return v;
  }

  /**
   * A time as a form gives it: RFC 3339 with an offset, or a local date-time (what
   * {@code <input type="datetime-local">} sends) in {@code zone}; null when {@code v} is null.
   */
  static Instant time(String name, String v, ZoneId zone) {
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(v).atZone(zone).toInstant();
      } catch (DateTimeException e2) {
        throw ApiException.badRequest(name + ": not a time like " + TIME_HINT);
      }
    }
  }

  /** A length like 30m, 2h, 1d or 1w; null when {@code v} is null. */
  static Duration duration(String name, String v) {
    if (v == null) {
      return null;
    }
    Matcher m = SHORT_DURATION.matcher(v);
    if (!m.matches()) {
      throw ApiException.badRequest(name + ": not a length like 30m, 2h, 1d or 1w");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }

  /** A time zone by its id; 400 naming {@code name} when unknown. */
  static ZoneId zone(String name, String v) {
    try {
      return ZoneId.of(v);
    } catch (DateTimeException e) {
      throw ApiException.badRequest(name + ": unknown time zone \"" + v + "\" (like UTC or"
          + " Europe/Berlin)");
    }
  }
}
