package dev.watchkeeper.web;

import dev.watchkeeper.oncall.Role;
import dev.watchkeeper.rota.Rota;
import dev.watchkeeper.rota.Rota.AddResult;
import dev.watchkeeper.rota.Rota.RemoveResult;
import dev.watchkeeper.rota.StoredOverride;
import java.time.Instant;
import java.util.Locale;

/**
 * Creating and removing schedule overrides, for the API ({@code POST
 * /api/v1/schedules/{id}/overrides}, {@link ScheduleRoutes}) and the on-call page alike: the
 * checks of a request and what each outcome of the {@link Rota} means as an HTTP answer.
 * Stateless.
 */
public final class Overrides {
  /** Instants accepted: the engine computes within years 0001-9999; nobody needs more. */
  static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9000-01-01T00:00:00Z");

  private Overrides() {}

  /**
   * 404 for an unknown schedule, then 403 unless {@code p} is responder on a team whose services
   * page it (a schedule belongs to those teams; see {@code Ownership}).
   */
  public static void authorize(Auth auth, io.javalin.http.Context ctx,
      dev.watchkeeper.access.Principal p, Rota rota, String scheduleId) {
    if (rota.setup().schedule(scheduleId).isEmpty()) {
      throw noSchedule(scheduleId);
    }
    auth.requireSchedule(ctx, p, dev.watchkeeper.config.WatchkeeperConfig.Role.RESPONDER,
        scheduleId);
  }

  /**
   * An override request from its fields (null: not given): exactly one of {@code role} ("user
   * takes this role from start to end") and {@code cover} ("user takes the shifts of this
   * person"); 400 with a sentence naming the field otherwise.
   */
  public static Rota.OverrideRequest request(String role, String cover, String user,
      Instant start, Instant end) {
    requireOneOf(role != null, cover != null);
    Role r = null;
    if (role != null) {
      try {
        r = Role.valueOf(role.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("role: must be primary, secondary or shadow, got \""
            + role + "\"");
      }
    }
    if (user == null || user.isBlank()) {
      throw ApiException.badRequest("user: required, the id of the user who takes over");
    }
    return new Rota.OverrideRequest(r, user, cover, required("start", start),
        required("end", end));
  }

  /** 400 unless exactly one of role and cover is given. */
  static void requireOneOf(boolean hasRole, boolean hasCover) {
    if (hasRole == hasCover) {
      throw ApiException.badRequest("exactly one of role (\"user takes this role from start to"
          + " end\") or cover (\"user takes the shifts of this person from start to end\") must"
          + " be set");
    }
  }

  private static Instant required(String name, Instant t) {
    if (t == null) {
      throw ApiException.badRequest(name + ": required, an RFC 3339 time like"
          + " 2026-11-23T09:00:00Z");
    }
    return inRange(name, t);
  }

  /** {@code t}, or 400 when it is outside the years the engine computes. */
  public static Instant inRange(String name, Instant t) {
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw ApiException.badRequest(name + ": must be between " + EARLIEST + " and " + LATEST);
    }
    return t;
  }

  /** Asks the rota for the override; the stored one, or the refusal as 400, 404 or 422. */
  public static AddResult.Created add(Rota rota, String scheduleId, Rota.OverrideRequest r,
      String actor) {
    AddResult result = rota.addOverride(scheduleId, r, actor);
    if (result instanceof AddResult.Created c) {
      return c;
    } else if (result instanceof AddResult.NoSuchSchedule n) {
      throw noSchedule(n.scheduleId());
    } else if (result instanceof AddResult.Invalid i) {
      throw ApiException.badRequest(i.reason());
    }
    throw new ApiException(422, "unprocessable", ((AddResult.Unprocessable) result).reason());
  }

  /**
   * Removes an override (one not started yet) or ends it now (a running one); 404 for no such
   * schedule or override (the id as given, {@code rawId}), 409 for one that has ended.
   */
  public static RemoveResult remove(Rota rota, String scheduleId, String rawId, String actor) {
    long oid;
    try {
      oid = Long.parseLong(rawId);
    } catch (NumberFormatException e) {
      throw ApiException.notFound("schedule " + scheduleId + " has no override " + rawId);
    }
    RemoveResult result = rota.removeOverride(scheduleId, oid, actor);
    if (result instanceof RemoveResult.AlreadyEnded a) {
      throw new ApiException(409, "conflict", "override " + oid + " ended at "
          + a.override().end() + "; it stays as history");
    } else if (result instanceof RemoveResult.NotFound) {
      throw rota.setup().schedule(scheduleId).isEmpty() ? noSchedule(scheduleId)
          : ApiException.notFound("schedule " + scheduleId + " has no override " + oid);
    }
    return result;
  }

  /** The override a removal changed. */
  public static StoredOverride of(RemoveResult r) {
    if (r instanceof RemoveResult.Deleted d) {
      return d.override();
    }
    return ((RemoveResult.Ended) r).override();
  }

  public static ApiException noSchedule(String id) {
    return ApiException.notFound("no schedule with id " + id);
  }
}
