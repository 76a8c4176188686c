package dev.watchkeeper.web.ui;

import dev.watchkeeper.access.Principal;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.mute.ExpireResult;
import dev.watchkeeper.mute.Matcher;
import dev.watchkeeper.mute.MatcherParser;
import dev.watchkeeper.mute.Silence;
import dev.watchkeeper.mute.SilenceRequest;
import dev.watchkeeper.mute.SilenceResult;
import dev.watchkeeper.mute.SilenceState;
import dev.watchkeeper.mute.Silences;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Auth;
import dev.watchkeeper.web.SilenceTeams;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The silences page ({@code /silences}): the silences the viewer may see, a form to create one
 * ({@code POST /silences}) and a button to expire one ({@code POST /silences/{id}/expire}). The
 * same rules as the Alertmanager API (web/compat/AlertmanagerSilenceRoutes): the same
 * {@link Silences} and the team rules of {@link SilenceTeams}. Matchers are typed as text, one or
 * more per line, as amtool takes them ({@code alertname="DiskFull"}). Thread-safe.
 */
public final class SilencePages {
  static final int MAX_EXPIRED_SHOWN = 50;
  static final int MAX_MATCHERS_TEXT = 10_000;
  static final int MAX_COMMENT = 10_000;

  private final Auth auth;
  private final Silences silences;
  private final Supplier<Duration> maxDuration;
  private final Pages pages;

  public SilencePages(UiRoutes ui, Auth auth, Silences silences,
      Supplier<Duration> maxDuration) {
    this.auth = auth;
    this.silences = silences;
    this.maxDuration = maxDuration;
    this.pages = ui.pages();
  }

  public void register(RoutesConfig routes) {
    routes.get("/silences", pages.page(this::list));
    routes.post("/silences", pages.page(this::create));
    routes.post("/silences/{silenceID}/expire", pages.page(this::expire));
  }

  private void list(Context ctx) {
    Principal p = auth.require(ctx, Role.VIEWER);
    Instant now = silences.now();
    List<SilencesView.Row> active = new ArrayList<>();
    List<SilencesView.Row> pending = new ArrayList<>();
    List<SilencesView.Row> expired = new ArrayList<>();
    int hidden = 0;
    for (Silence s : silences.list(List.of())) { // one read; sorted like Alertmanager
      if (!SilenceTeams.canSee(p, s.team())) {
        continue;
      }
      SilenceState state = s.state(now);
      if (state == SilenceState.EXPIRED && expired.size() >= MAX_EXPIRED_SHOWN) {
        hidden++;
        continue;
      }
      List<String> matchers = s.matchers().stream().map(Matcher::toString).toList();
      SilencesView.Row row = new SilencesView.Row(s.id(), state.wire(), matchers, s.createdBy(),
          s.comment(), s.startsAt(), s.endsAt(), s.team(), s.expireWhenResolved(),
          state != SilenceState.EXPIRED && SilenceTeams.canChange(p, s.team()));
      (state == SilenceState.ACTIVE ? active : state == SilenceState.PENDING ? pending : expired)
          .add(row);
    }
    List<SilencesView.TeamOption> teams = new ArrayList<>();
    if (p.grants().allowsGlobally(Role.RESPONDER)) {
      teams.add(new SilencesView.TeamOption("", "every team"));
    }
    for (String t : SilenceTeams.responderTeams(p)) {
      teams.add(new SilencesView.TeamOption(t, t));
    }
    pages.render(ctx, 200, "silences.jte", pages.chrome(ctx, p, "Silences", "silences"),
        Map.of("page", new SilencesView(active, pending, expired, hidden, teams,
            words(maxDuration.get()))));
  }

  private void create(Context ctx) {
    Principal p = auth.require(ctx, Role.RESPONDER);
    List<Matcher> matchers = matchers(Forms.required(ctx, "matchers", MAX_MATCHERS_TEXT));
    String comment = Forms.required(ctx, "comment", MAX_COMMENT);
    Instant now = silences.now();
    Instant startsAt = Forms.time("starts", Forms.optional(ctx, "starts"), ZoneOffset.UTC);
    Instant endsAt = Forms.time("ends", Forms.optional(ctx, "ends"), ZoneOffset.UTC);
    Duration length = Forms.duration("for", Forms.optional(ctx, "for"));
    if (endsAt != null && length != null) {
      throw ApiException.badRequest("ends and for exclude each other: give an end time or a"
          + " length");
    }
    if (endsAt == null && length == null) {
      throw ApiException.badRequest("ends: required, or a length (for) like 2h");
    }
    if (length != null) {
      endsAt = (startsAt == null || startsAt.isBefore(now) ? now : startsAt).plus(length);
    }
    boolean ewr = ctx.formParam("expire_when_resolved") != null;
    String team = SilenceTeams.resolve(auth, ctx, p, Forms.optional(ctx, "team"), null);
    SilenceResult r = silences.save(new SilenceRequest(null, matchers, startsAt, endsAt,
        p.name(), comment, ewr, team), p.actor());
    if (r instanceof SilenceResult.Invalid inv) {
      throw ApiException.badRequest("invalid silence: " + String.join("; ", inv.problems()));
    }
    Pages.seeOther(ctx, "/silences");
  }

  private void expire(Context ctx) {
    Principal p = auth.require(ctx, Role.RESPONDER);
    String id = ctx.pathParam("silenceID");
    Silence s = silences.get(id).filter(x -> SilenceTeams.canSee(p, x.team()))
        .orElseThrow(() -> ApiException.notFound("no silence with id " + id));
    auth.requireTeam(ctx, p, Role.RESPONDER, s.team());
    try {
      if (silences.expire(s.id(), p.actor()) instanceof ExpireResult.NotFound) {
        throw ApiException.notFound("no silence with id " + id);
      }
    } catch (Silences.ConcurrentChangeException e) {
      throw new ApiException(409, "conflict", e.getMessage());
    }
    Pages.seeOther(ctx, "/silences");
  }

  /** Matchers typed one or more per line ({@code a="b"} or {@code a="b", c=~"d.*"}). */
  static List<Matcher> matchers(String text) {
    List<Matcher> out = new ArrayList<>();
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) {
        continue;
      }
      try {
        out.addAll(MatcherParser.parse(line));
      } catch (MatcherParser.BadMatcher e) {
        throw ApiException.badRequest("matchers: line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** 7 days, 36 hours, 90 minutes. */
  static String words(Duration d) {
    long m = d.toMinutes();
    if (m % (24 * 60) == 0 && m > 0) {
      return m / (24 * 60) + (m == 24 * 60 ? " day" : " days");
    }
    if (m % 60 == 0 && m > 0) {
      return m / 60 + (m == 60 ? " hour" : " hours");
    }
    return m + " minutes";
  }
}
