package dev.watchkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.config.WatchkeeperConfig.Email;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code notifications.email}: defaults, secrets from the environment, every error once. */
class NotificationsConfigTest {
  private static final String ONE_SERVICE = """
      services:
        - id: web
          integration_keys:
            - name: default
              key_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
      """;

  @Test
  void withoutTheSectionNoEmailIsConfigured() {
    ConfigResult r = ConfigLoader.parse(ONE_SERVICE, name -> null);
    assertThat(((ConfigResult.Valid) r).config().notifications().email()).isNull();
  }

  @Test
  void emailGetsItsDefaultsAndThePasswordFromTheEnvironment() {
    ConfigResult r = ConfigLoader.parse(ONE_SERVICE + """
        notifications:
          email:
            host: smtp.example.com
            username: wk
            password: ${SMTP_PASSWORD}
            from: watchkeeper@example.com
        """, Map.of("SMTP_PASSWORD", "s3cret")::get);
    ConfigResult.Valid v = (ConfigResult.Valid) r;
    assertThat(v.config().notifications().email()).isEqualTo(
        new Email("smtp.example.com", 587, true, "wk", "s3cret", "watchkeeper@example.com"));
    assertThat(v.config().notifications().email().toString()).doesNotContain("s3cret");
    assertThat(v.warnings()).noneMatch(w -> w.contains("password"));
  }

  @Test
  void aPlainTextPasswordIsWarnedAbout() {
    ConfigResult.Valid v = (ConfigResult.Valid) ConfigLoader.parse(ONE_SERVICE + """
        notifications:
          email: {host: smtp.example.com, port: 25, starttls: false, username: wk,
                  password: hunter2, from: wk@example.com}
        """, name -> null);
    assertThat(v.config().notifications().email().port()).isEqualTo(25);
    assertThat(v.config().notifications().email().starttls()).isFalse();
    assertThat(v.warnings()).anyMatch(w -> w.contains("notifications.email.password")
        && w.contains("plain-text secret"));
  }

  @Test
  void everyMistakeIsReportedWithItsPath() {
    ConfigResult r = ConfigLoader.parse(ONE_SERVICE + """
        notifications:
          email: {port: 0, username: wk, from: "not an address", tls: true}
        """, name -> null);
    List<String> errors = ((ConfigResult.Invalid) r).errors().stream()
        .map(ConfigError::toString).toList();
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.email.host") && e.contains(
        "is required"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.email.port"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.email.from")
        && e.contains("not an email address"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.email.password")
        && e.contains("is required with username"));
    assertThat(errors).anyMatch(e -> e.contains("tls"));
  }

  @Test
  void stormControlLinksAndTemplatesAreBoundAndCheckedWithTheirPaths() {
    ConfigResult.Valid v = (ConfigResult.Valid) ConfigLoader.parse(ONE_SERVICE + """
        notifications:
          storm_control: {threshold: 5, window: 2m, digest_delay: 30s}
          link_ttl: 1h
          templates: {subject: "[{{severity}}] {{title}}"}
        """, name -> null);
    var n = v.config().notifications();
    assertThat(n.storm()).isEqualTo(new WatchkeeperConfig.StormControl(5,
        java.time.Duration.ofMinutes(2), java.time.Duration.ofSeconds(30)));
    assertThat(n.linkTtl()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(n.templates().source().subject()).isEqualTo("[{{severity}}] {{title}}");
    assertThat(((ConfigResult.Valid) ConfigLoader.parse(ONE_SERVICE, name -> null)).config()
        .notifications().storm()).isEqualTo(WatchkeeperConfig.StormControl.DEFAULT);

    ConfigResult r = ConfigLoader.parse(ONE_SERVICE + """
        notifications:
          storm_control: {threshold: -1, window: 0s, digest_delay: 2h}
          link_ttl: 30d
          templates: {body: "{{#open}} never closed"}
        """, name -> null);
    List<String> errors = ((ConfigResult.Invalid) r).errors().stream()
        .map(ConfigError::toString).toList();
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.storm_control.threshold"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.storm_control.window"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.storm_control.digest_delay"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.link_ttl"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.templates.body")
        && e.contains("not a valid Mustache template"));
  }

  @Test
  void smsNeedsItsAccountTokenAndSenderAndKeepsTheTokenSecret() {
    ConfigResult.Valid v = (ConfigResult.Valid) ConfigLoader.parse(ONE_SERVICE + """
        notifications:
          sms: {account_sid: AC1, auth_token: "${TWILIO}", from: "+15550199"}
        """, Map.of("TWILIO", "tok-secret")::get);
    var sms = v.config().notifications().sms();
    assertThat(sms).isEqualTo(new WatchkeeperConfig.Sms("twilio", "https://api.twilio.com",
        "AC1", "tok-secret", "+15550199"));
    assertThat(v.config().notifications().toString()).doesNotContain("tok-secret");
    ConfigResult r = ConfigLoader.parse(ONE_SERVICE + """
        notifications:
          sms: {provider: carrier-pigeon, base_url: "ftp://x", from: "0800 CALL NOW PLEASE"}
        """, name -> null);
    List<String> errors = ((ConfigResult.Invalid) r).errors().stream()
        .map(ConfigError::toString).toList();
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.sms.provider"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.sms.base_url"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.sms.account_sid"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.sms.auth_token"));
    assertThat(errors).anyMatch(e -> e.startsWith("notifications.sms.from"));
  }
}
