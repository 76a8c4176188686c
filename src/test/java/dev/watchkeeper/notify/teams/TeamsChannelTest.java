package dev.watchkeeper.notify.teams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.Messages;
import dev.watchkeeper.notify.net.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TeamsChannelTest {

  private final Receiver receiver;
  private final TeamsChannel channel = new TeamsChannel(Receiver.localHttp());

  TeamsChannelTest() throws Exception {
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void postsAnAdaptiveCardInTheAttachmentsEnvelope() throws Exception {
    receiver.answer(r -> Receiver.Answer.of(202));
    assertInstanceOf(Delivery.Delivered.class,
        channel.send(Messages.dbDown(receiver.url("/webhookb2/secret"))));
    JsonNode json = new ObjectMapper().readTree(receiver.only().body());
    assertEquals("message", json.get("type").asText());
    JsonNode a = json.at("/attachments/0");
    assertEquals("application/vnd.microsoft.card.adaptive", a.get("contentType").asText());
    JsonNode card = a.get("content");
    assertEquals("AdaptiveCard", card.get("type").asText());
    assertEquals("1.4", card.get("version").asText());
    // Text blocks are Markdown in Teams: alert text is escaped, so *now* is not emphasis.
    assertEquals("Triggered: DB \\<primary\\> down & \"replica\" lagging \\*now\\*",
        card.at("/body/0/text").asText());
    assertEquals("Attention", card.at("/body/0/color").asText());
    assertEquals("Severity", card.at("/body/1/facts/0/title").asText());
    assertEquals("critical", card.at("/body/1/facts/0/value").asText());
    assertEquals("payments\\-db", card.at("/body/1/facts/1/value").asText());
    assertEquals("high", card.at("/body/1/facts/2/value").asText());
    assertEquals("Connection refused on 10\\.0\\.0\\.5:5432 \\<@here\\> & \\<\\!channel\\>\nline two",
        card.at("/body/2/text").asText());
    assertEquals("Action.OpenUrl", card.at("/actions/0/type").asText());
    assertEquals("https://wk.example.com/a/42?sig=abc", card.at("/actions/0/url").asText());
    assertEquals("https://wk.example.com/r/42?sig=def", card.at("/actions/1/url").asText());
  }

  @Test
  void aMarkdownLinkInAlertTextIsNoLink() throws Exception {
    receiver.answer(r -> Receiver.Answer.of(202));
    Message m = Messages.dbDown(receiver.url("/h"));
    channel.send(new Message(m.idempotencyKey(), m.userId(), m.address(), m.incidentId(),
        m.kind(), m.service(), m.severity(), m.urgency(), "[Sign in again](https://evil.example)",
        "**urgent** [reset](https://evil.example/x)", m.at(), m.incidentUrl(), m.ackUrl(),
        m.resolveUrl(), m.fields()));
    JsonNode card = new ObjectMapper().readTree(receiver.only().body()).at("/attachments/0/content");
    assertEquals("Triggered: \\[Sign in again\\]\\(https://evil\\.example\\)",
        card.at("/body/0/text").asText());
    assertEquals("\\*\\*urgent\\*\\* \\[reset\\]\\(https://evil\\.example/x\\)",
        card.at("/body/2/text").asText());
  }

  @Test
  void alertTextIsJsonEscaped() {
    channel.send(Messages.dbDown(receiver.url("/h")));
    String raw = receiver.only().bodyText();
    assertTrue(raw.contains("\\\"replica\\\""), raw);
    assertTrue(raw.contains("\\\\<\\\\!channel\\\\>\\nline two"), raw);
  }

  @Test
  void throttlingIsRetried() {
    receiver.answer(r -> Receiver.Answer.of(429));
    assertInstanceOf(Delivery.RetryLater.class, channel.send(Messages.dbDown(receiver.url("/h"))));
  }
}
