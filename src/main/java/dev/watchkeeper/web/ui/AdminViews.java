package dev.watchkeeper.web.ui;

import dev.watchkeeper.audit.AuditLog;
import dev.watchkeeper.notify.Notification;
import java.util.List;

/** What the dead-letters, audit and services pages show. Public for the compiled templates. */
public final class AdminViews {
  private AdminViews() {}

  /** Failed notifications the viewer may see, newest first; {@code more}: the list is cut. */
  public record DeadLetters(List<DeadLetter> rows, boolean more) {}

  /** A dead notification; {@code canRetry}: the viewer is responder on its service's team. */
  public record DeadLetter(Notification n, String channel, boolean canRetry) {}

  /** One page of the audit log under the filters in force ({@code ""}: none). */
  public record Audit(List<AuditLog.Row> rows, String actor, String action, String targetType,
      String targetId, String next, boolean paged) {}

  /** The services the viewer may see. */
  public record Services(List<ServiceRow> rows) {}

  /** A service: its owning teams, escalation policy, integration key names, open incidents. */
  public record ServiceRow(String id, String name, List<String> teams, String policy,
      List<String> keyNames, long open) {}
}
