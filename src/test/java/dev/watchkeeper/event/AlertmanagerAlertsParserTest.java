package dev.watchkeeper.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertmanagerAlertsParserTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  final AlertmanagerAlertsParser parser =
      new AlertmanagerAlertsParser(JSON, Clock.fixed(NOW, ZoneOffset.UTC));

  List<Event> parse(String body) {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8), 1000);
  }

  @Test
  void aFiringAlertBecomesAnEventWithItsAnnotationsAndTimesAsPayload() throws Exception {
    Event e = parse("""
        [{"labels":{"alertname":"DiskFull","instance":"db-1:9100","severity":"page"},
          "annotations":{"summary":"disk 95% full","runbook":"https://runbooks/disk \\"x\\""},
          "startsAt":"2026-12-05T11:58:00+01:00","generatorURL":"http://prom/graph?g0.expr=up"}]
        """).get(0);

    assertThat(e.source()).isEqualTo("db-1:9100");
    assertThat(e.type()).isEqualTo("alertmanager.firing");
    assertThat(e.time()).isEqualTo(Instant.parse("2026-12-05T10:58:00Z"));
    assertThat(e.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(e.summary()).isEqualTo("disk 95% full");
    assertThat(e.dedupKey()).isNull();
    assertThat(e.labels()).containsEntry("alertname", "DiskFull").hasSize(3);
    assertThat(e.id()).isNotBlank();
    assertThat(JSON.readTree(e.payloadJson())).isEqualTo(JSON.readTree("""
        {"annotations":{"summary":"disk 95% full","runbook":"https://runbooks/disk \\"x\\""},
         "generatorURL":"http://prom/graph?g0.expr=up","startsAt":"2026-12-05T10:58:00Z"}"""));
  }

  @Test
  void anEndInThePastResolvesAtThatTimeAndAnEndInTheFutureStillFires() {
    List<Event> events = parse("""
        [{"labels":{"alertname":"A","job":"node"},"endsAt":"2026-12-05T11:00:00Z"},
         {"labels":{"alertname":"B"},"endsAt":"2026-12-05T13:00:00Z"}]""");

    assertThat(events.get(0).type()).isEqualTo("alertmanager.resolved");
    assertThat(events.get(0).time()).isEqualTo(Instant.parse("2026-12-05T11:00:00Z"));
    assertThat(events.get(0).source()).isEqualTo("node");
    assertThat(events.get(0).summary()).isEqualTo("A");
    assertThat(events.get(1).type()).isEqualTo("alertmanager.firing");
    assertThat(events.get(1).time()).isEqualTo(NOW); // no startsAt: now
    assertThat(events.get(1).source()).isEqualTo("prometheus");
    assertThat(events.get(1).severity()).isNull();
  }

  @Test
  void anInstanceLabelLongerThanAnEventSourceIsTakenAndTheSourceCut() {
    String instance = "h".repeat(1000);
    Event e = parse("[{\"labels\":{\"alertname\":\"A\",\"instance\":\"" + instance + "\"}}]")
        .get(0);

    assertThat(e.source()).hasSize(EventLimits.MAX_SOURCE);
    assertThat(e.labels()).containsEntry("instance", instance);
  }

  @Test
  void everyProblemNamesItsAlertAndField() {
    assertThatThrownBy(() -> parse("""
        [{"labels":{}},
         {"labels":{"a-b":"x"},"startsAt":"yesterday","colour":"red"},
         {"labels":{"a":"x"},"startsAt":"2026-12-05T11:00:00Z","endsAt":"2026-12-05T10:00:00Z",
          "generatorURL":5}]"""))
        .isInstanceOfSatisfying(InvalidEventsException.class, ex -> assertThat(ex.problems())
            .containsExactly(
                "alerts[0].labels: at least one label is required",
                "alerts[1].colour: unknown field (known: labels, annotations, startsAt, endsAt,"
                    + " generatorURL)",
                "alerts[1].labels: invalid label name \"a-b\" (must match"
                    + " [a-zA-Z_][a-zA-Z0-9_]*)",
                "alerts[1].startsAt: not an RFC 3339 timestamp: \"yesterday\"",
                "alerts[2]: start time must be before end time",
                "alerts[2].generatorURL: expected a string, got a number"));
    assertThatThrownBy(() -> parse("{\"labels\":{\"a\":\"b\"}}"))
        .isInstanceOfSatisfying(InvalidEventsException.class, ex -> assertThat(ex.problems())
            .containsExactly("expected a JSON array of alerts, got an object"));
  }
}
