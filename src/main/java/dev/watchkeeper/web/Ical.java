package dev.watchkeeper.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes an iCalendar (RFC 5545) feed of timed events: CRLF line ends, content lines folded at 75
 * octets without splitting a UTF-8 sequence, TEXT values escaped, every time in UTC (no VTIMEZONE
 * needed), a stable UID per event. Written by hand: a dozen properties do not justify the
 * dependency tree of a full iCalendar library.
 */
final class Ical {
  static final String CONTENT_TYPE = "text/calendar; charset=utf-8";
  private static final int MAX_OCTETS = 75;
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private Ical() {}

  /** One VEVENT. {@code uid} must be globally unique and stable across fetches of the feed. */
  record Event(String uid, Instant start, Instant end, String summary, String description) {}

  /**
   * A VCALENDAR with {@code events}.
   *
   * @param name shown by calendar apps ({@code X-WR-CALNAME})
   * @param stamp when the feed was made ({@code DTSTAMP} of every event)
   */
  static String calendar(String name, Instant stamp, List<Event> events) {
    StringBuilder out = new StringBuilder(256 + events.size() * 256);
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//Watchkeeper//On-call schedules//EN");
    line(out, "CALSCALE:GREGORIAN");
    line(out, "METHOD:PUBLISH");
    line(out, "X-WR-CALNAME:" + text(name));
    // Ask subscribers to refresh hourly: overrides and reliefs change the schedule at run time.
    line(out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    line(out, "X-PUBLISHED-TTL:PT1H");
    String dtstamp = UTC.format(stamp);
    for (Event e : events) {
      line(out, "BEGIN:VEVENT");
      line(out, "UID:" + text(e.uid()));
      line(out, "DTSTAMP:" + dtstamp);
      line(out, "DTSTART:" + UTC.format(e.start()));
      line(out, "DTEND:" + UTC.format(e.end()));
      line(out, "SUMMARY:" + text(e.summary()));
      if (e.description() != null) {
        line(out, "DESCRIPTION:" + text(e.description()));
      }
      // Being on call does not make anyone busy.
      line(out, "TRANSP:TRANSPARENT");
      line(out, "END:VEVENT");
    }
    line(out, "END:VCALENDAR");
    return out.toString();
  }

  /** A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped. */
  static String text(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case ';' -> b.append("\\;");
        case ',' -> b.append("\\,");
        case '\n' -> b.append("\\n");
        case '\r' -> {
          if (i + 1 >= s.length() || s.charAt(i + 1) != '\n') {
            b.append("\\n");
          }
        }
        default -> {
          // Other control characters are not allowed in TEXT (RFC 5545 3.3.11, 3.1).
          if (c >= 0x20 && c != 0x7f || c == '\t') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /**
   * Appends one content line, folded (RFC 5545 3.1): no physical line longer than 75 octets
   * before its CRLF; each continuation starts with one space, which counts towards the 75.
   */
  static void line(StringBuilder out, String content) {
    int octets = 0;
    for (int i = 0; i < content.length(); ) {
      int cp = content.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (octets + n > MAX_OCTETS) {
        out.append("\r\n ");
        octets = 1;
      }
      out.appendCodePoint(cp);
      octets += n;
      i += Character.charCount(cp);
    }
    out.append("\r\n");
  }
}
