package dev.watchkeeper.notify.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The email channel against GreenMail, an SMTP server in this process on a free port. */
class EmailChannelTest {
  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(
      ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("wk", "s3cret"))
      .withPerMethodLifecycle(true);

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T03:00:00Z"), ZoneOffset.UTC);

  EmailChannel channel(int port) {
    return new EmailChannel(new EmailChannel.Settings("127.0.0.1", port, false, "wk", "s3cret",
        "watchkeeper@example.com", Duration.ofSeconds(5)), CLOCK);
  }

  static Message message(String key, String kind, String to) {
    return new Message(key, "ann", to, 42, kind, "payments", "critical", "high",
        "db <script>alert(1)</script> & \"down\"\r\nBcc: evil@example.com",
        "primary <b>unreachable</b>", CLOCK.instant(),
        "https://wk.example.com/incidents/42?a=1&b=\"2\"", "javascript:alert(1)", null,
        Map.of());
  }

  @Test
  void sendsOneThreadPerIncidentWithEscapedHtml() throws Exception {
    EmailChannel email = channel(SMTP.getSmtp().getPort());
    assertThat(email.send(message("42-7-0", "triggered", "ann@example.com")))
        .isInstanceOf(Delivery.Delivered.class);
    assertThat(email.send(message("42-9-0", "escalated", "ann@example.com")))
        .isInstanceOf(Delivery.Delivered.class);

    MimeMessage[] got = SMTP.getReceivedMessages();
    assertThat(got).hasSize(2);
    assertThat(got[0].getMessageID()).isEqualTo("<42-7-0@example.com>");
    assertThat(got[1].getMessageID()).isEqualTo("<42-9-0@example.com>");
    for (MimeMessage m : got) {
      assertThat(m.getHeader("In-Reply-To", null)).isEqualTo("<incident-42@example.com>");
      assertThat(m.getHeader("References", null)).isEqualTo("<incident-42@example.com>");
      assertThat(m.getHeader("Bcc")).isNull(); // a line break in a title is no header
      assertThat(m.getAllRecipients()).extracting(Object::toString)
          .containsExactly("ann@example.com");
    }
    assertThat(got[0].getSubject()).isEqualTo(got[1].getSubject())
        .startsWith("[Watchkeeper #42] db <script>");

    MimeMultipart parts = (MimeMultipart) got[0].getContent();
    String text = (String) parts.getBodyPart(0).getContent();
    String html = (String) parts.getBodyPart(1).getContent();
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat(text).contains("TRIGGERED: db <script>alert(1)</script>")
        .contains("primary <b>unreachable</b>");
    assertThat(html).doesNotContain("<script>").doesNotContain("<b>unreachable")
        .contains("db &lt;script&gt;alert(1)&lt;/script&gt; &amp;")
        .contains("primary &lt;b&gt;unreachable&lt;/b&gt;")
        .contains("href=\"https://wk.example.com/incidents/42?a=1&amp;b=&#34;2&#34;\"")
        .doesNotContain("javascript:");
    assertThat(GreenMailUtil.getBody(got[1])).contains("ESCALATED");
  }

  @Test
  void aRefusedConnectionIsRetriedLater() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Delivery d = channel(closed).send(message("1-1-0", "triggered", "ann@example.com"));
    assertThat(d).isInstanceOf(Delivery.RetryLater.class);
    assertThat(((Delivery.RetryLater) d).reason()).startsWith("SMTP: ")
        .doesNotContain("ann@example.com");
  }

  @Test
  void aMalformedAddressFailsForGood() {
    assertThat(channel(SMTP.getSmtp().getPort()).send(message("1-1-0", "triggered",
        "not an address"))).isEqualTo(new Delivery.Failed("malformed email address"));
  }

  @Test
  void smtpRepliesDecideBetweenRetryAndFailure() {
    InternetAddress[] none = new InternetAddress[0];
    MessagingException busy = new SMTPSendFailedException("RCPT", 451,
        "451 4.3.0 ann@example.com mailbox busy", null, none, none, none);
    MessagingException unknown = new SMTPSendFailedException("RCPT", 550,
        "550 5.1.1 ann@example.com unknown user", null, none, none, none);
    MessagingException wrapped = new MessagingException("sending failed", unknown);
    assertThat(EmailChannel.outcome(busy, "ann@example.com")).isEqualTo(
        new Delivery.RetryLater("SMTP 451: 451 4.3.0 <address> mailbox busy", null));
    assertThat(EmailChannel.outcome(unknown, "ann@example.com")).isEqualTo(
        new Delivery.Failed("SMTP 550: 550 5.1.1 <address> unknown user"));
    assertThat(EmailChannel.outcome(wrapped, "ann@example.com"))
        .isInstanceOf(Delivery.Failed.class);
  }
}
