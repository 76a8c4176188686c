package dev.watchkeeper.web;

import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.oncall.Schedule;
import dev.watchkeeper.oncall.Shift;
import dev.watchkeeper.people.User;
import dev.watchkeeper.rota.Rota;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * iCalendar feeds at secret URLs, for calendar apps that cannot send an API token: per schedule
 * (every role) and per user (their shifts in every schedule), from a week back to
 * {@link #AHEAD} ahead. The token in the URL is the feed's HMAC ({@link FeedTokens}); a wrong or
 * missing token, an unknown schedule or user all answer the same 404, so a URL reveals nothing
 * without its token.
 */
final class IcalRoutes {
  /** How far ahead a feed reaches. */
  static final Duration AHEAD = Duration.ofDays(90);
  /** How far back a feed reaches (from the start of today, UTC, so UIDs are stable all day). */
  static final Duration BEHIND = Duration.ofDays(7);

  private final LiveConfig config;
  private final Rota rota;
  private final FeedTokens tokens;

  IcalRoutes(LiveConfig config, Rota rota, FeedTokens tokens) {
    this.config = config;
    this.rota = rota;
    this.tokens = tokens;
  }

  void register(RoutesConfig routes) {
    routes.get("/ical/schedules/{file}", this::schedule);
    routes.get("/ical/users/{file}", this::user);
  }

  private void schedule(Context ctx) {
    String id = feedId(ctx, "schedule");
    Schedule s = rota.setup().schedule(id).orElseThrow(IcalRoutes::noFeed);
    Instant now = rota.now();
    Instant from = from(now);
    List<Ical.Event> events = new ArrayList<>();
    rota.shifts(id, from, now.plus(AHEAD)).orElseThrow(IcalRoutes::noFeed).forEach(
        (role, shifts) -> {
          for (Shift sh : shifts) {
            String r = ScheduleRoutes.wire(role);
            events.add(new Ical.Event(uid("s", s.id(), sh), sh.start(), sh.end(),
                name(sh.userId()) + ": " + s.name() + " " + r,
                name(sh.userId()) + " (" + sh.userId() + ") is " + r + " on call for "
                    + s.name() + " (schedule " + s.id() + ", hands off in " + s.zone().getId()
                    + "). Overrides and the recovery rule are applied; refresh for changes."));
          }
        });
    events.sort((a, b) -> a.start().compareTo(b.start()));
    send(ctx, id, Ical.calendar("On call: " + s.name(), now, events));
  }

  private void user(Context ctx) {
    String id = feedId(ctx, "user");
    User u = config.get().oncall().user(id).orElseThrow(IcalRoutes::noFeed);
    Instant now = rota.now();
    List<Ical.Event> events = new ArrayList<>();
    for (Map.Entry<String, List<Shift>> e : rota.shiftsOf(id, from(now), now.plus(AHEAD))
        .entrySet()) {
      Optional<Schedule> s = rota.setup().schedule(e.getKey());
      String scheduleName = s.map(Schedule::name).orElse(e.getKey());
      for (Shift sh : e.getValue()) {
        String r = ScheduleRoutes.wire(sh.role());
        events.add(new Ical.Event(uid("u", e.getKey(), sh), sh.start(), sh.end(),
            "On call: " + scheduleName + " (" + r + ")",
            u.name() + " is " + r + " on call for " + scheduleName + " (schedule " + e.getKey()
                + "). Overrides and the recovery rule are applied; refresh for changes."));
      }
    }
    events.sort((a, b) -> a.start().compareTo(b.start()));
    send(ctx, id, Ical.calendar("On call: " + u.name(), now, events));
  }

  /** The id of {@code /ical/<kind>s/<id>.ics} if the token is right; 404 otherwise. */
  private String feedId(Context ctx, String kind) {
    String file = ctx.pathParam("file");
    if (!file.endsWith(".ics") || file.length() == 4) {
      throw noFeed();
    }
    String id = file.substring(0, file.length() - 4);
    if (!tokens.valid(kind, id, ctx.queryParam("token"))) {
      throw noFeed();
    }
    return id;
  }

  private static Instant from(Instant now) {
    return now.truncatedTo(ChronoUnit.DAYS).minus(BEHIND);
  }

  private String name(String userId) {
    return config.get().oncall().user(userId).map(User::name).orElse(userId);
  }

  /**
   * Stable per shift start: a refresh that moves a shift's end (an override, the edge of the
   * feed's window) updates the event instead of adding another.
   */
  private static String uid(String scope, String scheduleId, Shift s) {
    String key = scope + "|" + scheduleId + "|" + s.role() + "|" + s.userId() + "|"
        + s.start().toEpochMilli();
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16) + "@watchkeeper";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void send(Context ctx, String id, String body) {
    ctx.contentType(Ical.CONTENT_TYPE)
        .header("Content-Disposition", "inline; filename=\"" + id.replace("\"", "") + ".ics\"")
        .header("Cache-Control", "private, max-age=300")
        .result(body);
  }

  private static ApiException noFeed() {
    return ApiException.notFound("no such calendar feed (check the URL and its token)");
  }
}
