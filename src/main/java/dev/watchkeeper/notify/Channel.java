package dev.watchkeeper.notify;

import dev.watchkeeper.people.ContactMethod;

/**
 * A way to reach people (email, webhook, Slack, Teams, ntfy; SMS/voice providers through
 * adapters). Implementations live in {@code notify/<name>/}; the delivery workers call
 * {@link #send} and act on its {@link Delivery}.
 *
 * <p>Threading: {@link #send} is called from several worker threads at once.
 */
public interface Channel {

  /** The contact method type this channel serves. */
  ContactMethod.Type type();

  /** Sends one message; never throws for a failed delivery: returns what happened. */
  Delivery send(Message message);
}
