package dev.watchkeeper.people;

import java.time.ZoneId;
import java.util.List;

/**
 * A person who can be paged ({@code users:} in the config).
 *
 * @param id stable id used by teams, policies and schedules
 * @param timeZone the person's zone (night window of the recovery rule, schedule display)
 * @param contactMethods how the person is reached, in order (used by notifications)
 * @param notificationRules when and through which methods the person is notified; empty means
 *     every contact method at once
 * @param quietHours when low-urgency notifications are held, or null
 */
public record User(String id, String name, String email, ZoneId timeZone,
    List<ContactMethod> contactMethods, List<NotificationRule> notificationRules,
    QuietHours quietHours) {
  public User {
    contactMethods = List.copyOf(contactMethods);
    notificationRules = List.copyOf(notificationRules);
  }

  public User(String id, String name, String email, ZoneId timeZone,
      List<ContactMethod> contactMethods) {
    this(id, name, email, timeZone, contactMethods, List.of(), null);
  }

  /**
   * The rules in force: the configured ones, or one rule that sends to every contact method at
   * once when none are configured.
   */
  public List<NotificationRule> rulesInForce() {
    if (!notificationRules.isEmpty()) {
      return notificationRules;
    }
    List<Integer> all = new java.util.ArrayList<>();
    for (int i = 0; i < contactMethods.size(); i++) {
      all.add(i);
    }
    return List.of(new NotificationRule(NotificationRule.Urgency.ANY, java.time.Duration.ZERO,
        all));
  }
}
