package dev.watchkeeper.notify.sms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.Messages;
import dev.watchkeeper.notify.Templates;
import dev.watchkeeper.notify.net.Receiver;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SMS through the provider seam, against a local receiver speaking Twilio's Messages API. */
class TwilioAdapterTest {
  final Receiver receiver;
  final ProviderChannel channel;

  TwilioAdapterTest() throws Exception {
    receiver = new Receiver();
    channel = new ProviderChannel(new TwilioAdapter(Receiver.localHttp(), receiver.url(""),
        "AC123", "tok-secret", "+15550199"), Templates.NONE);
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  static Message to(String number) {
    Message m = Messages.dbDown(number);
    return new Message(m.idempotencyKey(), m.userId(), number, m.incidentId(), m.kind(),
        m.service(), m.severity(), m.urgency(), m.title(), m.summary(), m.at(), m.incidentUrl(),
        m.ackUrl(), m.resolveUrl(), m.fields());
  }

  @Test
  void postsTheMessagesApiFormWithBasicAuthAndTheIdempotencyToken() {
    receiver.answer(r -> Receiver.Answer.of(201));
    assertThat(channel.send(to("+15550100"))).isInstanceOf(Delivery.Delivered.class);
    Receiver.Request r = receiver.only();
    assertThat(r.path()).isEqualTo("/2010-04-01/Accounts/AC123/Messages.json");
    assertThat(r.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
        .encodeToString("AC123:tok-secret".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.header("I-Twilio-Idempotency-Token")).isEqualTo("inc-42-alice-triggered-1");
    Map<String, String> form = new java.util.HashMap<>();
    for (String kv : r.bodyText().split("&")) {
      String[] p = kv.split("=", 2);
      form.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    assertThat(form).containsEntry("To", "+15550100").containsEntry("From", "+15550199");
    assertThat(form.get("Body")).startsWith("[WK #42] CRITICAL payments-db: DB <primary> down")
        .endsWith(" Ack: https://wk.example.com/a/42?sig=abc")
        .hasSizeLessThanOrEqualTo(ProviderChannel.MAX_CHARS);
  }

  @Test
  void throttlingRetriesARefusedNumberFailsAndABadNumberNeverLeaves() {
    receiver.answer(r -> new Receiver.Answer(429, Map.of("Retry-After", "30")));
    Delivery d = channel.send(to("+15550100"));
    assertThat(d).isInstanceOf(Delivery.RetryLater.class);
    assertThat(((Delivery.RetryLater) d).after()).isEqualTo(Duration.ofSeconds(30));
    receiver.answer(r -> Receiver.Answer.of(400));
    assertThat(channel.send(to("+15550100"))).isInstanceOf(Delivery.Failed.class);
    int before = receiver.requests.size();
    Delivery bad = channel.send(to("0800 FLOWERS"));
    assertThat(bad).isInstanceOf(Delivery.Failed.class);
    assertThat(((Delivery.Failed) bad).reason()).doesNotContain("FLOWERS").contains("E.164");
    assertThat(receiver.requests).hasSize(before);
  }
}
