package dev.watchkeeper.notify.ntfy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.Messages;
import dev.watchkeeper.notify.net.Receiver;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NtfyChannelTest {

  private final Receiver receiver;

  NtfyChannelTest() throws Exception {
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void publishesToTheTopicWithTitlePriorityTagsClickAndActions() {
    var channel = new NtfyChannel(Receiver.localHttp(), "tk_secret");
    assertInstanceOf(Delivery.Delivered.class,
        channel.send(Messages.dbDown(receiver.url("/wk-alice-7f3a"))));
    var got = receiver.only();
    assertEquals("POST", got.method());
    assertEquals("/wk-alice-7f3a", got.path());
    assertEquals("Triggered: DB <primary> down & \"replica\" lagging *now*", got.header("Title"));
    assertEquals("5", got.header("Priority"));
    assertEquals("rotating_light,triggered,payments-db,critical", got.header("Tags"));
    assertEquals("https://wk.example.com/incidents/42", got.header("Click"));
    assertEquals("http, Acknowledge, \"https://wk.example.com/a/42?sig=abc\", method=POST, clear=true; "
        + "http, Resolve, \"https://wk.example.com/r/42?sig=def\", method=POST, clear=true",
        got.header("Actions"));
    assertEquals("Bearer tk_secret", got.header("Authorization"));
    assertEquals("Connection refused on 10.0.0.5:5432 <@here> & <!channel>\nline two\n"
        + "service: payments-db\nincident #42", got.bodyText());
  }

  @Test
  void mapsSeverityAndUrgencyToPriority() {
    assertEquals(5, NtfyChannel.priority("critical", null));
    assertEquals(4, NtfyChannel.priority("error", null));
    assertEquals(3, NtfyChannel.priority("warning", null));
    assertEquals(2, NtfyChannel.priority("info", null));
    assertEquals(4, NtfyChannel.priority("info", "high"));
    assertEquals(2, NtfyChannel.priority("critical", "low"));
  }

  @Test
  void keepsHeadersOnOneLineAndEncodesNonAscii() {
    var channel = new NtfyChannel(Receiver.localHttp(), null);
    Message m = Messages.dbDown(receiver.url("/t"));
    Message odd = new Message(m.idempotencyKey(), m.userId(), m.address(), m.incidentId(), m.kind(),
        "svc, with;comma", "warning", null, "Disk\r\nX-Injected: 1 — full", m.summary(), m.at(),
        null, null, null, Map.of());
    assertInstanceOf(Delivery.Delivered.class, channel.send(odd));
    var got = receiver.only();
    assertNull(got.header("X-Injected"));
    assertNull(got.header("Authorization"));
    assertNull(got.header("Actions"));
    String title = got.header("Title");
    String decoded = new String(Base64.getDecoder().decode(
        title.substring("=?UTF-8?B?".length(), title.length() - 2)), StandardCharsets.UTF_8);
    assertEquals("Triggered: Disk  X-Injected: 1 — full", decoded);
    assertEquals("warning,triggered,svc__with_comma", got.header("Tags"));
  }
}
