package dev.watchkeeper.web;

import static dev.watchkeeper.web.TestServer.ADMIN;
import static dev.watchkeeper.web.TestServer.PAYMENTS_KEY;
import static dev.watchkeeper.web.TestServer.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On-call through the running server, on the wall clock. Schedule {@code db} (UTC) started an
 * hour ago: primary rotates daily through ann, ben, cat (so ann is on call for the next 23
 * hours), secondary is dan all week. Service payments escalates to the primary, then the
 * secondary. The recovery rule's night is placed away from now, or around now for the tests of
 * the rule.
 */
class ScheduleApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  @TempDir Path dir;
  TestServer server;
  Instant start;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(dir);
    start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
    configure(false);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Writes the on-call config and reloads it; {@code nightNow}: the night window holds now. */
  void configure(boolean nightNow) throws Exception {
    String yaml = TestServer.yaml(dir.resolve("data"), 1_000_000, 1_000_000);
    yaml = TestServer.underPayments(yaml, "escalation_policy: payments");
    LocalTime now = LocalTime.ofInstant(Instant.now(), ZoneOffset.UTC);
    LocalTime nightStart = nightNow ? now.minusHours(1) : now.plusHours(6);
    LocalTime nightEnd = nightNow ? now.plusHours(1) : now.plusHours(7);
    Files.writeString(server.configFile, yaml + """
        users:
          - {id: ann, name: "Ann, the Brave"}
          - {id: ben}
          - {id: cat}
          - {id: dan}
          - {id: fay}
        schedules:
          - id: db
            name: Database
            time_zone: UTC
            layers:
              - role: primary
                rotation: {daily: 1}
                members: [ann, ben, cat]
                start: "%s"
              - role: secondary
                rotation: {weekly: 1}
                members: [dan]
                start: "%s"
        recovery: {night: "%s-%s", relief: 24h}
        escalation_policies:
          - id: payments
            levels:
              - {targets: [{schedule: db}], delay: 15m}
              - {targets: [{schedule: db, role: secondary}], delay: 15m}
        """.formatted(local(start), local(start), nightStart.format(HH_MM),
        nightEnd.format(HH_MM)));
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);
  }

  static String local(Instant t) {
    return LocalDateTime.ofInstant(t, ZoneOffset.UTC).toString();
  }

  JsonNode get(String path, String token) throws Exception {
    HttpResponse<String> r = server.get(path, token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  JsonNode onCallNow() throws Exception {
    return get("/api/v1/oncall", VIEWER).get("schedules").get(0);
  }

  HttpResponse<String> addOverride(String token, String json) throws Exception {
    return server.post("/api/v1/schedules/db/overrides", token, json);
  }

  HttpResponse<String> delete(String path, String token) throws Exception {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).DELETE()
        .header("Authorization", "Bearer " + token));
  }

  static String override(String fields, Instant from, Instant to) {
    return "{" + fields + ",\"start\":\"" + from + "\",\"end\":\"" + to + "\"}";
  }

  long incident() throws Exception {
    server.post("/api/v1/events", PAYMENTS_KEY, "{\"source\":\"db-1\",\"type\":\"db.down\","
        + "\"severity\":\"critical\",\"dedup_key\":\"db\",\"summary\":\"primary down\"}");
    long[] id = new long[1];
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode list = get("/api/v1/incidents", VIEWER).get("incidents");
      assertThat(list).hasSize(1);
      id[0] = list.get(0).get("id").asLong();
    });
    return id[0];
  }

  @Test
  void whoIsOnCallNowFollowsTheRotation() throws Exception {
    JsonNode body = get("/api/v1/oncall", VIEWER);
    JsonNode db = body.get("schedules").get(0);
    assertThat(db.get("id").asText()).isEqualTo("db");
    assertThat(db.get("primary").get("user").asText()).isEqualTo("ann");
    assertThat(db.get("primary").get("name").asText()).isEqualTo("Ann, the Brave");
    assertThat(db.get("primary").get("until").asText())
        .isEqualTo(start.plus(Duration.ofDays(1)).toString());
    assertThat(db.get("secondary").get("user").asText()).isEqualTo("dan");
    assertThat(db.get("shadows")).isEmpty();
    assertThat(db.get("relieved")).isEmpty();
    assertThat(body.get("relieved")).isEmpty();

    Instant tomorrow = start.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(5));
    assertThat(get("/api/v1/oncall?at=" + tomorrow, VIEWER).get("schedules").get(0)
        .get("primary").get("user").asText()).isEqualTo("ben");

    JsonNode list = get("/api/v1/schedules", VIEWER).get("schedules");
    assertThat(list).hasSize(1);
    JsonNode layer = list.get(0).get("layers").get(0);
    assertThat(layer.get("role").asText()).isEqualTo("primary");
    assertThat(layer.get("rotation").get("daily").asInt()).isEqualTo(1);
    assertThat(JSON.convertValue(layer.get("members"), List.class))
        .containsExactly("ann", "ben", "cat");
    assertThat(list.get(0).get("on_call").get("primary").get("user").asText()).isEqualTo("ann");

    JsonNode detail = get("/api/v1/schedules/db", VIEWER);
    assertThat(detail.get("time_zone").asText()).isEqualTo("UTC");
    assertThat(detail.has("ical_url")).as("a viewer sees no feed URL").isFalse();
    assertThat(get("/api/v1/schedules/db", ADMIN).get("ical_url").asText())
        .startsWith(server.url("") + "/ical/schedules/db.ics?token=");
    assertThat(server.get("/api/v1/schedules/nope", VIEWER).statusCode()).isEqualTo(404);

    JsonNode shifts = get("/api/v1/schedules/db/shifts?since=" + start + "&until="
        + start.plus(Duration.ofDays(3)), VIEWER).get("shifts");
    assertThat(shifts.get("primary").findValuesAsText("user")).containsExactly("ann", "ben",
        "cat");
    assertThat(shifts.get("secondary").findValuesAsText("user")).containsExactly("dan");
    assertThat(shifts.get("shadow")).isEmpty();
  }

  @Test
  void anOverrideChangesWhoIsOnCallAndSurvivesAReloadAndARestart() throws Exception {
    Instant now = Instant.now();
    HttpResponse<String> r = addOverride(ADMIN, override("\"role\":\"primary\",\"user\":\"fay\"",
        now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(2))));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode created = JSON.readTree(r.body());
    assertThat(created.get("kind").asText()).isEqualTo("override");
    assertThat(created.get("created_by").asText()).isEqualTo("token:alice");
    assertThat(onCallNow().get("primary").get("user").asText()).isEqualTo("fay");

    configure(false);
    assertThat(onCallNow().get("primary").get("user").asText()).isEqualTo("fay");
    server.close();
    server = TestServer.restart(dir);
    assertThat(onCallNow().get("primary").get("user").asText()).isEqualTo("fay");
    JsonNode listed = get("/api/v1/schedules/db/overrides", VIEWER).get("overrides");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("user").asText()).isEqualTo("fay");
    assertThat(listed.get(0).get("shifts").get(0).get("role").asText()).isEqualTo("primary");

    long id = created.get("id").asLong();
    HttpResponse<String> d = delete("/api/v1/schedules/db/overrides/" + id, ADMIN);
    assertThat(d.statusCode()).as(d.body()).isEqualTo(200);
    assertThat(JSON.readTree(d.body()).get("status").asText()).isEqualTo("ended");
    assertThat(onCallNow().get("primary").get("user").asText()).isEqualTo("ann");
    assertThat(get("/api/v1/schedules/db/overrides", VIEWER).get("overrides")).isEmpty();
    HttpResponse<String> again = delete("/api/v1/schedules/db/overrides/" + id, ADMIN);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(again.body()).get("message").asText())
        .startsWith("override " + id + " ended at ");
  }

  @Test
  void coverMeGivesTheCoverOnlyTheAbsentUsersShifts() throws Exception {
    Instant now = Instant.now();
    Instant until = start.plus(Duration.ofDays(4));
    HttpResponse<String> r = addOverride(ADMIN, override("\"cover\":\"ann\",\"user\":\"fay\"",
        now, until));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode created = JSON.readTree(r.body());
    assertThat(created.get("kind").asText()).isEqualTo("cover");
    // ann's turns in the range: today's and the fourth day's.
    assertThat(created.get("shifts").findValuesAsText("start")).containsExactly(
        created.get("start").asText(), start.plus(Duration.ofDays(3)).toString());
    assertThat(created.get("shifts").findValuesAsText("user")).containsOnly("fay");
    assertThat(onCallNow().get("primary").get("user").asText()).isEqualTo("fay");
    JsonNode shifts = get("/api/v1/schedules/db/shifts?since=" + start.plus(Duration.ofHours(2))
        + "&until=" + until, VIEWER).get("shifts");
    assertThat(shifts.get("primary").findValuesAsText("user"))
        .containsExactly("fay", "ben", "cat", "fay");
    assertThat(shifts.get("secondary").findValuesAsText("user")).containsExactly("dan");

    HttpResponse<String> nothing = addOverride(ADMIN, override(
        "\"cover\":\"fay\",\"user\":\"ben\"", now.plus(Duration.ofDays(10)),
        now.plus(Duration.ofDays(11))));
    assertThat(nothing.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(nothing.body()).get("message").asText())
        .startsWith("fay is not on call in schedule db between ")
        .endsWith("; there is nothing to cover");
  }

  @Test
  void aScheduleTargetPagesWhoeverIsOnCallWhenTheLevelFires() throws Exception {
    long id = incident();
    JsonNode d = get("/api/v1/incidents/" + id, VIEWER);
    assertThat(d.get("pages").findValuesAsText("user")).containsExactly("ann");
    // An override made now applies to the next level that fires.
    addOverride(ADMIN, override("\"role\":\"secondary\",\"user\":\"cat\"", Instant.now(),
        Instant.now().plus(Duration.ofHours(1))));
    assertThat(server.post("/api/v1/incidents/" + id + "/escalate", ADMIN, "").statusCode())
        .isEqualTo(200);
    d = get("/api/v1/incidents/" + id, VIEWER);
    assertThat(d.get("pages").findValuesAsText("user")).containsExactly("ann", "cat");
    List<String> timeline = get("/api/v1/incidents/" + id + "/timeline", VIEWER)
        .get("timeline").findValuesAsText("message");
    assertThat(timeline).anyMatch(m -> m.startsWith("paged level 1 of policy payments"
        + " (targets: schedule db; paged ann)"));
    assertThat(timeline).anyMatch(m -> m.startsWith("escalated to level 2 of policy payments"
        + " (targets: schedule db (secondary); paged cat)"));
    assertThat(timeline).noneMatch(m -> m.contains("relieved"));
  }

  @Test
  void aNightPageRelievesTheUserSoTheNextMemberIsOnCall() throws Exception {
    configure(true);
    long id = incident();
    JsonNode d = get("/api/v1/incidents/" + id, VIEWER);
    assertThat(d.get("pages").findValuesAsText("user")).containsExactly("ann");
    Instant pagedAt = Instant.parse(d.get("pages").get(0).get("at").asText());
    Instant until = pagedAt.plus(Duration.ofHours(24));
    JsonNode timeline = get("/api/v1/incidents/" + id + "/timeline", VIEWER).get("timeline");
    JsonNode relief = timeline.get(timeline.size() - 1);
    assertThat(relief.get("kind").asText()).isEqualTo("oncall.relieved");
    assertThat(relief.get("message").asText()).isEqualTo("ann relieved until "
        + DateTimeFormatter.ofPattern(until.getEpochSecond() % 60 == 0
            ? "uuuu-MM-dd'T'HH:mm'Z'" : "uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC).format(until) + " (paged at night; recovery rule)");

    JsonNode db = onCallNow();
    assertThat(db.get("primary").get("user").asText()).isEqualTo("ben");
    assertThat(db.get("relieved").get(0).get("user").asText()).isEqualTo("ann");
    assertThat(db.get("relieved").get(0).get("until").asText()).isEqualTo(until.toString());
    assertThat(get("/api/v1/oncall", VIEWER).get("relieved").findValuesAsText("user"))
        .containsExactly("ann");

    // The recovery rule is derived from the pages: switching it off gives ann back at once.
    String yaml = Files.readString(server.configFile).replace("recovery: {", "recovery: {enabled:"
        + " false, ");
    Files.writeString(server.configFile, yaml);
    assertThat(server.post("/api/v1/admin/reload", ADMIN, "").statusCode()).isEqualTo(200);
    assertThat(onCallNow().get("primary").get("user").asText()).isEqualTo("ann");
    assertThat(onCallNow().get("relieved")).isEmpty();
  }

  @Test
  void theIcalFeedsListTheShiftsAndAWrongTokenIsNotFound() throws Exception {
    String url = get("/api/v1/schedules/db", ADMIN).get("ical_url").asText();
    String path = url.substring(server.url("").length());
    HttpResponse<String> r = server.get(path, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/calendar");
    List<Map<String, String>> events = parseEvents(r.body());
    Instant now = Instant.now();
    Map<String, String> current = events.stream()
        .filter(e -> !utc(e.get("DTSTART")).isAfter(now) && utc(e.get("DTEND")).isAfter(now)
            && e.get("SUMMARY").contains("primary"))
        .findFirst().orElseThrow();
    assertThat(current.get("SUMMARY")).isEqualTo("Ann\\, the Brave: Database primary");
    assertThat(utc(current.get("DTEND"))).isEqualTo(start.plus(Duration.ofDays(1)));
    Instant last = events.stream().map(e -> utc(e.get("DTEND"))).max(Instant::compareTo)
        .orElseThrow();
    assertThat(last).isAfter(now.plus(Duration.ofDays(89)));
    assertThat(events.stream().filter(e -> e.get("SUMMARY").contains("secondary"))).isNotEmpty();

    String token = path.substring(path.indexOf("token=") + 6);
    assertThat(server.get("/ical/schedules/db.ics?token=x" + token, null).statusCode())
        .isEqualTo(404);
    assertThat(server.get("/ical/schedules/db.ics", null).statusCode()).isEqualTo(404);
    assertThat(server.get("/ical/schedules/web.ics?token=" + token, null).statusCode())
        .isEqualTo(404);
    assertThat(server.get("/ical/users/db.ics?token=" + token, null).statusCode())
        .isEqualTo(404);

    assertThat(server.get("/api/v1/users/ann/ical", VIEWER).statusCode()).isEqualTo(403);
    String annUrl = get("/api/v1/users/ann/ical", ADMIN).get("ical_url").asText();
    String annPath = annUrl.substring(annUrl.indexOf("/ical/"));
    List<Map<String, String>> ann = parseEvents(server.get(annPath, null).body());
    assertThat(ann).isNotEmpty();
    assertThat(ann).allMatch(e -> e.get("SUMMARY").equals("On call: Database (primary)"));
    assertThat(ann.stream().map(e -> utc(e.get("DTSTART")))).contains(
        start.plus(Duration.ofDays(3)), start.plus(Duration.ofDays(6)));
    assertThat(server.get("/api/v1/users/zed/ical", ADMIN).statusCode()).isEqualTo(404);
  }

  @Test
  void aViewerCannotChangeOverrides() throws Exception {
    Instant now = Instant.now();
    String body = override("\"role\":\"primary\",\"user\":\"fay\"", now,
        now.plus(Duration.ofHours(1)));
    HttpResponse<String> r = addOverride(VIEWER, body);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(r.body()).get("message").asText())
        .isEqualTo("token:bob has viewer on every team; this needs responder");
    long id = JSON.readTree(addOverride(ADMIN, body).body()).get("id").asLong();
    assertThat(delete("/api/v1/schedules/db/overrides/" + id, VIEWER).statusCode())
        .isEqualTo(403);
    assertThat(onCallNow().get("primary").get("user").asText()).isEqualTo("fay");
  }

  @Test
  void badRequestsSayWhatIsWrong() throws Exception {
    Instant now = Instant.now();
    Instant hour = now.plus(Duration.ofHours(1));
    assertError(server.post("/api/v1/schedules/web/overrides", ADMIN,
        override("\"role\":\"primary\",\"user\":\"fay\"", now, hour)), 404,
        "no schedule with id web");
    assertError(addOverride(ADMIN, override("\"user\":\"fay\"", now, hour)), 400,
        "exactly one of role (\"user takes this role from start to end\") or cover (\"user"
            + " takes the shifts of this person from start to end\") must be set");
    assertError(addOverride(ADMIN, override("\"role\":\"boss\",\"user\":\"fay\"", now, hour)),
        400, "role: must be primary, secondary or shadow, got \"boss\"");
    assertError(addOverride(ADMIN, override("\"role\":\"primary\",\"user\":\"fay\",\"x\":1", now,
        hour)), 400, "unknown field \"x\" (known: role, cover, user, start, end)");
    assertError(addOverride(ADMIN, override("\"role\":\"primary\",\"user\":\"zed\"", now, hour)),
        422, "unknown user \"zed\" (users come from the config)");
    assertError(addOverride(ADMIN, "{\"role\":\"primary\",\"user\":\"fay\",\"start\":\"soon\"}"),
        400, "start: not an RFC 3339 time like 2026-11-23T09:00:00Z");
    HttpResponse<String> backwards = addOverride(ADMIN,
        override("\"role\":\"primary\",\"user\":\"fay\"", hour, now));
    assertThat(backwards.statusCode()).isEqualTo(400);
    assertThat(message(backwards)).contains(") must be after start (");
    HttpResponse<String> tooLong = addOverride(ADMIN, override(
        "\"role\":\"primary\",\"user\":\"fay\"", hour, hour.plus(Duration.ofDays(100))));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(message(tooLong)).isEqualTo("an override lasts at most 90 days; this one lasts"
        + " 100 days (make several)");
    assertError(delete("/api/v1/schedules/db/overrides/999", ADMIN), 404,
        "schedule db has no override 999");
    assertError(server.get("/api/v1/schedules/db/shifts?since=" + now + "&until="
        + now.plus(Duration.ofDays(367)), VIEWER), 400, "the range from since to until is"
        + " longer than 366 days; ask for at most 366 days at a time");
    assertThat(server.get("/api/v1/schedules/db/shifts?since=" + now + "&until=" + now, VIEWER)
        .statusCode()).isEqualTo(400);
    assertError(server.get("/api/v1/oncall?at=yesterday", VIEWER), 400,
        "at: not an RFC 3339 timestamp (like 2026-11-23T09:30:00Z)");
  }

  static String message(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).get("message").asText();
  }

  static void assertError(HttpResponse<String> r, int status, String message) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(message(r)).isEqualTo(message);
  }

  static Instant utc(String basic) {
    return LocalDateTime.parse(basic, DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'"))
        .toInstant(ZoneOffset.UTC);
  }

  /**
   * Parses a feed back structurally (RFC 5545 3.1, 3.4, 3.6): CRLF line ends, physical lines of
   * at most 75 octets, unfolding, BEGIN/END nesting, the required calendar and event properties,
   * and unique UIDs. Returns each event's properties (values still escaped).
   */
  static List<Map<String, String>> parseEvents(String feed) {
    assertThat(feed).endsWith("\r\n");
    assertThat(feed.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    List<String> lines = new ArrayList<>();
    for (String physical : feed.split("\r\n")) {
      assertThat(physical.getBytes(StandardCharsets.UTF_8).length).as(physical)
          .isLessThanOrEqualTo(75);
      if (physical.startsWith(" ")) {
        lines.set(lines.size() - 1, lines.get(lines.size() - 1) + physical.substring(1));
      } else {
        lines.add(physical);
      }
    }
    assertThat(lines.get(0)).isEqualTo("BEGIN:VCALENDAR");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("END:VCALENDAR");
    assertThat(lines).contains("VERSION:2.0");
    assertThat(lines).anyMatch(l -> l.startsWith("PRODID:"));
    Deque<String> open = new ArrayDeque<>();
    List<Map<String, String>> events = new ArrayList<>();
    Map<String, String> event = null;
    Set<String> uids = new HashSet<>();
    for (String l : lines) {
      int colon = l.indexOf(':');
      assertThat(colon).as(l).isPositive();
      String name = l.substring(0, colon);
      String value = l.substring(colon + 1);
      if (name.equals("BEGIN")) {
        open.push(value);
        if (value.equals("VEVENT")) {
          event = new HashMap<>();
        }
      } else if (name.equals("END")) {
        assertThat(open.pop()).isEqualTo(value);
        if (value.equals("VEVENT")) {
          assertThat(event).containsKeys("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY");
          assertThat(utc(event.get("DTEND"))).isAfter(utc(event.get("DTSTART")));
          assertThat(uids.add(event.get("UID"))).as("unique UID").isTrue();
          events.add(event);
          event = null;
        }
      } else if (event != null) {
        assertThat(event.put(name, value)).as("one " + name + " per event").isNull();
      }
    }
    assertThat(open).isEmpty();
    return events;
  }
}
