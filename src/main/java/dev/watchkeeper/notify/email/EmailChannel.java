package dev.watchkeeper.notify.email;

import dev.watchkeeper.notify.Channel;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.Templates;
import dev.watchkeeper.people.ContactMethod;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.owasp.encoder.Encode;

/**
 * Email over SMTP (optionally STARTTLS, required when enabled, and AUTH), as a text and an HTML
 * part. Every alert-provided string is HTML-escaped in the HTML part and stripped of line breaks
 * in headers.
 *
 * <p>Threading: a mail client threads one incident's messages: each message's {@code Message-ID}
 * is {@code <idempotency-key@domain>} (stable across retries, so a duplicate after a crash is
 * recognisable), and {@code In-Reply-To} and {@code References} name {@code
 * <incident-N@domain>}, the incident's thread root; the subject is the same for every message of
 * an incident (clients that thread by subject agree). The root id is derived, not remembered,
 * so no state is kept and a lost first message does not break the thread.
 *
 * <p>Outcomes: an SMTP 4xx reply or a connection failure (refused, timeout, TLS) is
 * {@link Delivery.RetryLater}; a 5xx reply, a failed login or a malformed address is
 * {@link Delivery.Failed}. Reasons never contain the recipient's address.
 *
 * <p>Threading: {@link #send} is safe from several threads; each send uses its own connection.
 */
public final class EmailChannel implements Channel {
  public static final int DEFAULT_PORT = 587;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  /**
   * SMTP settings ({@code notifications.email} in the config).
   *
   * @param starttls upgrade with STARTTLS, and refuse to send if the server does not offer it
   * @param username null for no AUTH
   * @param from the sender address; its domain names the Message-IDs
   */
  public record Settings(String host, int port, boolean starttls, String username,
      String password, String from, Duration timeout) {

    @Override
    public String toString() {
      return "Settings[host=" + host + ", port=" + port + ", starttls=" + starttls
          + ", username=" + username + ", from=" + from + "]";
    }
  }

  private final Settings settings;
  private final Session session;
  private final Clock clock;
  private final String domain;
  private final Templates templates;

  public EmailChannel(Settings settings, Clock clock) {
    this(settings, clock, Templates.NONE);
  }

  /** With the operators' templates for the subject, the text part and the HTML part. */
  public EmailChannel(Settings settings, Clock clock, Templates templates) {
    this.templates = templates;
    this.settings = settings;
    this.clock = clock;
    Properties p = new Properties();
    p.put("mail.smtp.host", settings.host());
    p.put("mail.smtp.port", Integer.toString(settings.port()));
    String ms = Long.toString(settings.timeout().toMillis());
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    if (settings.starttls()) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    p.put("mail.smtp.auth", Boolean.toString(settings.username() != null));
    this.session = Session.getInstance(p);
    int at = settings.from().lastIndexOf('@');
    this.domain = at < 0 ? settings.host() : settings.from().substring(at + 1).replace(">", "");
  }

  @Override
  public ContactMethod.Type type() {
    return ContactMethod.Type.EMAIL;
  }

  @Override
  public Delivery send(Message m) {
    Instant started = clock.instant();
    InternetAddress to;
    try {
      to = new InternetAddress(m.address(), true);
    } catch (AddressException e) {
      return new Delivery.Failed("malformed email address");
    }
    try {
      MimeMessage mail = build(m, to);
      if (settings.username() != null) {
        Transport.send(mail, settings.username(), settings.password());
      } else {
        Transport.send(mail);
      }
      return new Delivery.Delivered(Duration.between(started, clock.instant()));
    } catch (AuthenticationFailedException e) {
      return new Delivery.Failed("SMTP authentication failed");
    } catch (MessagingException e) {
      return outcome(e, m.address());
    }
  }

  /** The message; package-private for tests. */
  MimeMessage build(Message m, InternetAddress to) throws MessagingException {
    String messageId = "<" + m.idempotencyKey() + "@" + domain + ">";
    MimeMessage mail = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId); // stable across retries, not a random one
      }
    };
    mail.setFrom(new InternetAddress(settings.from()));
    mail.setRecipient(jakarta.mail.Message.RecipientType.TO, to);
    mail.setSubject(templates.subject(m, Templates.Escape.LINE).orElseGet(() -> subject(m)),
        StandardCharsets.UTF_8.name());
    mail.setSentDate(Date.from(m.at()));
    String root = threadRoot(m.incidentId());
    mail.setHeader("In-Reply-To", root);
    mail.setHeader("References", root);
    mail.setHeader("X-Watchkeeper-Idempotency-Key", oneLine(m.idempotencyKey()));
    mail.setHeader("Auto-Submitted", "auto-generated");

    MimeBodyPart text = new MimeBodyPart();
    text.setText(templates.body(m, Templates.Escape.TEXT).orElseGet(() -> text(m)),
        StandardCharsets.UTF_8.name(), "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(templates.html(m).orElseGet(() -> html(m)), StandardCharsets.UTF_8.name(),
        "html");
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    mail.setContent(alternative);
    mail.saveChanges();
    return mail;
  }

  /** The Message-ID every message of the incident refers to. */
  String threadRoot(long incidentId) {
    return "<incident-" + incidentId + "@" + domain + ">";
  }

  static String subject(Message m) {
    return "[Watchkeeper #" + m.incidentId() + "] " + oneLine(m.title());
  }

  static String text(Message m) {
    StringBuilder b = new StringBuilder();
    b.append(kind(m)).append(": ").append(nz(m.title())).append("\n\n");
    line(b, "Service", m.service());
    line(b, "Severity", m.severity());
    line(b, "Urgency", m.urgency());
    line(b, "Incident", "#" + m.incidentId());
    if (m.summary() != null && !m.summary().equals(m.title())) {
      b.append('\n').append(m.summary()).append('\n');
    }
    b.append('\n');
    line(b, "Open", m.incidentUrl());
    line(b, "Acknowledge", m.ackUrl());
    line(b, "Resolve", m.resolveUrl());
    return b.toString();
  }

  static String html(Message m) {
    StringBuilder b = new StringBuilder("<!DOCTYPE html><html><body>");
    b.append("<h2>").append(Encode.forHtml(kind(m))).append(": ")
        .append(Encode.forHtml(nz(m.title()))).append("</h2><table>");
    row(b, "Service", m.service());
    row(b, "Severity", m.severity());
    row(b, "Urgency", m.urgency());
    row(b, "Incident", "#" + m.incidentId());
    b.append("</table>");
    if (m.summary() != null && !m.summary().equals(m.title())) {
      b.append("<p>").append(Encode.forHtml(m.summary())).append("</p>");
    }
    b.append("<p>");
    link(b, "Open the incident", m.incidentUrl());
    link(b, "Acknowledge", m.ackUrl());
    link(b, "Resolve", m.resolveUrl());
    return b.append("</p></body></html>").toString();
  }

  private static String kind(Message m) {
    return nz(m.kind()).toUpperCase(Locale.ROOT);
  }

  private static void line(StringBuilder b, String label, String value) {
    if (value != null) {
      b.append(label).append(": ").append(value).append('\n');
    }
  }

  private static void row(StringBuilder b, String label, String value) {
    if (value != null) {
      b.append("<tr><th align=\"left\">").append(label).append("</th><td>")
          .append(Encode.forHtml(value)).append("</td></tr>");
    }
  }

  private static void link(StringBuilder b, String label, String url) {
    // Only web links: a "javascript:" URL must not become a clickable link.
    if (url != null && (url.startsWith("https://") || url.startsWith("http://"))) {
      b.append("<a href=\"").append(Encode.forHtmlAttribute(url)).append("\">").append(label)
          .append("</a> ");
    }
  }

  private static String oneLine(String s) {
    return nz(s).replaceAll("[\\r\\n]+", " ");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** 4xx or no reply (connection, timeout, TLS) → retry; 5xx → failed. */
  static Delivery outcome(MessagingException e, String address) {
    int code = replyCode(e);
    String reason = (code > 0 ? "SMTP " + code + ": " : "SMTP: ")
        + oneLine(rootMessage(e)).replace(nz(address), "<address>");
    if (reason.length() > 300) {
      reason = reason.substring(0, 300);
    }
    if (code >= 500 && code < 600) {
      return new Delivery.Failed(reason);
    }
    return new Delivery.RetryLater(reason, null);
  }

  /** The SMTP reply code in the exception chain, or 0 when the server never answered. */
  static int replyCode(Throwable t) {
    for (int depth = 0; t != null && depth < 10; depth++) {
      if (t instanceof SMTPSendFailedException s) {
        return s.getReturnCode();
      }
      if (t instanceof SMTPAddressFailedException s) {
        return s.getReturnCode();
      }
      if (t instanceof SMTPSenderFailedException s) {
        return s.getReturnCode();
      }
      Throwable next = t instanceof MessagingException me ? me.getNextException() : null;
      t = next != null ? next : t.getCause();
    }
    return 0;
  }

  private static String rootMessage(Throwable t) {
    String msg = t.getMessage();
    Throwable c = t;
    for (int depth = 0; c.getCause() != null && depth < 10; depth++) {
      c = c.getCause();
      if (c.getMessage() != null) {
        msg = c.getClass().getSimpleName() + ": " + c.getMessage();
      }
    }
    return nz(msg);
  }
}
