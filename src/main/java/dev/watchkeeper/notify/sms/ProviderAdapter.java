package dev.watchkeeper.notify.sms;

import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.people.ContactMethod;

/**
 * The seam for SMS and voice providers: Watchkeeper composes the text ({@link ProviderChannel});
 * an adapter hands it to one provider's API and says what happened. Operating a provider is out
 * of scope; writing an adapter is a class of this interface (see {@link TwilioAdapter}).
 *
 * <p>Contract: never throw for a failed delivery; map the provider's answer to {@link
 * Delivery.Delivered}, {@link Delivery.RetryLater} (throttled, 5xx, no answer; with the
 * provider's Retry-After when it gives one) or {@link Delivery.Failed} (a refused number, bad
 * credentials). Pass {@code idempotencyKey} to the provider when its API takes one, so a message
 * retried after a crash is not sent twice. Never put the number or credentials in a reason.
 * Called from several threads at once.
 */
public interface ProviderAdapter {

  /** {@link ContactMethod.Type#SMS} or {@link ContactMethod.Type#VOICE}. */
  ContactMethod.Type type();

  /**
   * Sends {@code text} to {@code to} (E.164, e.g. {@code +15550100}): as a message for SMS, read
   * out for voice.
   */
  Delivery deliver(String to, String text, String idempotencyKey);
}
