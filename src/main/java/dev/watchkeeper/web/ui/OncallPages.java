package dev.watchkeeper.web.ui;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.oncall.Shift;
import dev.watchkeeper.people.User;
import dev.watchkeeper.rota.Rota;
import dev.watchkeeper.rota.StoredOverride;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Auth;
import dev.watchkeeper.web.Overrides;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The on-call pages: who is on call now per schedule ({@code /oncall}), and one schedule's week
 * with its overrides ({@code /oncall/{id}?week=2026-11-23&tz=Europe/Berlin}) and the forms to
 * add one ({@code POST /oncall/{id}/overrides}) and remove one
 * ({@code POST /oncall/{id}/overrides/{oid}/remove}). Who may do what, and the checks of an
 * override, are the API's ({@link Overrides}, as {@code /api/v1/schedules}): schedules belong to
 * no team, so every viewer reads them and a responder of any team changes overrides.
 *
 * <p>Times are shown in the viewer's zone: {@code tz} if given, else the zone of the config user
 * with the login's name, else UTC. Thread-safe.
 */
public final class OncallPages {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
  private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm", Locale.ROOT);
  static final int MAX_FIELD = 200;
  private static final ZoneId UTC = ZoneId.of("UTC");

  private final Auth auth;
  private final LiveConfig config;
  private final Rota rota;
  private final Pages pages;

  public OncallPages(UiRoutes ui, Auth auth, LiveConfig config, Rota rota) {
    this.auth = auth;
    this.config = config;
    this.rota = rota;
    this.pages = ui.pages();
  }

  public void register(RoutesConfig routes) {
    routes.get("/oncall", pages.page(this::now));
    routes.get("/oncall/{id}", pages.page(this::week));
    routes.post("/oncall/{id}/overrides", pages.page(this::add));
    routes.post("/oncall/{id}/overrides/{oid}/remove", pages.page(this::remove));
  }

  private void now(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    ZoneId zone = zoneOf(ctx, p);
    Instant at = rota.now();
    List<OncallView.Row> rows = new ArrayList<>();
    for (Rota.Status s : rota.onCall(at)) { // every schedule, one read of the overrides
      List<OncallView.Duty> shadows = new ArrayList<>();
      s.shadows().forEach(d -> shadows.add(duty(d, zone)));
      List<String> relieved = new ArrayList<>();
      s.relieved().forEach(r -> relieved.add(name(r.userId()) + " until "
          + WHEN.format(r.until().atZone(zone))));
      rows.add(new OncallView.Row(s.schedule().id(), s.schedule().name(),
          s.primary().map(d -> duty(d, zone)).orElse(null),
          s.secondary().map(d -> duty(d, zone)).orElse(null), shadows, relieved));
    }
    pages.render(ctx, 200, "oncall.jte", pages.chrome(ctx, p, "On call", "oncall"),
        Map.of("page", new OncallView(at, zone.getId(), rows)));
  }

  private OncallView.Duty duty(Rota.Duty d, ZoneId zone) {
    return new OncallView.Duty(d.userId(), name(d.userId()),
        d.until() == null ? null : WHEN.format(d.until().atZone(zone)));
  }

  private void week(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    String id = ctx.pathParam("id");
    var schedule = rota.setup().schedule(id).orElseThrow(() -> Overrides.noSchedule(id));
    ZoneId zone = zoneOf(ctx, p);
    Instant now = rota.now();
    LocalDate today = now.atZone(zone).toLocalDate();
    LocalDate monday = weekParam(ctx).orElse(today)
        .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    Instant from = monday.atStartOfDay(zone).toInstant();
    Instant to = monday.plusDays(7).atStartOfDay(zone).toInstant();
    Map<dev.watchkeeper.oncall.Role, List<Shift>> shifts = rota.shifts(id, from, to)
        .orElseThrow(() -> Overrides.noSchedule(id));
    List<ScheduleView.Day> days = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      LocalDate day = monday.plusDays(i);
      Instant a = day.atStartOfDay(zone).toInstant();
      Instant b = day.plusDays(1).atStartOfDay(zone).toInstant();
      List<ScheduleView.Slot> slots = new ArrayList<>();
      shifts.forEach((role, list) -> {
        for (Shift s : list) {
          if (s.start().isBefore(b) && s.end().isAfter(a)) {
            slots.add(new ScheduleView.Slot(wire(role), name(s.userId()),
                s.start().isAfter(a) ? HM.format(s.start().atZone(zone)) : "…",
                s.end().isBefore(b) ? HM.format(s.end().atZone(zone)) : "…"));
          }
        }
      });
      days.add(new ScheduleView.Day(DAY.format(day), day.equals(today), slots));
    }
    List<ScheduleView.Override> overrides = new ArrayList<>();
    for (Rota.OverrideView v : rota.overrides(id).orElse(List.of())) {
      StoredOverride o = v.override();
      overrides.add(new ScheduleView.Override(o.id(), o.isCover()
          ? "cover for " + name(o.coverFor()) : wire(o.role()), name(o.userId()),
          WHEN.format(o.start().atZone(zone)), WHEN.format(o.end().atZone(zone)),
          o.createdBy(), v.ignored()));
    }
    List<ScheduleView.Person> users = new ArrayList<>();
    for (User u : config.get().oncall().users()) {
      users.add(new ScheduleView.Person(u.id(), u.name()));
    }
    String base = "/oncall/" + enc(id) + "?tz=" + enc(zone.getId());
    ZonedDateTime start = now.atZone(zone).truncatedTo(ChronoUnit.HOURS).plusHours(1);
    ScheduleView view = new ScheduleView(id, schedule.name(), zone.getId(),
        schedule.zone().getId(), DAY.format(monday) + " – " + DAY.format(monday.plusDays(6)),
        days, base + "&week=" + monday.minusWeeks(1), base + "&week=" + monday.plusWeeks(1),
        base, overrides, auth.canOnSchedule(p, Role.RESPONDER, id), users,
        List.of("primary", "secondary", "shadow"), LOCAL.format(start),
        LOCAL.format(start.plusHours(8)));
    pages.render(ctx, 200, "schedule.jte", pages.chrome(ctx, p, schedule.name(), "oncall"),
        Map.of("page", view));
  }

  private void add(Context ctx) {
    Principal p = auth.require(ctx, Role.RESPONDER);
    String id = ctx.pathParam("id");
    Overrides.authorize(auth, ctx, p, rota, id);
    ZoneId zone = zoneOf(ctx, p);
    String kind = Forms.optional(ctx, "role");
    String role = kind == null || kind.equals("cover") ? null : kind;
    String cover = "cover".equals(kind)
        ? Forms.limit("cover", Forms.optional(ctx, "cover"), MAX_FIELD) : null;
    if ("cover".equals(kind) && cover == null) {
      throw ApiException.badRequest("cover: required, the id of the user to cover for");
    }
    Overrides.add(rota, id, Overrides.request(Forms.limit("role", role, MAX_FIELD), cover,
        Forms.limit("user", Forms.optional(ctx, "user"), MAX_FIELD),
        Forms.time("start", Forms.optional(ctx, "start"), zone),
        Forms.time("end", Forms.optional(ctx, "end"), zone)), p.actor());
    Pages.seeOther(ctx, "/oncall/" + enc(id) + "?tz=" + enc(zone.getId()));
  }

  private void remove(Context ctx) {
    Principal p = auth.require(ctx, Role.RESPONDER);
    String id = ctx.pathParam("id");
    Overrides.authorize(auth, ctx, p, rota, id);
    Overrides.remove(rota, id, ctx.pathParam("oid"), p.actor());
    Pages.seeOther(ctx, "/oncall/" + enc(id) + "?tz=" + enc(zoneOf(ctx, p).getId()));
  }

  /** {@code tz} (query or form), else the config user's zone, else UTC. */
  private ZoneId zoneOf(Context ctx, Principal p) {
    String tz = ctx.queryParam("tz");
    if ((tz == null || tz.isBlank()) && ctx.method().name().equals("POST")) {
      tz = Forms.optional(ctx, "tz");
    }
    if (tz != null && !tz.isBlank()) {
      return Forms.zone("tz", tz.trim());
    }
    ZoneId own = rota.setup().users().get(p.name());
    return own != null ? own : UTC;
  }

  private static java.util.Optional<LocalDate> weekParam(Context ctx) {
    String w = ctx.queryParam("week");
    if (w == null || w.isBlank()) {
      return java.util.Optional.empty();
    }
    try {
      LocalDate d = LocalDate.parse(w.trim());
      if (d.getYear() < 1971 || d.getYear() > 8998) {
        throw ApiException.badRequest("week: must be between 1971 and 8998");
      }
      return java.util.Optional.of(d);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("week: not a date like 2026-11-23");
    }
  }

  private String name(String userId) {
    return config.get().oncall().user(userId).map(User::name).orElse(userId);
  }

  private static String wire(dev.watchkeeper.oncall.Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
