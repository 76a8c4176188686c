package dev.watchkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.check.Schedule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code checks:}: defaults, a good file, and every mistake reported with its path. */
class ChecksConfigTest {
  private static final String ONE_SERVICE = """
      services:
        - id: web
          integration_keys:
            - name: default
              key_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
      """;

  static List<String> errors(String yaml) {
    ConfigResult r = ConfigLoader.parse(ONE_SERVICE + yaml, name -> null);
    assertThat(r).isInstanceOf(ConfigResult.Invalid.class);
    return ((ConfigResult.Invalid) r).errors().stream().map(ConfigError::toString).toList();
  }

  @Test
  void withoutTheSectionTheDefaultsApply() {
    WatchkeeperConfig c = ((ConfigResult.Valid) ConfigLoader.parse(ONE_SERVICE, n -> null))
        .config();
    assertThat(c.checks()).isEqualTo(WatchkeeperConfig.Checks.DEFAULT);
    assertThat(c.checks().pingBodyLimit()).isEqualTo(10_000);
  }

  @Test
  void aCronCheckWithAParentInTheSameService() {
    WatchkeeperConfig c = ((ConfigResult.Valid) ConfigLoader.parse(ONE_SERVICE + """
        checks:
          list:
            - {slug: router, service: web, period: 5m, grace: 1m}
            - {slug: backup, service: web, cron: "0 2 * * *", time_zone: Europe/Paris,
               parent: router}
        """, n -> null)).config();
    var backup = c.checks().list().get(1).spec();
    assertThat(backup.schedule()).isInstanceOf(Schedule.Cron.class);
    assertThat(backup.parent()).isEqualTo("web/router");
    assertThat(c.checks().list().get(0).spec().grace()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void everyMistakeIsReportedWithItsPath() {
    assertThat(errors("""
        checks:
          ping_body_limit: -1
          udp: {port: 70000, multicast_group: 10.0.0.1, secret: short}
          ping_keys:
            - {name: k, service: nope, key: "has space"}
          probe_allow_private_networks: [not-a-cidr]
          list:
            - {slug: Bad!, service: web}
            - {slug: a, service: web, period: 0s}
            - {slug: b, service: web, cron: "99 * * * *"}
            - {slug: c, service: web, cron: "0 1 * * *", time_zone: Mars/Base}
            - {slug: d, service: web, period: 1m, cron: "0 1 * * *"}
            - {slug: e, service: web, parent: ghost}
            - {slug: e, service: web, severity: loud}
            - {slug: f, service: web, id: not-a-uuid}
            - {slug: g, service: web, probe: {http: "ftp://x", tcp: "h:1"}}
            - {slug: h, service: web, probe: {tcp: "no-port", method: GET}}
        """)).contains(
        "checks.ping_body_limit: must be between 0 and 1000000, got -1",
        "checks.udp.port: must be between 0 and 65535, got 70000",
        "checks.udp.multicast_group: \"10.0.0.1\" is not a multicast address (224.0.0.0/4 or"
            + " ff00::/8)",
        "checks.udp.secret: must be at least 16 characters, got 5",
        "checks.ping_keys[0].service: unknown service \"nope\" (services: web)",
        "checks.ping_keys[0].key: must be 8 to 100 characters of A-Z, a-z, 0-9, '-' and '_'"
            + " (it is part of URLs)",
        "checks.list[0].slug: must match [a-z0-9][a-z0-9_-]{0,99}, got \"Bad!\"",
        "checks.list[1].period: must be between 1s and 365d, got 0ms",
        "checks.list[3].time_zone: unknown time zone \"Mars/Base\" (a tz database name like"
            + " Europe/London)",
        "checks.list[4]: period and cron exclude each other; give one",
        "checks.list[5].parent: unknown check \"web/ghost\" (a parent is service/slug of another"
            + " check in this list)",
        "checks.list[6].slug: duplicate check web/e (also checks.list[5])",
        "checks.list[6].severity: must be one of critical, error, warning, info; got \"loud\"",
        "checks.list[7].id: must be a UUID like 2f9a8c1e-5b7d-4c3a-9e1f-0a2b3c4d5e6f",
        "checks.list[8].probe: exactly one of http, tcp, tls or dns must be set",
        "checks.list[9].probe.tcp: must be host:port, got \"no-port\"",
        "checks.list[9].probe.method: only for http probes")
        .anyMatch(e -> e.startsWith("checks.list[2].cron: not a valid cron expression"))
        .anyMatch(e -> e.startsWith("checks.probe_allow_private_networks[0]"));
  }
}
