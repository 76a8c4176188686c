package dev.watchkeeper.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * RFC 3339 timestamps on the ingest paths ({@code 2026-12-07T10:00:00.123Z},
 * {@code 2026-12-07T11:00:00+01:00}). Every alert carries one or two, and {@link
 * OffsetDateTime#parse} took a fifth of the CPU of a one-alert {@code POST /api/v2/alerts}
 * (bench/RESULTS.md). The canonical shape (four-digit year, seconds, up to nine fraction digits,
 * {@code Z} or {@code ±hh:mm}) is read here directly; anything else goes to {@link
 * OffsetDateTime#parse}, so what is accepted, and the error for what is not, stay as
 * {@code java.time} has them.
 */
public final class Rfc3339 {
  private Rfc3339() {}

  /** The instant {@code text} names; throws {@link DateTimeParseException} as OffsetDateTime. */
  public static Instant parse(String text) {
    Instant fast = canonical(text);
    return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
  }

  /** The instant of a timestamp of the canonical shape, or null for anything else. */
  static Instant canonical(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59
        || second > 59) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        nanos = nanos * 10 + (s.charAt(i) - '0');
        i++;
      }
      int count = i - start;
      if (count == 0 || count > 9) {
        return null;
      }
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offset;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offset = 0;
    } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-')
        && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if ((oh | om) < 0 || oh > 18 || om > 59 || (oh == 18 && om > 0)) {
        return null;
      }
      offset = (s.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null; // such as February 30th: java.time words the error
    }
    return Instant.ofEpochSecond(
        epochDay * 86_400 + hour * 3600 + minute * 60 + second - offset, nanos);
  }

  /** The decimal number of {@code len} ASCII digits at {@code from}, or -1. */
  private static int digits(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
