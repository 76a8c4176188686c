package dev.watchkeeper.web.compat;

import dev.watchkeeper.check.Check;
import dev.watchkeeper.check.CheckSpec;
import dev.watchkeeper.check.CheckStore;
import dev.watchkeeper.check.Checks;
import dev.watchkeeper.check.Ping;
import dev.watchkeeper.check.PingKind;
import dev.watchkeeper.check.PingWriter;
import dev.watchkeeper.check.Schedule;
import dev.watchkeeper.config.ConfigLoader;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig;
import dev.watchkeeper.web.RateLimiter;
import dev.watchkeeper.web.IngestLane;
import dev.watchkeeper.web.LaneExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Ping URLs compatible with Healthchecks.io: {@code /ping/<uuid>[/start|/fail|/log|/<0-255>]}
 * and {@code /ping/<ping-key>/<slug>[/...]} ({@code ?create=1} registers an unknown slug), with
 * HEAD, GET and POST. Answers are plain text as Healthchecks gives them: 200 "OK", 404 "not
 * found" (the same for a wrong uuid, key or slug: nothing is revealed), 400 "invalid exit code",
 * 429 "rate limited" (per check; {@code checks.ping_rate_limit}), 503 when the ping could not be
 * stored. "OK" is sent only once the ping is durably stored. Every answer carries
 * {@code Ping-Body-Limit}: the body bytes kept, the rest is dropped.
 */
public final class PingRoutes {
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern EXIT = Pattern.compile("\\d{1,9}");
  /** Past the body limit, this much more is read and dropped before the connection is closed. */
  static final int MAX_DRAIN_BYTES = 1024 * 1024;
  static final Duration COMMIT_WAIT = Duration.ofSeconds(30);

  private final LiveConfig config;
  private final Checks checks;
  private final CheckStore store;
  private final PingWriter writer;
  private final RateLimiter limiter;
  private final Counter rateLimited;

  public PingRoutes(LiveConfig config, Checks checks, PingWriter writer, Clock clock,
      MeterRegistry meters) {
    this.config = config;
    this.checks = checks;
    this.store = checks.store();
    this.writer = writer;
    WatchkeeperConfig.Checks c = config.get().checks();
    this.limiter = new RateLimiter(clock, c.pingsPerSecond(), c.pingBurst());
    config.onChange(n -> limiter.configure(n.checks().pingsPerSecond(), n.checks().pingBurst()));
    this.rateLimited = Counter.builder("watchkeeper.checks.pings.rate_limited")
        .description("Pings refused with 429 by the per-check rate limit").register(meters);
  }

  public void register(IngestLane lane) {
    lane.pings(this::ping);
  }

  private void ping(LaneExchange ctx) {
    WatchkeeperConfig.Checks limits = config.get().checks();
    ctx.header("Ping-Body-Limit", Integer.toString(limits.pingBodyLimit()));
    ctx.header("Access-Control-Allow-Origin", "*");
    String a = ctx.param(0);
    String b = ctx.param(1);
    String c = ctx.param(2);
    String checkId;
    String suffix;
    if (UUID_TEXT.matcher(a).matches()) {
      if (c != null) {
        ctx.plain(404, "not found");
        return;
      }
      suffix = b;
      checkId = a.toLowerCase(Locale.ROOT);
      if (!checks.known(checkId)) { // else no read: the writer finds a check deleted meanwhile
        checkId = store.find(checkId).map(Check::id).orElse(null);
      }
    } else {
      Check check;
      if (b == null) {
        ctx.plain(404, "not found");
        return;
      }
      suffix = c;
      Optional<WatchkeeperConfig.PingKey> key =
          limits.pingKey(ConfigLoader.sha256Hex(a));
      if (key.isEmpty() || !CheckSpec.SLUG.matcher(b).matches()) {
        ctx.plain(404, "not found");
        return;
      }
      String service = key.get().service();
      check = store.findBySlug(service, b).orElse(null);
      if (check == null && "1".equals(ctx.query("create"))) {
        check = autoRegister(service, b, limits);
      }
      checkId = check == null ? null : check.id();
    }
    PingKind kind;
    Integer exit = null;
    if (suffix == null) {
      kind = PingKind.SUCCESS;
    } else {
      switch (suffix) {
        case "start" -> kind = PingKind.START;
        case "fail" -> kind = PingKind.FAIL;
        case "log" -> kind = PingKind.LOG;
        default -> {
          if (!EXIT.matcher(suffix).matches()) {
            ctx.plain(404, "not found");
            return;
          }
          exit = Integer.parseInt(suffix);
          if (exit > 255) {
            ctx.plain(400, "invalid exit code");
            return;
          }
          kind = exit == 0 ? PingKind.SUCCESS : PingKind.FAIL;
        }
      }
    }
    if (checkId == null) {
      ctx.plain(404, "not found");
      return;
    }
    String rid = ctx.query("rid");
    if (rid != null) {
      if (!UUID_TEXT.matcher(rid).matches()) {
        ctx.plain(400, "invalid rid");
        return;
      }
      rid = rid.toLowerCase(Locale.ROOT);
    }
    Duration wait = limiter.acquire(checkId, 1);
    if (!wait.isZero()) {
      rateLimited.increment();
      ctx.header("Retry-After", Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
      ctx.plain(429, "rate limited");
      return;
    }
    Body body = readBody(ctx, limits.pingBodyLimit());
    Ping ping = new Ping(checkId, checks.clock().instant(), kind, exit, "http",
        ctx.method(), ctx.ip(), truncate(ctx.userAgent(), 200), rid, body.text(),
        body.truncated(), null);
    writer.submit(ping)
        .orTimeout(COMMIT_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .whenComplete((found, err) -> {
          if (err != null) {
            ctx.plain(503, "the ping could not be stored; try again");
          } else if (!found) {
            ctx.plain(404, "not found");
          } else {
            ctx.plain(200, "OK");
          }
        });
  }

  private Check autoRegister(String service, String slug, WatchkeeperConfig.Checks limits) {
    CheckSpec spec = new CheckSpec(service, slug, slug, CheckSpec.Kind.HEARTBEAT,
        new Schedule.Every(limits.autoPeriod()), limits.autoGrace(), null, null, null, null);
    try {
      if (checks.create(spec, Check.Origin.AUTO) instanceof Checks.Outcome.Done d) {
        return d.check();
      }
    } catch (RuntimeException e) {
      // Two first pings at once on PostgreSQL: the other one's insert won (unique slug).
    }
    return store.findBySlug(service, slug).orElse(null); // created meanwhile by another ping
  }

  private record Body(String text, boolean truncated) {}

  private static Body readBody(LaneExchange ctx, int limit) {
    if (ctx.method().equals("HEAD") || ctx.method().equals("GET")) {
      return new Body(null, false);
    }
    try (InputStream in = ctx.body()) {
      byte[] kept = in.readNBytes(limit);
      boolean more = false;
      byte[] buf = new byte[8192];
      long drained = 0;
      int n;
      while (drained < MAX_DRAIN_BYTES && (n = in.read(buf)) > 0) {
        more = true;
        drained += n;
      }
      if (kept.length == 0) {
        return new Body(null, more);
      }
      // Cut at a character boundary: a UTF-8 sequence split by the limit is dropped whole.
      String text = new String(kept, StandardCharsets.UTF_8);
      if (more && text.endsWith("\uFFFD")) {
        text = text.substring(0, text.length() - 1);
      }
      return new Body(text, more);
    } catch (IOException e) {
      return new Body(null, false);
    }
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  static boolean isUuid(String s) {
    try {
      UUID.fromString(s);
      return UUID_TEXT.matcher(s).matches();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
