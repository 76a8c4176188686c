package dev.watchkeeper.web.ui;

import dev.watchkeeper.incident.EscalationState;
import dev.watchkeeper.incident.Incident;
import dev.watchkeeper.incident.IncidentTimer;
import dev.watchkeeper.incident.TimelineEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The incident page. Texts are as the senders sent them (the template escapes them); links are
 * only rendered as links when {@link Ui#isHttpUrl} accepts them.
 *
 * @param escalation where escalation stands, or null if it never escalated
 * @param canRespond whether the viewer may act (the buttons are shown); the POST checks again
 * @param users the people of the config, offered for reassignment
 */
public record IncidentView(Incident incident, EscalationState escalation,
    List<TimelineEntry> timeline, List<AlertView> alerts, List<ChangeView> changes,
    List<NotificationView> notifications, List<IncidentTimer> pending, boolean canRespond,
    List<String> users) {

  /** One alert of the incident, with what its last event carried. */
  public record AlertView(String fingerprint, String status, String severity, String summary,
      Map<String, String> labels, Map<String, String> annotations, String generatorUrl,
      List<LinkView> links) {}

  /** A link a sender attached (PagerDuty {@code links}): its text and address. */
  public record LinkView(String href, String text) {}

  /** A change event (deploy) of the service in the hour before the incident opened. */
  public record ChangeView(Instant time, String source, String summary) {}

  /** One message of the notifications outbox for this incident. */
  public record NotificationView(long id, String user, String channel, String kind,
      String state, int attempts, String lastError, Instant updatedAt) {}

  /** Snooze lengths offered by the form. */
  public static final List<String> SNOOZE_FOR = List.of("30m", "1h", "2h", "4h", "8h", "24h");
}
