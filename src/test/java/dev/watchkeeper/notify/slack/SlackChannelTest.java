package dev.watchkeeper.notify.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.Messages;
import dev.watchkeeper.notify.net.Receiver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlackChannelTest {

  private final Receiver receiver;
  private final SlackChannel channel = new SlackChannel(Receiver.localHttp());

  SlackChannelTest() throws Exception {
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private JsonNode sent(Message m) throws Exception {
    assertInstanceOf(Delivery.Delivered.class, channel.send(m));
    return new ObjectMapper().readTree(receiver.only().body());
  }

  @Test
  void postsBlockKitWithHeaderFieldsSummaryAndButtons() throws Exception {
    JsonNode json = sent(Messages.dbDown(receiver.url("/services/T0/B0/secret")));
    assertEquals("/services/T0/B0/secret", receiver.only().path());
    JsonNode blocks = json.get("blocks");
    assertEquals("header", blocks.get(0).get("type").asText());
    assertEquals("plain_text", blocks.at("/0/text/type").asText());
    assertEquals("Triggered: DB <primary> down & \"replica\" lagging *now*",
        blocks.at("/0/text/text").asText());
    assertEquals("*Severity*\ncritical", blocks.at("/1/fields/0/text").asText());
    assertEquals("*Service*\npayments-db", blocks.at("/1/fields/1/text").asText());
    assertEquals("*Urgency*\nhigh", blocks.at("/1/fields/2/text").asText());
    assertEquals("actions", blocks.at("/3/type").asText());
    assertEquals("https://wk.example.com/a/42?sig=abc", blocks.at("/3/elements/0/url").asText());
    assertEquals("https://wk.example.com/r/42?sig=def", blocks.at("/3/elements/1/url").asText());
    assertEquals("https://wk.example.com/incidents/42", blocks.at("/3/elements/2/url").asText());
  }

  @Test
  void escapesAlertTextForMrkdwnSoItCannotMentionOrLink() throws Exception {
    JsonNode json = sent(Messages.dbDown(receiver.url("/h")));
    String summary = json.at("/blocks/2/text/text").asText();
    assertEquals("Connection refused on 10.0.0.5:5432 &lt;@here&gt; &amp; &lt;!channel&gt;\nline two",
        summary);
    assertEquals("Triggered: DB &lt;primary&gt; down &amp; \"replica\" lagging *now*",
        json.get("text").asText());
    assertFalse(receiver.only().bodyText().contains("<!channel>"));
  }

  @Test
  void leavesOutLinksThatAreNotHttp() throws Exception {
    Message m = Messages.dbDown(receiver.url("/h"));
    Message odd = new Message(m.idempotencyKey(), m.userId(), m.address(), m.incidentId(), m.kind(),
        m.service(), m.severity(), m.urgency(), m.title(), m.summary(), m.at(),
        "javascript:alert(1)", "https://wk.example.com/a/42", null, Map.of());
    JsonNode buttons = sent(odd).at("/blocks/3/elements");
    assertEquals(1, buttons.size());
    assertEquals("ack", buttons.at("/0/action_id").asText());
    assertTrue(List.of(receiver.only().bodyText()).stream().noneMatch(b -> b.contains("javascript")));
  }

  @Test
  void slackErrorIsFailedWithoutTheWebhookUrl() {
    receiver.answer(r -> Receiver.Answer.of(403));
    var d = assertInstanceOf(Delivery.Failed.class,
        channel.send(Messages.dbDown(receiver.url("/services/T0/B0/secret"))));
    assertFalse(d.reason().contains("secret"), d.reason());
  }
}
