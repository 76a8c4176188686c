package dev.watchkeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The iCalendar writer's escaping and folding (RFC 5545 3.1 and 3.3.11). */
class IcalTest {

  @Test
  void textValuesEscapeBackslashSemicolonCommaAndNewlines() {
    assertThat(Ical.text("a\\b;c,d\ne\r\nf\rg\u0007h\ti"))
        .isEqualTo("a\\\\b\\;c\\,d\\ne\\nf\\ng" + "h\ti");
  }

  @Test
  void longLinesFoldAt75OctetsWithoutSplittingACharacter() {
    String value = "Ærøskøbing 東京 😀 ".repeat(20);
    StringBuilder out = new StringBuilder();
    Ical.line(out, "SUMMARY:" + value);
    String folded = out.toString();
    assertThat(folded).endsWith("\r\n");
    String[] physical = folded.substring(0, folded.length() - 2).split("\r\n", -1);
    assertThat(physical.length).isGreaterThan(5);
    for (int i = 0; i < physical.length; i++) {
      byte[] bytes = physical[i].getBytes(StandardCharsets.UTF_8);
      assertThat(bytes.length).as(physical[i]).isLessThanOrEqualTo(75);
      // A split surrogate pair would not survive the round trip through UTF-8.
      assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(physical[i]);
      if (i > 0) {
        assertThat(physical[i]).startsWith(" ");
      }
    }
    assertThat(folded.replace("\r\n ", "")).isEqualTo("SUMMARY:" + value + "\r\n");
  }

  @Test
  void aCalendarHasItsRequiredPropertiesAndOneEventPerShift() {
    String feed = Ical.calendar("On call: DB", Instant.parse("2026-11-23T09:30:00Z"), List.of(
        new Ical.Event("u1@watchkeeper", Instant.parse("2026-11-23T09:00:00Z"),
            Instant.parse("2026-11-24T09:00:00Z"), "ann: DB primary", null)));
    assertThat(feed).isEqualTo("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        + "PRODID:-//Watchkeeper//On-call schedules//EN\r\nCALSCALE:GREGORIAN\r\n"
        + "METHOD:PUBLISH\r\nX-WR-CALNAME:On call: DB\r\n"
        + "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n"
        + "BEGIN:VEVENT\r\nUID:u1@watchkeeper\r\nDTSTAMP:20261123T093000Z\r\n"
        + "DTSTART:20261123T090000Z\r\nDTEND:20261124T090000Z\r\nSUMMARY:ann: DB primary\r\n"
        + "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  }
}
