package dev.watchkeeper.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.config.LiveConfig;
import dev.watchkeeper.config.WatchkeeperConfig.Ingest;
import dev.watchkeeper.config.WatchkeeperConfig.Role;
import dev.watchkeeper.event.CloudEventsParser;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.EventParser;
import dev.watchkeeper.event.EventQuery;
import dev.watchkeeper.event.EventStore;
import dev.watchkeeper.event.InvalidEventsException;
import dev.watchkeeper.event.MalformedJsonException;
import dev.watchkeeper.event.RequestStatus;
import dev.watchkeeper.event.Severity;
import dev.watchkeeper.event.StoredEvent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Event ingest ({@code POST /api/v1/events}, native JSON and CloudEvents in all three modes) and
 * reading back ({@code GET /api/v1/events}, {@code GET /api/v1/requests/{id}}).
 */
final class EventRoutes {
  private final LiveConfig config;
  private final Auth auth;
  private final EventParser parser;
  private final CloudEventsParser cloudEvents;
  private final IngestGate gate;
  private final EventStore store;
  private final RequestResults results;

  EventRoutes(LiveConfig config, Auth auth, ObjectMapper mapper, IngestGate gate,
      EventStore store, Clock clock, RequestResults results) {
    this.config = config;
    this.auth = auth;
    this.parser = new EventParser(mapper, clock);
    this.cloudEvents = new CloudEventsParser(mapper, parser);
    this.gate = gate;
    this.store = store;
    this.results = results;
  }

  void register(IngestLane lane) {
    lane.route("POST", "/api/v1/events", this::ingest);
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/events", this::list);
    routes.get("/api/v1/requests/{id}", this::request);
  }

  private void ingest(LaneExchange ex) {
    Credentials.KeyRef key = auth.integrationKey(ex.header("Authorization"), "/api/v1/events");
    Ingest limits = config.get().ingest();
    byte[] body = Bodies.read(ex.body(), ex.contentLength(), limits.maxBodyBytes());
    List<Event> events = parse(ex, body, limits.maxBatchEvents());
    gate.checkRate(key, events.size());
    gate.submit(ex.traceId(), key, events).whenComplete((r, err) -> {
      if (err != null) {
        ex.error(IngestGate.unavailable(err));
        return;
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("status", "accepted");
      out.put("request_id", r.requestId());
      out.put("event_ids", r.eventIds());
      out.put("duplicates", r.duplicates());
      ex.json(202, out);
    });
  }

  private List<Event> parse(LaneExchange ctx, byte[] body, int maxEvents) {
    String contentType = ctx.contentType() == null ? "" : ctx.contentType();
    String mediaType = contentType.toLowerCase(Locale.ROOT);
    int semi = mediaType.indexOf(';');
    if (semi >= 0) {
      mediaType = mediaType.substring(0, semi).trim();
    }
    try {
      if (ctx.header("ce-specversion") != null) {
        Map<String, String> ce = new LinkedHashMap<>();
        for (String name : ctx.headerNames()) {
          String lower = name.toLowerCase(Locale.ROOT);
          if (lower.startsWith("ce-")) {
            ce.put(lower.substring(3), ctx.header(name));
          }
        }
        return cloudEvents.binary(ce, contentType.isEmpty() ? null : contentType, body);
      }
      return switch (mediaType) {
        case CloudEventsParser.STRUCTURED -> cloudEvents.structured(body);
        case CloudEventsParser.BATCH -> cloudEvents.batch(body, maxEvents);
        // curl -d sends application/x-www-form-urlencoded unless told otherwise; the body is
        // still JSON, and refusing it would only trip people up at 3 a.m.
        case "", "application/json", "text/json", "application/x-www-form-urlencoded" ->
            parser.parse(body, maxEvents);
        default -> throw new ApiException(415, "unsupported_media_type", "Content-Type '"
            + contentType + "' is not accepted: use application/json, " + CloudEventsParser.STRUCTURED
            + ", " + CloudEventsParser.BATCH + ", or CloudEvents binary mode (ce-* headers)");
      };
    } catch (MalformedJsonException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (InvalidEventsException e) {
      throw new ApiException(400, "invalid_event", e.getMessage(), e.problems(), null);
    }
  }

  private void list(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    String service = ctx.queryParam("service");
    if (service != null) {
      auth.requireService(ctx, principal, Role.VIEWER, service);
    }
    int limit = Params.intParam(ctx, "limit", EventQuery.DEFAULT_LIMIT, 1, EventQuery.MAX_LIMIT);
    Severity severity = null;
    String sev = ctx.queryParam("severity");
    if (sev != null) {
      severity = Severity.parse(sev).orElseThrow(() -> ApiException.badRequest(
          "severity: must be one of critical, error, warning, info"));
    }
    Long before = null;
    String cursor = ctx.queryParam("cursor");
    if (cursor != null) {
      before = Params.decodeCursor(cursor, "e");
    }
    EventQuery q = new EventQuery(ctx.queryParam("service"), ctx.queryParam("source"),
        ctx.queryParam("type"), severity, Params.timeParam(ctx, "since"), Params.timeParam(ctx, "until"),
        before, limit + 1, auth.visibleServices(principal));
    // One extra row tells whether another page exists, so the last page has no cursor.
    List<StoredEvent> found = store.find(q);
    boolean more = found.size() > limit;
    List<StoredEvent> page = more ? found.subList(0, limit) : found;
    List<Map<String, Object>> events = new ArrayList<>(page.size());
    for (StoredEvent se : page) {
      events.add(render(se));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("events", events);
    out.put("next_cursor", more ? Params.encodeCursor(page.get(page.size() - 1).seq(), "e") : null);
    ctx.json(out);
  }

  private void request(Context ctx) {
    var principal = auth.require(ctx, Role.VIEWER);
    String id = ctx.pathParam("id");
    RequestStatus s = store.request(id).orElseThrow(() -> ApiException.notFound(
        "no accepted request with id " + id));
    auth.requireService(ctx, principal, Role.VIEWER, s.service());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request_id", s.requestId());
    out.put("state", s.processed() ? "processed" : "stored");
    out.put("stored", true);
    out.put("processed", s.processed());
    out.put("service", s.service());
    out.put("integration_key", s.keyName());
    out.put("received_at", s.receivedAt().toString());
    out.put("events", s.events());
    out.put("duplicates", s.duplicates());
    out.put("trace_id", s.traceId());
    // Once processed: where each event went. Null before (nothing to tell yet).
    RequestResults.Results r = s.processed() ? results.of(id) : null;
    out.put("results", r == null ? null : r.events());
    out.put("results_truncated", r != null && r.truncated());
    ctx.json(out);
  }

  private Map<String, Object> render(StoredEvent se) {
    Event e = se.event();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("service", se.service());
    m.put("source", e.source());
    m.put("type", e.type());
    m.put("time", e.time().toString());
    m.put("received_at", se.receivedAt().toString());
    m.put("severity", e.severity() == null ? null : e.severity().wire());
    m.put("dedup_key", e.dedupKey());
    m.put("summary", e.summary());
    m.put("labels", e.labels());
    m.put("payload", e.payloadJson() == null ? null : new RawJson(e.payloadJson()));
    m.put("request_id", se.requestId());
    return m;
  }

}
