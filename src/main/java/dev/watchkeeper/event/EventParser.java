package dev.watchkeeper.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the native events format: one JSON object, or an array of them. Reports every field
 * problem with its path ({@code events[2].severity}), up to {@link EventLimits#MAX_REPORTED_ERRORS}.
 *
 * <p>Thread-safe.
 */
public final class EventParser {
  static final Set<String> FIELDS =
      Set.of("id", "source", "type", "time", "severity", "dedup_key", "summary", "labels", "payload");

  private final ObjectMapper mapper;
  private final Clock clock;

  public EventParser(ObjectMapper mapper, Clock clock) {
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Reads JSON text into a tree, turning syntax errors into {@link MalformedJsonException}. */
  public static JsonNode readTree(ObjectMapper mapper, byte[] body) {
    if (body.length == 0) {
      throw new MalformedJsonException("the body is empty", 1, 1);
    }
    try (JsonParser p = mapper.createParser(body)) {
      JsonNode node = mapper.readTree(p);
      if (node == null || node.isMissingNode()) {
        throw new MalformedJsonException("the body is empty", 1, 1);
      }
      if (p.nextToken() != null) {
        JsonLocation loc = p.currentLocation();
        throw new MalformedJsonException("unexpected data after the JSON value",
            loc.getLineNr(), loc.getColumnNr());
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      int line = loc == null ? 1 : loc.getLineNr();
      int col = loc == null ? 1 : loc.getColumnNr();
      throw new MalformedJsonException(e.getOriginalMessage(), line, col);
    } catch (IOException e) {
      throw new MalformedJsonException(e.getMessage(), 1, 1);
    }
  }

  /** Parses a native request body into events; ids are generated where none was given. */
  public List<Event> parse(byte[] body, int maxEvents) {
    JsonNode root = readTree(mapper, body);
    List<String> problems = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    if (root.isArray()) {
      if (root.isEmpty()) {
        throw new InvalidEventsException(List.of("the array holds no events"));
      }
      if (root.size() > maxEvents) {
        throw new InvalidEventsException(List.of(
            "too many events: " + root.size() + " in one request, the limit is " + maxEvents));
      }
      for (int i = 0; i < root.size(); i++) {
        Event e = parseOne(root.get(i), "events[" + i + "]", problems);
        if (e != null) {
          events.add(e);
        }
      }
    } else if (root.isObject()) {
      Event e = parseOne(root, "event", problems);
      if (e != null) {
        events.add(e);
      }
    } else {
      throw new InvalidEventsException(
          List.of("expected an event object or an array of events, got " + kind(root)));
    }
    if (!problems.isEmpty()) {
      throw new InvalidEventsException(problems);
    }
    return events;
  }

  /**
   * Validates native-shaped event objects built by another ingest format (CloudEvents); paths are
   * {@code prefix[i]}, or just {@code prefix} for a single node.
   */
  public List<Event> parseNodes(List<? extends JsonNode> nodes, String prefix) {
    List<String> problems = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String path = nodes.size() == 1 && !prefix.endsWith("s") ? prefix : prefix + "[" + i + "]";
      Event e = parseOne(nodes.get(i), path, problems);
      if (e != null) {
        events.add(e);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidEventsException(problems);
    }
    return events;
  }

  private Event parseOne(JsonNode node, String path, List<String> problems) {
    int before = problems.size();
    if (!node.isObject()) {
      add(problems, path + ": expected an object, got " + kind(node));
      return null;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        add(problems, path + "." + f + ": unknown field (known: id, source, type, time, severity,"
            + " dedup_key, summary, labels, payload)");
      }
    }
    String id = text(node, "id", path, EventLimits.MAX_ID, false, problems);
    String source = text(node, "source", path, EventLimits.MAX_SOURCE, true, problems);
    String type = text(node, "type", path, EventLimits.MAX_TYPE, true, problems);
    String dedupKey = text(node, "dedup_key", path, EventLimits.MAX_DEDUP_KEY, false, problems);
    String summary = text(node, "summary", path, EventLimits.MAX_SUMMARY, false, problems);
    String timeText = text(node, "time", path, 64, false, problems);
    Instant time = clock.instant();
    if (timeText != null) {
      try {
        time = Rfc3339.parse(timeText);
      } catch (DateTimeParseException e) {
        add(problems, path + ".time: not an RFC 3339 timestamp (like 2026-11-23T09:30:00Z): \""
            + abbreviate(timeText) + "\"");
      }
    }
    String severityText = text(node, "severity", path, 32, false, problems);
    Severity severity = null;
    if (severityText != null) {
      severity = Severity.parse(severityText).orElse(null);
      if (severity == null) {
        add(problems, path + ".severity: must be one of critical, error, warning, info; got \""
            + abbreviate(severityText) + "\"");
      }
    }
    Map<String, String> labels = labels(node.get("labels"), path + ".labels", problems);
    String payload = null;
    JsonNode p = node.get("payload");
    if (p != null && !p.isNull()) {
      try {
        payload = mapper.writeValueAsString(p);
      } catch (JsonProcessingException e) {
        add(problems, path + ".payload: cannot be stored: " + e.getOriginalMessage());
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new Event(id == null ? Ids.newId(clock) : id, source, type, time, severity, dedupKey,
        summary, labels, payload);
  }

  /** Reads a label map: string keys to string values, within the limits. */
  public static Map<String, String> labels(JsonNode node, String path, List<String> problems) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return labels;
    }
    if (!node.isObject()) {
      add(problems, path + ": expected an object of string values, got " + kind(node));
      return labels;
    }
    if (node.size() > EventLimits.MAX_LABELS) {
      add(problems, path + ": " + node.size() + " labels, the limit is " + EventLimits.MAX_LABELS);
      return labels;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.isEmpty() || name.length() > EventLimits.MAX_LABEL_NAME) {
        add(problems, path + ": label name must be 1 to " + EventLimits.MAX_LABEL_NAME
            + " characters: \"" + abbreviate(name) + "\"");
      } else if (!v.isTextual()) {
        add(problems, path + "." + name + ": expected a string, got " + kind(v));
      } else if (v.textValue().length() > EventLimits.MAX_LABEL_VALUE) {
        add(problems, path + "." + name + ": longer than " + EventLimits.MAX_LABEL_VALUE
            + " characters");
      } else {
        labels.put(name, v.textValue());
      }
    }
    return labels;
  }

  private static String text(
      JsonNode obj, String field, String path, int max, boolean required, List<String> problems) {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        add(problems, path + "." + field + ": required");
      }
      return null;
    }
    if (!v.isTextual()) {
      add(problems, path + "." + field + ": expected a string, got " + kind(v));
      return null;
    }
    String s = v.textValue();
    if (required && s.isBlank()) {
      add(problems, path + "." + field + ": must not be empty");
      return null;
    }
    if (s.length() > max) {
      add(problems, path + "." + field + ": longer than " + max + " characters (" + s.length()
          + ")");
      return null;
    }
    return s;
  }

  static void add(List<String> problems, String problem) {
    if (problems.size() < EventLimits.MAX_REPORTED_ERRORS) {
      problems.add(problem);
    }
  }

  /** How a JSON value is named in error messages: "an object", "a string", ... */
  public static String kind(JsonNode n) {
    if (n.isObject()) {
      return "an object";
    } else if (n.isArray()) {
      return "an array";
    } else if (n.isTextual()) {
      return "a string";
    } else if (n.isNumber()) {
      return "a number";
    } else if (n.isBoolean()) {
      return "a boolean";
    } else if (n.isNull()) {
      return "null";
    }
    return n.getNodeType().toString().toLowerCase();
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** Creates an empty object node (used by other ingest formats to build payloads). */
  public ObjectNode newObject() {
    return mapper.createObjectNode();
  }
}
