package dev.watchkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.escalation.EscalationPolicy;
import dev.watchkeeper.escalation.EscalationPolicy.Target;
import dev.watchkeeper.people.ContactMethod;
import java.time.Duration;
import java.time.ZoneId;
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
        "escalation_policies[0].levels[3].targets[0].schedule: schedule targets are not"
            + " supported yet; name users or teams",
        "escalation_policies[1].levels: at least one level is required",
        "services[0].escalation_policy: unknown escalation policy \"nightly\" (known: ops)");
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
