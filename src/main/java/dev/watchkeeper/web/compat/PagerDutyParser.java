package dev.watchkeeper.web.compat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchkeeper.event.Event;
import dev.watchkeeper.event.EventLimits;
import dev.watchkeeper.event.EventParser;
import dev.watchkeeper.event.Ids;
import dev.watchkeeper.event.MalformedJsonException;
import dev.watchkeeper.event.Severity;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PagerDuty Events API v2 bodies (alert events for {@code /v2/enqueue}, change events for
 * {@code /v2/change/enqueue}) into native {@link Event}s. Pure: no HTTP, no I/O. Every problem is
 * reported in PagerDuty's style, naming the field ({@code 'payload.summary' is missing or blank}).
 *
 * <p>Thread-safe.
 */
public final class PagerDutyParser {
  /** PagerDuty documents {@code dedup_key} as at most 255 characters (also our native limit). */
  public static final int MAX_DEDUP_KEY = EventLimits.MAX_DEDUP_KEY;
  /** PagerDuty documents {@code payload.summary} as at most 1024 characters (alert and change). */
  public static final int MAX_SUMMARY = EventLimits.MAX_SUMMARY;
  /** PagerDuty documents no limit on {@code payload.source}; ours is the native source limit. */
  public static final int MAX_SOURCE = EventLimits.MAX_SOURCE;
  /** component, group, class and client become labels, so they share the label value limit. */
  public static final int MAX_LABEL_VALUE = EventLimits.MAX_LABEL_VALUE;
  /** A timestamp longer than this is not a timestamp; refused before trying to parse it. */
  public static final int MAX_TIMESTAMP = 64;
  /** At most this many field errors are listed in one answer (the native limit). */
  public static final int MAX_ERRORS = EventLimits.MAX_REPORTED_ERRORS;

  /** The source of acknowledge/resolve (and change) events that carry no payload.source. */
  public static final String DEFAULT_SOURCE = "pagerduty";
  /** Alert events are stored with type {@code pagerduty.<event_action>}. */
  public static final String TYPE_PREFIX = "pagerduty.";
  /** Change events are stored with this type. */
  public static final String CHANGE_TYPE = "change";

  /** PagerDuty's answer texts (status, message) for an event that fails validation. */
  public static final String INVALID_STATUS = "invalid event";
  public static final String INVALID_MESSAGE = "Event object is invalid";
  /** PagerDuty's answer texts for a body that is not a JSON object (its OpenAPI error example). */
  public static final String UNRECOGNIZED_STATUS = "Unrecognized object";
  public static final String UNRECOGNIZED_MESSAGE = "Event object format is unrecognized";

  static final List<String> ACTIONS = List.of("trigger", "acknowledge", "resolve");
  static final List<String> LABEL_FIELDS = List.of("component", "group", "class");
  private static final Pattern OFFSET_HHMM = Pattern.compile("T.*([+-]\\d{2})(\\d{2})$");
  private static final Pattern OFFSET_HH = Pattern.compile("T.*[+-]\\d{2}$");

  /** The outcome of reading one body. */
  public sealed interface Result {
    /** The routing key the body carried (a usable string), or null. Never log or store it. */
    String routingKey();
  }

  /** A valid event, and the dedup_key to answer with (null for change events). */
  public record Valid(String routingKey, Event event, String dedupKey) implements Result {
    @Override
    public String toString() {
      return "Valid[event=" + event + "]";
    }
  }

  /** A refused body: PagerDuty's status and message, and one sentence per problem. */
  public record Invalid(String routingKey, String status, String message, List<String> errors)
      implements Result {
    public Invalid {
      errors = List.copyOf(errors);
    }

    @Override
    public String toString() {
      return "Invalid[status=" + status + ", errors=" + errors + "]";
    }
  }

  private final ObjectMapper mapper;
  private final Clock clock;

  public PagerDutyParser(ObjectMapper mapper, Clock clock) {
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Reads an alert event ({@code POST /v2/enqueue}). */
  public Result alert(byte[] body) {
    ObjectNode root;
    try {
      root = object(body);
    } catch (Unrecognized e) {
      return e.invalid;
    }
    List<String> errors = new ArrayList<>();
    String routingKey = routingKey(root, errors);

    String action = null;
    JsonNode a = root.get("event_action");
    if (a == null || a.isNull() || (a.isTextual() && a.textValue().isBlank())) {
      add(errors, "'event_action' is missing or blank");
    } else if (!a.isTextual()) {
      add(errors, "'event_action' must be a string, got " + kind(a));
    } else if (!ACTIONS.contains(a.textValue().trim().toLowerCase(Locale.ROOT))) {
      add(errors, "'event_action' is invalid (must be one of trigger, acknowledge, resolve; got \""
          + abbreviate(a.textValue()) + "\")");
    } else {
      action = a.textValue().trim().toLowerCase(Locale.ROOT);
    }
    boolean trigger = "trigger".equals(action);

    // Required for acknowledge/resolve; generated for a trigger without one (PagerDuty does so).
    String dedupKey = string(root, "dedup_key", "dedup_key", MAX_DEDUP_KEY,
        action != null && !trigger, errors);

    String source = null;
    String summary = null;
    Severity severity = null;
    Instant time = null;
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode p = root.get("payload");
    if (p == null || p.isNull()) {
      if (trigger) {
        add(errors, "'payload' is missing or blank");
      }
    } else if (!p.isObject()) {
      add(errors, "'payload' must be an object, got " + kind(p));
    } else {
      // For acknowledge/resolve the payload is optional: what is present is checked the same way.
      summary = string(p, "summary", "payload.summary", MAX_SUMMARY, trigger, errors);
      source = string(p, "source", "payload.source", MAX_SOURCE, trigger, errors);
      severity = severity(p, trigger, errors);
      time = timestamp(p, errors);
      for (String f : LABEL_FIELDS) {
        String v = string(p, f, "payload." + f, MAX_LABEL_VALUE, false, errors);
        if (v != null) {
          labels.put(f, v);
        }
      }
    }
    String client = string(root, "client", "client", MAX_LABEL_VALUE, false, errors);
    if (client != null) {
      labels.put("client", client);
    }
    string(root, "client_url", "client_url", Integer.MAX_VALUE, false, errors);
    contexts(root, "links", "href", errors);
    contexts(root, "images", "src", errors);

    if (!errors.isEmpty()) {
      return new Invalid(routingKey, INVALID_STATUS, INVALID_MESSAGE, errors);
    }
    if (dedupKey == null) {
      dedupKey = Ids.newId(clock);
    }
    String payload = payloadWithoutKey(root, errors);
    if (payload == null) {
      return new Invalid(routingKey, INVALID_STATUS, INVALID_MESSAGE, errors);
    }
    Event event = new Event(Ids.newId(clock), source == null ? DEFAULT_SOURCE : source,
        TYPE_PREFIX + action, time == null ? clock.instant() : time, severity, dedupKey, summary,
        labels, payload);
    return new Valid(routingKey, event, dedupKey);
  }

  /** Reads a change event ({@code POST /v2/change/enqueue}). */
  public Result change(byte[] body) {
    ObjectNode root;
    try {
      root = object(body);
    } catch (Unrecognized e) {
      return e.invalid;
    }
    List<String> errors = new ArrayList<>();
    String routingKey = routingKey(root, errors);
    String summary = null;
    String source = null;
    Instant time = null;
    JsonNode p = root.get("payload");
    if (p == null || p.isNull()) {
      add(errors, "'payload' is missing or blank");
    } else if (!p.isObject()) {
      add(errors, "'payload' must be an object, got " + kind(p));
    } else {
      summary = string(p, "summary", "payload.summary", MAX_SUMMARY, true, errors);
      source = string(p, "source", "payload.source", MAX_SOURCE, false, errors);
      time = timestamp(p, errors);
    }
    contexts(root, "links", "href", errors);
    if (!errors.isEmpty()) {
      return new Invalid(routingKey, INVALID_STATUS, INVALID_MESSAGE, errors);
    }
    String payload = payloadWithoutKey(root, errors);
    if (payload == null) {
      return new Invalid(routingKey, INVALID_STATUS, INVALID_MESSAGE, errors);
    }
    Event event = new Event(Ids.newId(clock), source == null ? DEFAULT_SOURCE : source,
        CHANGE_TYPE, time == null ? clock.instant() : time, null, null, summary, Map.of(),
        payload);
    return new Valid(routingKey, event, null);
  }

  /**
   * Parses an ISO 8601 timestamp as senders of PagerDuty events write it: with an offset in any of
   * the forms {@code Z}, {@code +00:00}, {@code +0000} (PagerDuty's own examples) or {@code +00},
   * a {@code T} or a space between date and time, any fraction of a second; without an offset it
   * is taken as UTC. Returns null when the text is not such a timestamp.
   */
  public static Instant parseTimestamp(String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim();
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    Matcher m = OFFSET_HHMM.matcher(s);
    if (m.find()) {
      s = s.substring(0, m.start(1)) + m.group(1) + ":" + m.group(2);
    } else if (OFFSET_HH.matcher(s).find()) {
      s = s + ":00";
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private ObjectNode object(byte[] body) {
    JsonNode root;
    try {
      root = EventParser.readTree(mapper, body);
    } catch (MalformedJsonException e) {
      throw new Unrecognized("JSON parse error: " + e.getMessage());
    }
    if (!root.isObject()) {
      throw new Unrecognized("JSON parse error: expected an event object, got " + kind(root));
    }
    return (ObjectNode) root;
  }

  private static String routingKey(JsonNode root, List<String> errors) {
    JsonNode k = root.get("routing_key");
    if (k == null || k.isNull() || (k.isTextual() && k.textValue().isBlank())) {
      add(errors, "'routing_key' cannot be blank");
      return null;
    }
    if (!k.isTextual()) {
      add(errors, "'routing_key' must be a string, got " + kind(k));
      return null;
    }
    return k.textValue().trim();
  }

  private static Severity severity(JsonNode payload, boolean required, List<String> errors) {
    String text = string(payload, "severity", "payload.severity", 64, required, errors);
    if (text == null) {
      return null;
    }
    Severity s = Severity.parse(text.trim()).orElse(null);
    if (s == null) {
      add(errors, "'payload.severity' is invalid (must be one of critical, error, warning, info;"
          + " got \"" + abbreviate(text) + "\")");
    }
    return s;
  }

  private static Instant timestamp(JsonNode payload, List<String> errors) {
    String text = string(payload, "timestamp", "payload.timestamp", MAX_TIMESTAMP, false, errors);
    if (text == null) {
      return null;
    }
    Instant t = parseTimestamp(text);
    if (t == null) {
      add(errors, "'payload.timestamp' is invalid (must be an ISO 8601 timestamp like"
          + " 2015-07-17T08:42:58.315+0000; got \"" + abbreviate(text) + "\")");
    }
    return t;
  }

  /** links and images: arrays of objects, each with its required URL field. */
  private static void contexts(JsonNode root, String field, String required, List<String> errors) {
    JsonNode arr = root.get(field);
    if (arr == null || arr.isNull()) {
      return;
    }
    if (!arr.isArray()) {
      add(errors, "'" + field + "' must be an array of objects, got " + kind(arr));
      return;
    }
    for (int i = 0; i < arr.size(); i++) {
      JsonNode item = arr.get(i);
      String path = field + "[" + i + "]";
      if (!item.isObject()) {
        add(errors, "'" + path + "' must be an object, got " + kind(item));
      } else {
        string(item, required, path + "." + required, Integer.MAX_VALUE, true, errors);
      }
    }
  }

  /** The whole body minus routing_key, as JSON text: the routing key is never stored. */
  private String payloadWithoutKey(ObjectNode root, List<String> errors) {
    ObjectNode copy = root.deepCopy();
    copy.remove("routing_key");
    try {
      return mapper.writeValueAsString(copy);
    } catch (JsonProcessingException e) {
      add(errors, "the event cannot be stored: " + e.getOriginalMessage());
      return null;
    }
  }

  /**
   * A string field: missing, null or blank is absent (an error when required); longer than
   * {@code max} is an error.
   */
  private static String string(JsonNode obj, String field, String path, int max, boolean required,
      List<String> errors) {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
      if (required) {
        add(errors, "'" + path + "' is missing or blank");
      }
      return null;
    }
    if (!v.isTextual()) {
      add(errors, "'" + path + "' must be a string, got " + kind(v));
      return null;
    }
    String s = v.textValue();
    if (s.length() > max) {
      add(errors, "Length of '" + path + "' is incorrect (must be at most " + max
          + " characters, got " + s.length() + ")");
      return null;
    }
    return s;
  }

  private static void add(List<String> errors, String error) {
    if (errors.size() < MAX_ERRORS) {
      errors.add(error);
    }
  }

  private static String kind(JsonNode n) {
    return EventParser.kind(n);
  }


  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** Internal: the body is not a JSON object. */
  private static final class Unrecognized extends RuntimeException {
    final Invalid invalid;

    Unrecognized(String error) {
      super(error, null, false, false);
      this.invalid = new Invalid(null, UNRECOGNIZED_STATUS, UNRECOGNIZED_MESSAGE, List.of(error));
    }
  }
}
