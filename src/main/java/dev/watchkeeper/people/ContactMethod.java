package dev.watchkeeper.people;

/**
 * One way to reach a user: a channel type and its address (an email address, a URL). The
 * address can be a secret (a webhook URL, an ntfy topic): {@link #toString} never shows it.
 */
public record ContactMethod(Type type, String address) {

  /** The channel types. */
  public enum Type {
    EMAIL, WEBHOOK, SLACK, TEAMS, NTFY, SMS, VOICE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Override
  public String toString() {
    return "ContactMethod[type=" + type.wire() + "]";
  }
}
