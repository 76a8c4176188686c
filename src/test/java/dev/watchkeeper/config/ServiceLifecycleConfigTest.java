package dev.watchkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.incident.Lifecycle;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code services[].lifecycle}: timeouts, resolution by alerts, flap damping. */
class ServiceLifecycleConfigTest {
  private static final String SERVICE = """
      services:
        - id: a
          integration_keys: [{name: k, key_sha256: %s}]
      """.formatted("a".repeat(64));

  @Test
  void lifecycleDefaultsToNoTimeoutsAndResolvingWithTheAlerts() {
    Lifecycle l = valid(SERVICE).services().get(0).lifecycle();
    assertThat(l).isEqualTo(Lifecycle.DEFAULT);
    assertThat(l.ackTimeout()).isZero();
    assertThat(l.resolveWhenAlertsResolve()).isTrue();
    assertThat(l.flapResolutions()).isZero();
  }

  @Test
  void everyLifecycleKeyCanBeSet() {
    Lifecycle l = valid(SERVICE + """
            lifecycle:
              ack_timeout: 30m
              auto_resolve_after: 1d
              resolve_when_alerts_resolve: false
              flap_damping: {resolutions: 3, window: 1h}
        """).services().get(0).lifecycle();
    assertThat(l).isEqualTo(new Lifecycle(Duration.ofMinutes(30), Duration.ofDays(1), false, 3,
        Duration.ofHours(1)));
  }

  @Test
  void badLifecycleValuesAreReportedWithTheirPaths() {
    assertThat(errors(SERVICE + """
            lifecycle:
              ack_timeout: 8d
              auto_resolve_after: 500ms
              resolve_when_alerts_resolve: sometimes
              flap_damping: {resolutions: 101, window: 0s, max: 1}
              retrigger: yes
        """)).containsExactlyInAnyOrder(
        "services[0].lifecycle.retrigger: unknown key (known: ack_timeout, auto_resolve_after,"
            + " resolve_when_alerts_resolve, flap_damping)",
        "services[0].lifecycle.ack_timeout: must be 0 (off) or between 1s and 7d, got 8d",
        "services[0].lifecycle.auto_resolve_after: must be 0 (off) or between 1s and 30d,"
            + " got 500ms",
        "services[0].lifecycle.resolve_when_alerts_resolve: expected true or false,"
            + " got \"sometimes\"",
        "services[0].lifecycle.flap_damping.max: unknown key (known: resolutions, window)",
        "services[0].lifecycle.flap_damping.resolutions: must be between 0 and 100, got 101",
        "services[0].lifecycle.flap_damping.window: must be at least 1s");
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
