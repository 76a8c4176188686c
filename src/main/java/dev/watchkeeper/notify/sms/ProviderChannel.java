package dev.watchkeeper.notify.sms;

import dev.watchkeeper.notify.Channel;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.Templates;
import dev.watchkeeper.people.ContactMethod;
import java.util.Locale;

/**
 * SMS and voice through a {@link ProviderAdapter}: one short plain text per message (the
 * {@code subject} template when set, else {@code "[WK #42] CRITICAL payments: title"}), plus the
 * acknowledge link for SMS, cut to {@link #MAX_CHARS}. Numbers must be E.164; anything else fails
 * for good without reaching the provider.
 */
public final class ProviderChannel implements Channel {
  /** Two concatenated SMS segments of GSM-7; voice reads the same text. */
  public static final int MAX_CHARS = 306;

  private final ProviderAdapter adapter;
  private final Templates templates;

  public ProviderChannel(ProviderAdapter adapter, Templates templates) {
    this.adapter = adapter;
    this.templates = templates;
  }

  @Override
  public ContactMethod.Type type() {
    return adapter.type();
  }

  @Override
  public Delivery send(Message m) {
    String to = m.address() == null ? "" : m.address().strip();
    if (!to.matches("\\+[1-9][0-9]{6,14}")) {
      return new Delivery.Failed(adapter.type().wire() + ": the contact method is not an E.164"
          + " number (+ and 7 to 15 digits)");
    }
    return adapter.deliver(to, text(m), m.idempotencyKey());
  }

  String text(Message m) {
    String head = templates.subject(m, Templates.Escape.LINE).orElseGet(() -> "[WK #"
        + m.incidentId() + "] " + (m.severity() == null ? "" : m.severity()
        .toUpperCase(Locale.ROOT) + " ") + (m.service() == null ? "" : m.service() + ": ")
        + (m.title() == null ? "" : m.title()).replaceAll("[\\r\\n]+", " "));
    String ack = adapter.type() == ContactMethod.Type.SMS && m.ackUrl() != null
        ? " Ack: " + m.ackUrl() : "";
    int room = MAX_CHARS - ack.length();
    if (head.length() > room) {
      head = head.substring(0, Math.max(0, room - 1)) + "…";
    }
    return head + ack;
  }
}
