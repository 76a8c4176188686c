package dev.watchkeeper.notify;

import dev.watchkeeper.config.WatchkeeperConfig.StormControl;
import dev.watchkeeper.incident.IncidentTx;
import dev.watchkeeper.people.ContactMethod;
import dev.watchkeeper.people.NotificationRule;
import dev.watchkeeper.people.User;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns a page into rows of the notifications outbox, in the page's transaction, following the
 * paged user's notification rules:
 *
 * <ul>
 *   <li>each rule that matches the incident's urgency queues one row per contact method it
 *       names, due {@code delay} after the page (a delayed row is dropped when it comes due if the
 *       incident is no longer triggered);
 *   <li>a low-urgency row that would fall due in the user's quiet hours is held until they end;
 *   <li>storm control: when the user has been paged {@code threshold} times within the window,
 *       the row is {@code held} for a digest, and one digest row per contact method is queued
 *       (due {@code digest_delay} later) unless one is waiting already.
 * </ul>
 *
 * <p>Idempotency keys: {@code <incident>-<page>-<method>} for the first rule (as before rules
 * existed), {@code <incident>-<page>-<method>-r<rule>} for the others, and
 * {@code digest-<user>-<method>-<epoch ms>} for digests.
 */
public final class Outbox {
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("HH:mm");

  private final Function<String, Optional<User>> users;
  private final Supplier<StormControl> storm;

  /**
   * @param users a user in the config in force
   * @param storm the storm-control settings in force
   */
  public Outbox(Function<String, Optional<User>> users, Supplier<StormControl> storm) {
    this.users = users;
    this.storm = storm;
  }

  /**
   * Queues the notifications of one page.
   *
   * @param urgency the incident's urgency, {@code high} or {@code low}
   * @param kind {@code triggered} or {@code escalated}
   */
  public void queue(IncidentTx tx, long incidentId, long pageId, String userId, String urgency,
      String kind, Instant now) {
    Optional<User> found = users.apply(userId);
    if (found.isEmpty()) {
      return;
    }
    User user = found.get();
    List<ContactMethod> methods = user.contactMethods();
    StormControl sc = storm.get();
    boolean digest = false;
    if (sc.enabled()) {
      // This page is counted already (it was written before its notifications).
      int pages = tx.pagesSince(userId, now.minus(sc.window()));
      digest = pages > sc.threshold();
      if (digest) {
        tx.addTimeline(incidentId, now, "system", "notification.held", "notifications to "
            + userId + " held for a digest: paged " + pages + " times in the last "
            + human(sc.window()) + " (storm control threshold " + sc.threshold() + ")");
      }
    }
    List<NotificationRule> rules = user.rulesInForce();
    boolean low = "low".equalsIgnoreCase(urgency);
    for (int r = 0; r < rules.size(); r++) {
      NotificationRule rule = rules.get(r);
      if (!rule.urgency().matches(urgency)) {
        continue;
      }
      Instant due = now.plus(rule.delay());
      if (low && user.quietHours() != null) {
        Instant release = user.quietHours().release(due, zone(user));
        if (!release.equals(due)) {
          tx.addTimeline(incidentId, now, "system", "notification.quiet_hours",
              "low-urgency notifications to " + userId + " held until "
                  + LOCAL.format(release.atZone(zone(user))) + " " + zone(user).getId()
                  + " (quiet hours " + user.quietHours().start() + "–"
                  + user.quietHours().end() + ")");
          due = release;
        }
      }
      for (int i : rule.methods()) {
        if (i >= methods.size()) {
          continue;
        }
        String channel = methods.get(i).type().wire();
        String key = incidentId + "-" + pageId + "-" + i + (r == 0 ? "" : "-r" + r);
        if (digest) {
          tx.addNotification(incidentId, pageId, userId, i, channel, kind, key, "held", due, now);
          if (!tx.digestPending(userId, i)) {
            tx.addNotification(incidentId, pageId, userId, i, channel, "digest",
                "digest-" + userId + "-" + i + "-" + now.toEpochMilli(), "pending",
                now.plus(sc.digestDelay()), now);
          }
        } else {
          tx.addNotification(incidentId, pageId, userId, i, channel, kind, key, "pending", due,
              now);
        }
      }
    }
  }

  private static ZoneId zone(User u) {
    return u.timeZone() == null ? ZoneId.of("UTC") : u.timeZone();
  }

  /**
   * A delay or window as the timeline words it: {@code 45 s}, {@code 15 min}, {@code 2 h}
   * (also used by the escalation lines, so both read alike).
   */
  public static String human(Duration d) {
    long s = d.getSeconds();
    if (s < 60 || s % 60 != 0) {
      return s + " s";
    }
    long m = s / 60;
    return m < 60 || m % 60 != 0 ? m + " min" : (m / 60) + " h";
  }
}
