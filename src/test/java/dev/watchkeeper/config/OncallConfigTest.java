package dev.watchkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.oncall.Layer;
import dev.watchkeeper.oncall.NightWindow;
import dev.watchkeeper.oncall.Restriction;
import dev.watchkeeper.oncall.Role;
import dev.watchkeeper.oncall.Rotation;
import dev.watchkeeper.oncall.Schedule;
import dev.watchkeeper.people.ContactMethod;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code users}, {@code teams}, {@code escalation_policies} and a service's policy. */
class OncallConfigTest {
  private static final String KEY = "{name: k, key_sha256: " + "a".repeat(64) + "}";

  @Test
  void peopleTeamsAndPoliciesAreBoundWithTheirReferences() {
    WatchkeeperConfig c = valid("""
        users:
          - {id: alice, time_zone: Europe/London, contact_methods: [{type: email, address: a@x.io}]}
          - {id: bob}
        teams:
          - {id: sre, members: [alice, bob]}
        escalation_policies:
          - id: ops
            repeat: 2
            levels:
              - {targets: [{team: sre}], round_robin: true}
              - {targets: [{user: bob}], delay: 30m}
        services:
          - {id: a, integration_keys: [%s], escalation_policy: ops}
        """.formatted(KEY));
    WatchkeeperConfig.Oncall o = c.oncall();
    assertThat(o.user("alice").orElseThrow().timeZone()).isEqualTo(ZoneId.of("Europe/London"));
    assertThat(o.user("alice").orElseThrow().contactMethods())
        .containsExactly(new ContactMethod(ContactMethod.Type.EMAIL, "a@x.io"));
    assertThat(o.user("bob").orElseThrow().timeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(o.team("sre").orElseThrow().members()).containsExactly("alice", "bob");
    EscalationPolicy p = o.policy("ops").orElseThrow();
    assertThat(p.repeat()).isEqualTo(2);
    assertThat(p.levels().get(0).delay()).isEqualTo(Duration.ofMinutes(15));
    assertThat(p.levels().get(0).roundRobin()).isTrue();
    assertThat(p.levels().get(1).targets()).containsExactly(new Target(Target.Kind.USER, "bob"));
    assertThat(c.services().get(0).escalationPolicy()).isEqualTo("ops");
  }

  @Test
  void brokenReferencesAndValuesAreReportedWithTheirPaths() {
    assertThat(errors("""
        users:
          - {id: alice, time_zone: Mars/Olympus, email: nope, contact_methods: [{type: pigeon, address: x}]}
          - {id: alice}
          - {id: "Bad Id"}
        teams:
          - {id: sre, members: [alice, mallory]}
        escalation_policies:
          - id: ops
            repeat: 10
            levels:
              - {targets: [{team: dba}], delay: 0s}
              - {targets: [{user: alice, team: sre}]}
              - {targets: []}
              - {targets: [{schedule: primary}]}
              - {targets: [{user: alice, role: primary}]}
          - {id: empty}
        services:
          - {id: a, integration_keys: [%s], escalation_policy: nightly}
        """.formatted(KEY))).containsExactlyInAnyOrder(
        "users[0].email: must be an email address, got \"nope\"",
        "users[0].time_zone: unknown time zone \"Mars/Olympus\" (use a tz database name such as"
            + " Europe/London)",
        "users[0].contact_methods[0].type: unknown contact method type \"pigeon\" (known: email,"
            + " webhook, slack, teams, ntfy, sms, voice)",
        "users[1].id: duplicate id \"alice\" (also users[0])",
        "users[2].id: must match [a-z0-9][a-z0-9._-]{0,62}, got \"Bad Id\"",
        "teams[0].members[1]: unknown user \"mallory\"",
        "escalation_policies[0].repeat: must be between 0 and 9, got 10",
        "escalation_policies[0].levels[0].delay: must be between 1s and 24h, got 0ms",
        "escalation_policies[0].levels[0].targets[0].team: unknown team \"dba\"",
        "escalation_policies[0].levels[1].targets[0]: exactly one of user, team or schedule must"
            + " be set",
        "escalation_policies[0].levels[2].targets: at least one target is required",
        "escalation_policies[0].levels[3].targets[0].schedule: unknown schedule \"primary\""
            + " (schedules defines none)",
        "escalation_policies[0].levels[4].targets[0].role: only a schedule target has a role",
        "escalation_policies[1].levels: at least one level is required",
        "services[0].escalation_policy: unknown escalation policy \"nightly\" (known: ops)");
  }

  @Test
  void schedulesAreBoundIntoTheEngineAndPoliciesMayTargetThem() {
    WatchkeeperConfig c = valid("""
        users:
          - {id: alice, time_zone: Europe/London}
          - {id: bob}
          - {id: carol}
        schedules:
          - id: db
            name: Database
            time_zone: Europe/London
            layers:
              - role: primary
                rotation: {weekly: 1}
                members: [alice, bob]
                start: "2026-01-05T09:00"
                handoff_time: "09:00"
              - role: secondary
                rotation: {rrule: "FREQ=WEEKLY;BYDAY=MO,TH"}
                members: [carol, alice]
                start: 2026-01-05T09:00
                restrictions:
                  - {days: [mon-fri], from: "09:00", to: 17:00}
                  - {days: [Saturday, sun], from: "22:00", to: "06:00"}
        recovery: {night: "23:00-06:30", relief: 12h}
        escalation_policies:
          - id: ops
            levels:
              - {targets: [{schedule: db}]}
              - {targets: [{schedule: db, role: secondary}, {user: carol}]}
        services:
          - {id: a, integration_keys: [%s], escalation_policy: ops}
        """.formatted(KEY));
    Schedule db = c.oncall().schedule("db").orElseThrow();
    assertThat(db.name()).isEqualTo("Database");
    assertThat(db.zone()).isEqualTo(ZoneId.of("Europe/London"));
    Layer primary = db.layers().get(0);
    assertThat(primary.role()).isEqualTo(Role.PRIMARY);
    assertThat(primary.rotation()).isEqualTo(Rotation.weekly(1));
    assertThat(primary.members()).containsExactly("alice", "bob");
    assertThat(primary.start()).isEqualTo(LocalDateTime.parse("2026-01-05T09:00"));
    assertThat(primary.handoffTime()).isEqualTo(LocalTime.of(9, 0));
    Layer secondary = db.layers().get(1);
    assertThat(secondary.rotation()).isEqualTo(Rotation.custom("FREQ=WEEKLY;BYDAY=MO,TH"));
    assertThat(secondary.restrictions()).containsExactly(
        Restriction.weekdays(DayOfWeek.MONDAY, DayOfWeek.FRIDAY, LocalTime.of(9, 0),
            LocalTime.of(17, 0)),
        new Restriction(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(22, 0),
            LocalTime.of(6, 0)));
    // Computable: the first primary turn is alice's.
    assertThat(db.finalSchedule().onCall(Instant.parse("2026-01-06T12:00:00Z")).primary())
        .contains("alice");
    EscalationPolicy ops = c.oncall().policy("ops").orElseThrow();
    assertThat(ops.levels().get(0).targets()).containsExactly(Target.schedule("db",
        Role.PRIMARY));
    assertThat(ops.levels().get(1).targets()).containsExactly(
        Target.schedule("db", Role.SECONDARY), new Target(Target.Kind.USER, "carol"));
    assertThat(c.oncall().recovery()).isEqualTo(new WatchkeeperConfig.Recovery(true,
        new NightWindow(LocalTime.of(23, 0), LocalTime.of(6, 30), Duration.ofHours(12))));
  }

  @Test
  void recoveryDefaultsTo22To07With24HoursRelief() {
    WatchkeeperConfig c = valid("services: [{id: a, integration_keys: [%s]}]".formatted(KEY));
    assertThat(c.oncall().recovery()).isEqualTo(WatchkeeperConfig.Recovery.DEFAULT);
    assertThat(c.oncall().recovery().night()).isEqualTo(NightWindow.DEFAULT);
    assertThat(valid("""
        recovery: {enabled: false}
        services: [{id: a, integration_keys: [%s]}]
        """.formatted(KEY)).oncall().recovery().enabled()).isFalse();
  }

  @Test
  void brokenSchedulesAreReportedWithTheirPaths() {
    assertThat(errors("""
        server: {ical_secret: short}
        users:
          - {id: alice}
        schedules:
          - {id: a, layers: [{role: primary, rotation: {daily: 1}, members: [alice],
              start: "2026-01-05T09:00"}]}
          - {id: b, time_zone: Mars/Olympus, layers: []}
          - id: c
            time_zone: UTC
            layers:
              - role: boss
                rotation: {weekly: 0}
                members: [alice, mallory]
                start: "2026-01-05T09:00Z"
                handoff_time: "9 am"
              - rotation: {daily: 1, weekly: 1}
                members: []
              - role: shadow
                start: "2026-01-05T09:00"
                members: [alice]
                restrictions:
                  - {days: [mon, funday], from: "09:00", to: "09:00"}
                  - {days: []}
                  - {days: [tue], from: "25:00", to: "17:00"}
              - role: primary
                rotation: {rrule: "FREQ=DAILY;COUNT=3"}
                members: [alice]
                start: "2026-01-05T09:00"
          - {id: c, time_zone: UTC, layers: [{role: primary, rotation: {hourly: 8}, members: [alice], start: "2026-01-05T09:00"}]}
        recovery: {night: "10pm-7am", relief: 0s}
        escalation_policies:
          - id: ops
            levels:
              - {targets: [{schedule: c, role: shadow}, {schedule: nope}]}
        services:
          - {id: s, integration_keys: [%s]}
        """.formatted(KEY))).containsExactlyInAnyOrder(
        "server.ical_secret: must be at least 16 characters, got 5",
        "schedules[0].time_zone: is required: a tz database name such as Europe/London"
            + " (handoffs and restrictions are local times)",
        "schedules[1].time_zone: unknown time zone \"Mars/Olympus\" (use a tz database name such"
            + " as Europe/London)",
        "schedules[1].layers: at least one layer is required",
        "schedules[2].layers[0].role: must be primary, secondary or shadow, got \"boss\"",
        "schedules[2].layers[0].rotation.weekly: must be between 1 and 52, got 0",
        "schedules[2].layers[0].members[1]: unknown user \"mallory\"",
        "schedules[2].layers[0].start: expected a local date-time like 2026-01-05T09:00 (no"
            + " offset: it is local to the schedule's time_zone), got \"2026-01-05T09:00Z\"",
        "schedules[2].layers[0].handoff_time: expected a time of day like 09:00, got \"9 am\"",
        "schedules[2].layers[1].role: is required (primary, secondary or shadow)",
        "schedules[2].layers[1].rotation: exactly one of hourly, daily, weekly or rrule must be"
            + " set, like {hourly: n}, {daily: n}, {weekly: n} or {rrule: \"FREQ=...\"}",
        "schedules[2].layers[1].start: is required (the first handoff, local to the schedule's"
            + " zone)",
        "schedules[2].layers[1].members: at least one member is required",
        "schedules[2].layers[2].rotation: is required: one of {hourly: n}, {daily: n},"
            + " {weekly: n} or {rrule: \"FREQ=...\"}",
        "schedules[2].layers[2].restrictions[0].days[1]: unknown weekday \"funday\" (use mon,"
            + " tue, wed, thu, fri, sat, sun, or a range like mon-fri)",
        "schedules[2].layers[2].restrictions[0]: `to` must differ from `from` (09:00); cover a"
            + " whole day with two windows",
        "schedules[2].layers[2].restrictions[1].days: at least one weekday is required",
        "schedules[2].layers[2].restrictions[1].from: is required: the local time the window"
            + " opens, like 09:00",
        "schedules[2].layers[2].restrictions[1].to: is required: the local time the window"
            + " closes, like 17:00 (a time not after `from` closes on the next day)",
        "schedules[2].layers[2].restrictions[2].from: expected a time of day like 09:00, got"
            + " \"25:00\"",
        "schedules[2].layers[3].rotation: RRULE \"FREQ=DAILY;COUNT=3\" must not have COUNT or"
            + " UNTIL: a rotation runs until its layer is removed",
        "schedules[3].id: duplicate id \"c\" (also schedules[2])",
        "recovery.night: expected \"HH:MM-HH:MM\" like \"22:00-07:00\" (local to each user's"
            + " time_zone), got \"10pm-7am\"",
        "recovery.relief: must be between 1m and 7d, got 0ms",
        "escalation_policies[0].levels[0].targets[0].role: must be primary or secondary, got"
            + " \"shadow\"",
        "escalation_policies[0].levels[0].targets[1].schedule: unknown schedule \"nope\""
            + " (known: a, b, c)");
  }

  @Test
  void anIcalSecretWrittenInTheFileIsAcceptedWithAWarning() {
    ConfigResult r = ConfigLoader.parse("""
        server: {ical_secret: "0123456789abcdef"}
        services: [{id: a, integration_keys: [%s]}]
        """.formatted(KEY), name -> null);
    assertThat(r).isInstanceOf(ConfigResult.Valid.class);
    ConfigResult.Valid v = (ConfigResult.Valid) r;
    assertThat(v.config().server().icalSecret()).isEqualTo("0123456789abcdef");
    assertThat(v.config().server().toString()).doesNotContain("0123456789abcdef");
    assertThat(v.warnings()).containsExactly(
        "server.ical_secret: plain-text secret in the config file; prefer ${ENV}");
    assertThat(((ConfigResult.Valid) ConfigLoader.parse("""
        server: {ical_secret: "${WK_ICAL:}"}
        services: [{id: a, integration_keys: [%s]}]
        """.formatted(KEY), name -> null)).config().server().icalSecret()).isNull();
  }

  @Test
  void aNightThatStartsWhenItEndsIsRejected() {
    assertThat(errors("""
        recovery: {night: "22:00-22:00"}
        services: [{id: a, integration_keys: [%s]}]
        """.formatted(KEY))).containsExactly(
        "recovery.night: must not start and end at the same time, got \"22:00-22:00\"");
  }

  @Test
  void scheduleSizesAreLimited() {
    StringBuilder yaml = new StringBuilder("users: [{id: u}]\nschedules:\n");
    String layer = "{role: primary, rotation: {daily: 1}, members: [u], start: \"2026-01-05T09:00\"}";
    yaml.append("  - {id: big, time_zone: UTC, layers: [")
        .append(String.join(", ", java.util.Collections.nCopies(21, layer))).append("]}\n");
    yaml.append("  - {id: crowd, time_zone: UTC, layers: [{role: primary, rotation: {daily: 1},"
        + " start: \"2026-01-05T09:00\", members: [")
        .append(String.join(", ", java.util.Collections.nCopies(101, "u"))).append("]}]}\n");
    yaml.append("  - {id: picky, time_zone: UTC, layers: [{role: primary, rotation: {daily: 1},"
        + " start: \"2026-01-05T09:00\", members: [u], restrictions: [")
        .append(String.join(", ", java.util.Collections.nCopies(51,
            "{days: [mon], from: \"09:00\", to: \"10:00\"}"))).append("]}]}\n");
    for (int i = 0; i < 1000; i++) {
      yaml.append("  - {id: s").append(i).append(", time_zone: UTC, layers: [").append(layer)
          .append("]}\n");
    }
    yaml.append("services: [{id: a, integration_keys: [%s]}]\n".formatted(KEY));
    assertThat(errors(yaml.toString())).containsExactlyInAnyOrder(
        "schedules[0].layers: at most 20 layers, got 21",
        "schedules[1].layers[0].members: at most 100 members, got 101",
        "schedules[2].layers[0].restrictions: at most 50 windows, got 51",
        "schedules: at most 1000 schedules, got 1003");
  }

  @Test
  void notificationRulesAndQuietHoursAreBoundByTypeOrPosition() {
    WatchkeeperConfig c = valid("""
        users:
          - id: ann
            time_zone: Europe/Berlin
            contact_methods: [{type: ntfy, address: "https://n.example/t"}, {type: email, address: a@x.io}]
            notification_rules:
              - {urgency: high, contact_method: ntfy}
              - {urgency: high, delay: 2m, contact_method: 2}
              - {contact_method: email}
            quiet_hours: "21:00-08:00"
          - {id: bob, contact_methods: [{type: email, address: b@x.io}]}
        services:
          - {id: a, integration_keys: [%s]}
        """.formatted(KEY));
    var ann = c.oncall().user("ann").orElseThrow();
    assertThat(ann.notificationRules()).containsExactly(
        new dev.watchkeeper.people.NotificationRule(
            dev.watchkeeper.people.NotificationRule.Urgency.HIGH, Duration.ZERO, List.of(0)),
        new dev.watchkeeper.people.NotificationRule(
            dev.watchkeeper.people.NotificationRule.Urgency.HIGH, Duration.ofMinutes(2),
            List.of(1)),
        new dev.watchkeeper.people.NotificationRule(
            dev.watchkeeper.people.NotificationRule.Urgency.ANY, Duration.ZERO, List.of(1)));
    assertThat(ann.quietHours()).isEqualTo(new dev.watchkeeper.people.QuietHours(
        LocalTime.of(21, 0), LocalTime.of(8, 0)));
    // Without rules: every method at once.
    assertThat(c.oncall().user("bob").orElseThrow().rulesInForce()).containsExactly(
        new dev.watchkeeper.people.NotificationRule(
            dev.watchkeeper.people.NotificationRule.Urgency.ANY, Duration.ZERO, List.of(0)));
  }

  @Test
  void brokenNotificationRulesAreReportedWithTheirPaths() {
    assertThat(errors("""
        users:
          - id: ann
            contact_methods: [{type: email, address: a@x.io}]
            notification_rules:
              - {urgency: urgent, contact_method: email}
              - {delay: 25h, contact_method: email}
              - {contact_method: sms}
              - {contact_method: 3}
              - {urgency: low}
            quiet_hours: "late"
          - {id: bob, quiet_hours: "08:00-08:00"}
        services:
          - {id: a, integration_keys: [%s]}
        """.formatted(KEY))).containsExactlyInAnyOrder(
        "users[0].notification_rules[0].urgency: expected high, low or any, got \"urgent\"",
        "users[0].notification_rules[1].delay: must be between 0s and 24h, got 25h",
        "users[0].notification_rules[2].contact_method: the user has no contact method of type"
            + " \"sms\" (name a type the user has, or a position counting from 1)",
        "users[0].notification_rules[3].contact_method: position 3 is not one of the 1 contact"
            + " methods (counting from 1)",
        "users[0].notification_rules[4].contact_method: is required",
        "users[0].quiet_hours: expected \"HH:MM-HH:MM\" like \"20:00-08:00\" (local to the"
            + " user's time_zone), got \"late\"",
        "users[1].quiet_hours: must not start and end at the same time, got \"08:00-08:00\"");
  }

  private static WatchkeeperConfig valid(String yaml) {
    ConfigResult r = ConfigLoader.parse(yaml, name -> null);
    assertThat(r).isInstanceOf(ConfigResult.Valid.class);
    return ((ConfigResult.Valid) r).config();
  }

  private static List<String> errors(String yaml) {
    ConfigResult r = ConfigLoader.parse(yaml, name -> null);
    assertThat(r).isInstanceOf(ConfigResult.Invalid.class);
    return ((ConfigResult.Invalid) r).errors().stream().map(ConfigError::toString).toList();
  }
}
