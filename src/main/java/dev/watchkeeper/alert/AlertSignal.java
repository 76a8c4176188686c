package dev.watchkeeper.alert;

import dev.watchkeeper.event.StoredEvent;
import java.util.Locale;

/**
 * What an event says about its alert. Resolution is explicit: event type {@code resolve} or a type
 * ending in {@code .resolve} / {@code .resolved} (PagerDuty's {@code pagerduty.resolve} is one).
 * Acknowledgements ({@code pagerduty.acknowledge}) act on incidents, not alerts, and change events
 * ({@code change}) are context, not alerts. {@link AlertExpiry#TYPE} resolves an alert only if it
 * is still firing with an end time at or before the event's (see {@link AlertExpiry}).
 */
public enum AlertSignal {
  TRIGGER, RESOLVE, ACKNOWLEDGE, NONE;

  public static AlertSignal of(StoredEvent se) {
    String type = se.event().type().toLowerCase(Locale.ROOT);
    if (type.equals("change")) {
      return NONE;
    }
    if (type.equals("resolve") || type.endsWith(".resolve") || type.endsWith(".resolved")
        || type.equals(AlertExpiry.TYPE)) {
      return RESOLVE;
    }
    if (type.equals("pagerduty.acknowledge")) {
      return ACKNOWLEDGE;
    }
    return TRIGGER;
  }
}
