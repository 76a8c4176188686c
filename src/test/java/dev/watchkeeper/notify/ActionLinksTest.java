package dev.watchkeeper.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.notify.ActionLinks.Action;
import dev.watchkeeper.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ActionLinksTest {
  Instant now = Instant.parse("2026-11-23T03:00:00Z");
  String secret = "s1";
  final ActionLinks links = new ActionLinks(() -> secret, () -> "https://wk.example.com/",
      () -> Duration.ofHours(12), SettableClock.following(() -> now));

  String token(String link) {
    assertThat(link).startsWith("https://wk.example.com/act/");
    return link.substring("https://wk.example.com/act/".length());
  }

  @Test
  void aLinkGrantsItsActionToItsUserUntilItExpires() {
    String t = token(links.link(42, Action.RESOLVE, "ann"));
    assertThat(links.check(t)).isEqualTo(new ActionLinks.Valid(new ActionLinks.Grant(42,
        Action.RESOLVE, "ann", now.plus(Duration.ofHours(12)))));
    now = now.plus(Duration.ofHours(12)).minusSeconds(1);
    assertThat(links.check(t)).isInstanceOf(ActionLinks.Valid.class);
    now = now.plusSeconds(1);
    assertThat(links.check(t)).isInstanceOf(ActionLinks.Expired.class);
  }

  @Test
  void tamperedMalformedOrOtherSecretTokensAreInvalid() {
    String t = token(links.link(42, Action.ACKNOWLEDGE, "ann"));
    assertThat(links.check(t.substring(0, t.length() - 2) + "AA"))
        .isInstanceOf(ActionLinks.Invalid.class);
    assertThat(links.check("x")).isInstanceOf(ActionLinks.Invalid.class);
    assertThat(links.check("!!.!!")).isInstanceOf(ActionLinks.Invalid.class);
    assertThat(links.check(null)).isInstanceOf(ActionLinks.Invalid.class);
    String resolve = token(links.link(42, Action.RESOLVE, "ann"));
    // The acknowledge signature does not sign a resolve payload.
    assertThat(links.check(resolve.split("\\.")[0] + "." + t.split("\\.")[1]))
        .isInstanceOf(ActionLinks.Invalid.class);
    secret = "s2"; // a new secret revokes every link
    assertThat(links.check(t)).isInstanceOf(ActionLinks.Invalid.class);
  }
}
