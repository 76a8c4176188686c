package dev.watchkeeper.rota;

import dev.watchkeeper.oncall.Role;
import java.time.Instant;
import java.util.Objects;

/**
 * A runtime override of one schedule, as stored. Exactly one of two kinds:
 *
 * <ul>
 *   <li>a role override ({@code role} set): {@code userId} takes {@code role} over
 *       {@code [start, end)}, whoever the rotation has there ("take this shift");
 *   <li>a cover ({@code coverFor} set): {@code userId} takes every shift {@code coverFor} has
 *       within {@code [start, end)}, in any role, and nothing else ("cover me"). The shifts are
 *       computed when the schedule is read, so the cover follows the rotation as it is then.
 * </ul>
 *
 * <p>Where overrides overlap, the one with the higher {@code id} (the later one) wins.
 *
 * @param id assigned by the store; grows with insertion order
 * @param createdBy the actor ({@code token:<name>})
 */
public record StoredOverride(long id, String scheduleId, Role role, String userId,
    String coverFor, Instant start, Instant end, Instant createdAt, String createdBy) {

  public StoredOverride {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(createdBy, "createdBy");
    if ((role == null) == (coverFor == null)) {
      throw new IllegalArgumentException("an override has either a role or a cover_for user");
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("override end " + end + " must be after " + start);
    }
  }

  /** A role override not stored yet. */
  public static StoredOverride role(String scheduleId, Role role, String userId, Instant start,
      Instant end, Instant createdAt, String createdBy) {
    return new StoredOverride(0, scheduleId, role, userId, null, start, end, createdAt,
        createdBy);
  }

  /** A cover not stored yet. */
  public static StoredOverride cover(String scheduleId, String absentUserId, String userId,
      Instant start, Instant end, Instant createdAt, String createdBy) {
    return new StoredOverride(0, scheduleId, null, userId, absentUserId, start, end, createdAt,
        createdBy);
  }

  public boolean isCover() {
    return coverFor != null;
  }

  public StoredOverride withId(long newId) {
    return new StoredOverride(newId, scheduleId, role, userId, coverFor, start, end, createdAt,
        createdBy);
  }

  public StoredOverride withEnd(Instant newEnd) {
    return new StoredOverride(id, scheduleId, role, userId, coverFor, start, newEnd, createdAt,
        createdBy);
  }
}
