package dev.watchkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code notifications:}: SSRF allow-list, webhook signing, ntfy token, SMTP. */
class NotificationChannelsConfigTest {
  static final String SERVICE = """
      services:
        - {id: a, integration_keys: [{name: k, key: secret-key-1}]}
      """;

  static ConfigResult parse(String yaml, Map<String, String> env) {
    return ConfigLoader.parse(yaml + SERVICE, env::get);
  }

  @Test
  void everyKeyIsBoundAndSecretsComeFromTheEnvironmentWithoutWarnings() {
    ConfigResult r = parse("""
        notifications:
          allow_private_networks: [127.0.0.1/32, "10.0.0.0/8"]
          webhook: {signing_secret: "${HOOK_SECRET}", headers: {X-Env: prod}}
          ntfy: {token: "${NTFY_TOKEN}"}
          email: {host: smtp.example.com, port: 2525, starttls: false, username: wk,
                  password: "${SMTP_PASSWORD}", from: "Watchkeeper <wk@example.com>"}
        """, Map.of("HOOK_SECRET", "0123456789abcdef0123", "NTFY_TOKEN", "tk_abc",
        "SMTP_PASSWORD", "hunter2hunter2"));
    assertThat(r).isInstanceOf(ConfigResult.Valid.class);
    ConfigResult.Valid v = (ConfigResult.Valid) r;
    assertThat(v.warnings()).noneMatch(w -> w.startsWith("notifications"));
    WatchkeeperConfig.Notifications n = v.config().notifications();
    assertThat(n.allowPrivateNetworks()).containsExactly("127.0.0.1/32", "10.0.0.0/8");
    assertThat(n.webhookSigningSecret()).isEqualTo("0123456789abcdef0123");
    assertThat(n.webhookHeaders()).isEqualTo(Map.of("X-Env", "prod"));
    assertThat(n.ntfyToken()).isEqualTo("tk_abc");
    assertThat(n.email().port()).isEqualTo(2525);
    assertThat(n.email().starttls()).isFalse();
    assertThat(n.toString()).doesNotContain("0123456789abcdef0123", "tk_abc", "hunter2");
  }

  @Test
  void withoutTheSectionNothingIsAllowedAndThereIsNoEmail() {
    ConfigResult.Valid v = (ConfigResult.Valid) parse("", Map.of());
    assertThat(v.config().notifications()).isEqualTo(WatchkeeperConfig.Notifications.DEFAULT);
  }

  @Test
  void badValuesAreReportedWithTheirPaths() {
    ConfigResult r = parse("""
        notifications:
          allow_private_networks: [127.0.0.1/33, banana]
          webhook: {signing_secret: short, headers: {"Bad Header": x}}
          email: {port: 0, from: nobody}
        """, Map.of());
    assertThat(r).isInstanceOf(ConfigResult.Invalid.class);
    List<String> errors = ((ConfigResult.Invalid) r).errors().stream()
        .map(ConfigError::toString).toList();
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.allow_private_networks[0]: "))
        .anyMatch(e -> e.startsWith("notifications.allow_private_networks[1]: "))
        .contains("notifications.webhook.signing_secret: must be at least 16 characters, got 5",
            "notifications.webhook.headers.Bad Header: not a valid header name",
            "notifications.email.host: is required",
            "notifications.email.port: must be between 1 and 65535, got 0",
            "notifications.email.from: not an email address: \"nobody\"");
  }
}
