package dev.watchkeeper.web.compat;

import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Ingest;
import dev.watchkeeper.event.AppendResult;
import dev.watchkeeper.obs.LogEvent;
import dev.watchkeeper.web.ApiException;
import dev.watchkeeper.web.Credentials;
import dev.watchkeeper.web.HttpServer;
import dev.watchkeeper.web.IngestGate;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PagerDuty Events API v2 compatibility: {@code POST /v2/enqueue} (trigger, acknowledge, resolve)
 * and {@code POST /v2/change/enqueue}, answered exactly as PagerDuty answers, so any tool that
 * speaks PagerDuty can point at Watchkeeper unchanged. The {@code routing_key} in the body is a
 * Watchkeeper integration key. Events are stored through the same group commit as native ingest,
 * and 202 is answered only after the commit.
 */
public final class PagerDutyRoutes {
  /** PagerDuty's alert event endpoint path. */
  public static final String ENQUEUE = "/v2/enqueue";
  /** PagerDuty's change event endpoint path. */
  public static final String CHANGE_ENQUEUE = "/v2/change/enqueue";

  private static final Logger log = LoggerFactory.getLogger(PagerDutyRoutes.class);

  private final AtomicReference<Credentials> credentials;
  private final PagerDutyParser parser;
  private final IngestGate gate;

  /**
   * @param gate the shared way into the event log: the per-key rate limit (one bucket per
   *     integration key across every ingest format) and the durable group commit
   */
  public PagerDutyRoutes(HttpServer.Deps d, IngestGate gate) {
    LiveConfig config = d.config();
    this.credentials = new AtomicReference<>(new Credentials(config.get()));
    config.onChange(c -> credentials.set(new Credentials(c)));
    this.parser = new PagerDutyParser(d.mapper(), d.clock());
    this.gate = gate;
  }

  public void register(RoutesConfig routes) {
    routes.post(ENQUEUE, ctx -> ingest(ctx, false));
    routes.post(CHANGE_ENQUEUE, ctx -> ingest(ctx, true));
  }

  private void ingest(Context ctx, boolean change) {
    Ingest limits = gate.limits();
    byte[] body;
    try {
      body = read(ctx, limits.maxBodyBytes());
    } catch (BodyTooLarge e) {
      answer(ctx, 413, PagerDutyParser.INVALID_STATUS, "Event object is too large", List.of(
          "the request body is larger than " + limits.maxBodyBytes() + " bytes"), null);
      return;
    } catch (IOException e) {
      answer(ctx, 400, PagerDutyParser.INVALID_STATUS, PagerDutyParser.INVALID_MESSAGE,
          List.of("the request body could not be read"), null);
      return;
    }
    PagerDutyParser.Result result = change ? parser.change(body) : parser.alert(body);

    // An unknown sender learns nothing but that its key is unknown.
    Credentials.KeyRef key = null;
    if (result.routingKey() != null) {
      Optional<Credentials.KeyRef> found = credentials.get().integrationKey(result.routingKey());
      if (found.isEmpty()) {
        LogEvent.AUTH_REJECTED.info(log).addKeyValue("path", ctx.path())
            .log("unknown PagerDuty routing key");
        answer(ctx, 400, PagerDutyParser.INVALID_STATUS, PagerDutyParser.INVALID_MESSAGE,
            List.of("Invalid routing key"), null);
        return;
      }
      key = found.get();
    }
    if (result instanceof PagerDutyParser.Invalid bad) {
      answer(ctx, 400, bad.status(), bad.message(), bad.errors(), null);
      return;
    }
    PagerDutyParser.Valid ok = (PagerDutyParser.Valid) result;

    try {
      gate.checkRate(key, 1);
    } catch (ApiException e) {
      if (e.status() != 429) {
        throw e;
      }
      // PagerDuty's own 429 answer (as its Go client's tests record it), plus Retry-After.
      answer(ctx, 429, "throttle exceeded",
          "Requests for this service are arriving too quickly.  Please retry later.",
          List.of("Enhance Your Calm."), e.retryAfterSeconds());
      return;
    }

    CompletableFuture<AppendResult> stored = gate.submit(ctx, key, List.of(ok.event()));
    ctx.future(() -> stored.handle((r, err) -> {
      if (err != null) {
        ApiException e = IngestGate.unavailable(err);
        answer(ctx, e.status(), "unavailable", "Event could not be stored",
            List.of(e.getMessage()), e.retryAfterSeconds());
        return null;
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("status", "success");
      if (change) {
        out.put("message", "Change event processed");
      } else {
        out.put("message", "Event processed");
        out.put("dedup_key", ok.dedupKey());
      }
      ctx.status(202).json(out);
      return null;
    }));
  }

  /** PagerDuty's answer shape: {@code {"status":…,"message":…,"errors":[…]}}. */
  private static void answer(Context ctx, int status, String pdStatus, String message,
      List<String> errors, Long retryAfterSeconds) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", pdStatus);
    out.put("message", message);
    out.put("errors", errors);
    if (retryAfterSeconds != null) {
      ctx.header("Retry-After", Long.toString(retryAfterSeconds));
    }
    ctx.status(status).json(out);
  }

  /** The body, at most {@code maxBytes} (PagerDuty's own limit is 512 KB, our default). */
  private static byte[] read(Context ctx, int maxBytes) throws IOException {
    if (ctx.req().getContentLengthLong() > maxBytes) {
      throw new BodyTooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw new BodyTooLarge();
      }
      return body;
    }
  }

  private static final class BodyTooLarge extends RuntimeException {
    BodyTooLarge() {
      super("request body too large", null, false, false);
    }
  }
}
