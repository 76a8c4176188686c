package dev.watchkeeper.web.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PagerDuty Events API v2 parser on its own: no HTTP. */
class PagerDutyParserTest {
  static final Instant NOW = Instant.parse("2026-11-23T09:30:00Z");
  final ObjectMapper mapper = new ObjectMapper();
  final PagerDutyParser parser = new PagerDutyParser(mapper, Clock.fixed(NOW, ZoneOffset.UTC));

  PagerDutyParser.Result alert(String json) {
    return parser.alert(json.getBytes(StandardCharsets.UTF_8));
  }

  PagerDutyParser.Result change(String json) {
    return parser.change(json.getBytes(StandardCharsets.UTF_8));
  }

  static PagerDutyParser.Valid valid(PagerDutyParser.Result r) {
    assertThat(r).isInstanceOf(PagerDutyParser.Valid.class);
    return (PagerDutyParser.Valid) r;
  }

  static PagerDutyParser.Invalid invalid(PagerDutyParser.Result r) {
    assertThat(r).isInstanceOf(PagerDutyParser.Invalid.class);
    return (PagerDutyParser.Invalid) r;
  }

  @Test
  void triggerMapsEveryFieldOntoTheNativeEvent() throws Exception {
    PagerDutyParser.Valid v = valid(alert("""
        {"routing_key":"rk","event_action":"trigger","dedup_key":"d1",
         "payload":{"summary":"sum","source":"src","severity":"warning",
           "timestamp":"2015-07-17T08:42:58.315+0000","component":"c","group":"g","class":"k",
           "custom_details":"free text"},
         "client":"cl","client_url":"https://x"}"""));

    Event e = v.event();
    assertThat(v.routingKey()).isEqualTo("rk");
    assertThat(v.dedupKey()).isEqualTo("d1");
    assertThat(e.type()).isEqualTo("pagerduty.trigger");
    assertThat(e.source()).isEqualTo("src");
    assertThat(e.severity()).isEqualTo(Severity.WARNING);
    assertThat(e.dedupKey()).isEqualTo("d1");
    assertThat(e.summary()).isEqualTo("sum");
    assertThat(e.time()).isEqualTo(Instant.parse("2015-07-17T08:42:58.315Z"));
    assertThat(e.labels()).isEqualTo(Map.of("component", "c", "group", "g", "class", "k",
        "client", "cl"));
    assertThat(mapper.readTree(e.payloadJson())).isEqualTo(mapper.readTree("""
        {"event_action":"trigger","dedup_key":"d1",
         "payload":{"summary":"sum","source":"src","severity":"warning",
           "timestamp":"2015-07-17T08:42:58.315+0000","component":"c","group":"g","class":"k",
           "custom_details":"free text"},
         "client":"cl","client_url":"https://x"}"""));
    assertThat(e.id()).isNotBlank();
  }

  @Test
  void triggerWithoutTimestampIsStampedNowAndWithoutDedupKeyGetsAUuid() {
    PagerDutyParser.Valid v = valid(alert("""
        {"routing_key":"rk","event_action":"trigger","dedup_key":"",
         "payload":{"summary":"s","source":"h","severity":"INFO"}}"""));

    assertThat(v.event().time()).isEqualTo(NOW);
    assertThat(v.dedupKey()).matches("[0-9a-f-]{36}").isEqualTo(v.event().dedupKey());
    assertThat(v.event().severity()).isEqualTo(Severity.INFO);
    assertThat(v.event().labels()).isEmpty();
  }

  @Test
  void acknowledgeAndResolveNeedOnlyTheDedupKeyAndDefaultTheSourceToPagerDuty() {
    for (String action : new String[] {"acknowledge", "resolve"}) {
      Event e = valid(alert("{\"routing_key\":\"rk\",\"event_action\":\"" + action
          + "\",\"dedup_key\":\"d\"}")).event();
      assertThat(e.type()).isEqualTo("pagerduty." + action);
      assertThat(e.source()).isEqualTo("pagerduty");
      assertThat(e.severity()).isNull();
      assertThat(e.summary()).isNull();
      assertThat(e.dedupKey()).isEqualTo("d");
    }
  }

  @Test
  void resolveWithAPayloadTakesItsSourceAndSummary() {
    Event e = valid(alert("""
        {"routing_key":"rk","event_action":"resolve","dedup_key":"d",
         "payload":{"summary":"back to normal","source":"web-1","severity":"info"}}""")).event();
    assertThat(e.source()).isEqualTo("web-1");
    assertThat(e.summary()).isEqualTo("back to normal");
  }

  @Test
  void everyProblemIsReportedInOneAnswerNamingItsField() {
    PagerDutyParser.Invalid bad = invalid(alert("""
        {"event_action":"trigger","dedup_key":"%s",
         "payload":{"summary":"%s","severity":"sev1"}}"""
        .formatted("k".repeat(256), "s".repeat(1025))));

    assertThat(bad.status()).isEqualTo("invalid event");
    assertThat(bad.message()).isEqualTo("Event object is invalid");
    assertThat(bad.routingKey()).isNull();
    assertThat(bad.errors()).containsExactly(
        "'routing_key' cannot be blank",
        "Length of 'dedup_key' is incorrect (must be at most 255 characters, got 256)",
        "Length of 'payload.summary' is incorrect (must be at most 1024 characters, got 1025)",
        "'payload.source' is missing or blank",
        "'payload.severity' is invalid (must be one of critical, error, warning, info;"
            + " got \"sev1\")");
  }

  @Test
  void invalidEventStillCarriesItsRoutingKeySoAnUnknownSenderIsToldOnlyThat() {
    assertThat(invalid(alert("{\"routing_key\":\" rk \",\"event_action\":\"nope\"}"))
        .routingKey()).isEqualTo("rk");
  }

  @Test
  void malformedJsonIsUnrecognizedNamingLineAndColumn() {
    PagerDutyParser.Invalid bad = invalid(alert("{\n\"routing_key\": \"rk\",,}"));

    assertThat(bad.status()).isEqualTo("Unrecognized object");
    assertThat(bad.message()).isEqualTo("Event object format is unrecognized");
    assertThat(bad.errors()).singleElement().asString().contains("line 2, column");
  }

  @Test
  void nonObjectBodyIsUnrecognized() {
    assertThat(invalid(alert("[{\"routing_key\":\"rk\"}]")).errors()).singleElement().asString()
        .contains("got an array");
    assertThat(invalid(change("")).status()).isEqualTo("Unrecognized object");
  }

  @Test
  void linksAndImagesMustBeArraysOfObjectsWithTheirUrl() {
    PagerDutyParser.Invalid bad = invalid(alert("""
        {"routing_key":"rk","event_action":"resolve","dedup_key":"d",
         "links":[{"text":"no href"},"x"],"images":{}}"""));
    assertThat(bad.errors()).containsExactly(
        "'links[0].href' is missing or blank",
        "'links[1]' must be an object, got a string",
        "'images' must be an array of objects, got an object");
  }

  @Test
  void errorsAreCappedSoAHugeBodyGetsAShortAnswer() {
    String links = "[" + "1,".repeat(100) + "1]";
    PagerDutyParser.Invalid bad = invalid(alert("{\"routing_key\":\"rk\",\"event_action\":"
        + "\"resolve\",\"dedup_key\":\"d\",\"links\":" + links + "}"));
    assertThat(bad.errors()).hasSize(PagerDutyParser.MAX_ERRORS);
  }

  @Test
  void changeEventMapsOntoTypeChangeWithoutTheRoutingKey() throws Exception {
    PagerDutyParser.Valid v = valid(change("""
        {"routing_key":"rk","payload":{"summary":"deployed v2","source":"ci",
          "timestamp":"2020-07-17T08:42:58Z","custom_details":{"n":2}},
         "links":[{"href":"https://ci/2"}]}"""));

    Event e = v.event();
    assertThat(v.dedupKey()).isNull();
    assertThat(e.type()).isEqualTo("change");
    assertThat(e.source()).isEqualTo("ci");
    assertThat(e.summary()).isEqualTo("deployed v2");
    assertThat(e.time()).isEqualTo(Instant.parse("2020-07-17T08:42:58Z"));
    assertThat(e.severity()).isNull();
    assertThat(e.dedupKey()).isNull();
    assertThat(mapper.readTree(e.payloadJson()).has("routing_key")).isFalse();
    assertThat(e.payloadJson()).doesNotContain("\"rk\"");
  }

  @Test
  void changeEventNeedsASummaryAndDefaultsItsSource() {
    assertThat(invalid(change("{\"routing_key\":\"rk\"}")).errors())
        .containsExactly("'payload' is missing or blank");
    assertThat(valid(change("{\"routing_key\":\"rk\",\"payload\":{\"summary\":\"s\"}}"))
        .event().source()).isEqualTo("pagerduty");
  }

  @Test
  void timestampsAreReadInTheIso8601FormsSendersUse() {
    Instant t = Instant.parse("2015-07-17T08:42:58.315Z");
    assertThat(PagerDutyParser.parseTimestamp("2015-07-17T08:42:58.315+0000")).isEqualTo(t);
    assertThat(PagerDutyParser.parseTimestamp("2015-07-17T08:42:58.315Z")).isEqualTo(t);
    assertThat(PagerDutyParser.parseTimestamp("2015-07-17T10:42:58.315+02:00")).isEqualTo(t);
    assertThat(PagerDutyParser.parseTimestamp("2015-07-17T03:42:58.315-05")).isEqualTo(t);
    assertThat(PagerDutyParser.parseTimestamp("2015-07-17 08:42:58.315Z")).isEqualTo(t);
    assertThat(PagerDutyParser.parseTimestamp("2015-07-17T08:42:58.315")).isEqualTo(t);
    assertThat(PagerDutyParser.parseTimestamp("2015-07-17T08:42:58.315123456Z"))
        .isEqualTo(Instant.parse("2015-07-17T08:42:58.315123456Z"));
    assertThat(PagerDutyParser.parseTimestamp("yesterday")).isNull();
    assertThat(PagerDutyParser.parseTimestamp("2015-13-45T99:00:00Z")).isNull();
    assertThat(PagerDutyParser.parseTimestamp("")).isNull();
  }
}
