package dev.watchkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Readiness findings about schedules and the policies that page through them. */
class ReadinessLintTest {
  /** A Monday morning in London. */
  static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");

  static WatchkeeperConfig config(String yaml) {
    ConfigResult r = ConfigLoader.parse(yaml, name -> null);
    assertThat(r).isInstanceOf(ConfigResult.Valid.class);
    return ((ConfigResult.Valid) r).config();
  }

  static List<String> findings(String yaml) {
    return ReadinessLint.check(config(yaml), NOW).stream().map(ReadinessLint.Finding::toString)
        .toList();
  }

  static final String PEOPLE = """
      users:
        - {id: ann, contact_methods: [{type: email, address: ann@example.com}]}
        - {id: ben, contact_methods: [{type: email, address: ben@example.com}]}
      """;

  @Test
  void aFullyCoveredRotationWithAPolicyIsReady() {
    assertThat(findings(PEOPLE + """
        schedules:
          - id: db
            time_zone: Europe/London
            layers:
              - {role: primary, rotation: {weekly: 1}, members: [ann, ben], start: "2026-01-05T09:00"}
        escalation_policies:
          - {id: ops, levels: [{targets: [{schedule: db}]}]}
        services:
          - {id: a, integration_keys: [{name: k, key: secret-key-1}], escalation_policy: ops}
        """)).isEmpty();
  }

  @Test
  void businessHoursOnlyCoverageAndASinglePersonRotationAreNamed() {
    assertThat(findings(PEOPLE + """
        schedules:
          - id: db
            time_zone: Europe/London
            layers:
              - role: primary
                rotation: {daily: 1}
                members: [ann]
                start: "2026-01-05T09:00"
                restrictions: [{days: [mon-fri], from: "09:00", to: "17:00"}]
        escalation_policies:
          - {id: ops, levels: [{targets: [{schedule: db}]}]}
        services:
          - {id: a, integration_keys: [{name: k, key: secret-key-1}], escalation_policy: ops}
        """)).containsExactly(
        "schedules[db]: nobody is on call (primary or secondary) for 256 h in the next 14 days"
            + " (11 gaps), first from 2026-11-23T08:00:00Z to 2026-11-23T09:00:00Z",
        "schedules[db].layers[0]: a rotation of one person (ann): nobody to hand off to, and"
            + " the recovery rule leaves it empty",
        "escalation_policies[ops].levels[0]: its schedules have nobody on call for 256 h in the"
            + " next 14 days (11 gaps), first from 2026-11-23T08:00:00Z to"
            + " 2026-11-23T09:00:00Z",
        "escalation_policies[ops]: no level pages anyone for 256 h in the next 14 days"
            + " (11 gaps), first from 2026-11-23T08:00:00Z to 2026-11-23T09:00:00Z");
  }

  @Test
  void aSecondLevelWithAPersonClosesThePolicysGaps() {
    assertThat(findings(PEOPLE + """
        schedules:
          - id: db
            time_zone: Europe/London
            layers:
              - role: primary
                rotation: {daily: 1}
                members: [ann, ben]
                start: "2026-01-05T09:00"
                restrictions: [{days: [mon-fri], from: "09:00", to: "17:00"}]
        escalation_policies:
          - {id: ops, levels: [{targets: [{schedule: db}]}, {targets: [{user: ben}]}]}
        services:
          - {id: a, integration_keys: [{name: k, key: secret-key-1}], escalation_policy: ops}
        """)).extracting(s -> s.substring(0, s.indexOf(':')))
        .containsExactly("schedules[db]", "escalation_policies[ops].levels[0]");
  }
}
