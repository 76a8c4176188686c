package dev.watchkeeper.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Alertmanager API v2 {@code postableAlerts} (what Prometheus sends), mapped onto the native
 * envelope:
 *
 * <ul>
 *   <li>the labels are the alert's identity (no dedup key: the label fingerprint is used);
 *   <li>{@code endsAt} at or before now means resolved: type {@code alertmanager.resolved}, time
 *       = endsAt; otherwise type {@code alertmanager.firing}, time = startsAt (or now);
 *   <li>severity comes from the {@code severity} label when it names one of ours (also
 *       {@code warn}, {@code page}, {@code high}, {@code none}); otherwise none is set;
 *   <li>summary = annotation {@code summary}, else {@code description}, else {@code alertname};
 *   <li>source = the {@code instance} label, else {@code job}, else {@code prometheus};
 *   <li>payload = annotations, generatorURL, startsAt, endsAt.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class AlertmanagerAlertsParser {
  /** Alertmanager's label name rule. */
  static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  static final Set<String> FIELDS =
      Set.of("labels", "annotations", "startsAt", "endsAt", "generatorURL");

  private final ObjectMapper mapper;
  private final Clock clock;

  public AlertmanagerAlertsParser(ObjectMapper mapper, Clock clock) {
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Parses a postableAlerts body; problems name the alert index and field. */
  public List<Event> parse(byte[] body, int maxEvents) {
    JsonNode root = EventParser.readTree(mapper, body);
    if (!root.isArray()) {
      throw new InvalidEventsException(
          List.of("expected a JSON array of alerts, got " + EventParser.kind(root)));
    }
    if (root.size() > maxEvents) {
      throw new InvalidEventsException(List.of(
          "too many alerts: " + root.size() + " in one request, the limit is " + maxEvents));
    }
    Instant now = clock.instant();
    List<String> problems = new ArrayList<>();
    List<Event> out = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      Event e = toEvent(root.get(i), "alerts[" + i + "]", now, problems);
      if (e != null) {
        out.add(e);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidEventsException(problems);
    }
    return out;
  }

  /**
   * One alert, validated, straight to an event (no native-shaped tree in between: building one
   * and parsing it again was a quarter of the request threads' time at one alert per request).
   */
  private Event toEvent(JsonNode a, String path, Instant now, List<String> problems) {
    int before = problems.size();
    if (!a.isObject()) {
      EventParser.add(problems, path + ": expected an object, got " + EventParser.kind(a));
      return null;
    }
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        EventParser.add(problems, path + "." + f + ": unknown field (known: labels, annotations,"
            + " startsAt, endsAt, generatorURL)");
      }
    }
    Map<String, String> labels = EventParser.labels(a.get("labels"), path + ".labels", problems);
    if (problems.size() == before && labels.isEmpty()) {
      EventParser.add(problems, path + ".labels: at least one label is required");
    }
    for (String name : labels.keySet()) {
      if (!LABEL_NAME.matcher(name).matches()) {
        EventParser.add(problems, path + ".labels: invalid label name \""
            + EventParser.abbreviate(name) + "\" (must match [a-zA-Z_][a-zA-Z0-9_]*)");
      }
    }
    Map<String, String> annotations =
        EventParser.labels(a.get("annotations"), path + ".annotations", problems);
    Instant startsAt = time(a, "startsAt", path, problems);
    Instant endsAt = time(a, "endsAt", path, problems);
    if (startsAt != null && endsAt != null && endsAt.isBefore(startsAt)) {
      EventParser.add(problems, path + ": start time must be before end time");
    }
    JsonNode gen = a.get("generatorURL");
    if (gen != null && !gen.isNull() && !gen.isTextual()) {
      EventParser.add(problems, path + ".generatorURL: expected a string, got "
          + EventParser.kind(gen));
    }
    if (problems.size() > before) {
      return null;
    }
    boolean resolved = endsAt != null && !endsAt.isAfter(now);
    // an instance label may be longer than an event source; Alertmanager takes it, so do we
    String source = cut(first(labels.get("instance"), labels.get("job"), "prometheus"),
        EventLimits.MAX_SOURCE);
    String summary = first(annotations.get("summary"), annotations.get("description"),
        labels.get("alertname"));
    return new Event(Ids.newId(clock), source,
        resolved ? "alertmanager.resolved" : "alertmanager.firing",
        resolved ? endsAt : (startsAt == null ? now : startsAt),
        severity(labels.get("severity")),
        null, summary == null ? null : cut(summary, EventLimits.MAX_SUMMARY), labels,
        payload(annotations, gen != null && gen.isTextual() ? gen.textValue() : null,
            startsAt, endsAt));
  }

  /** {@code {"annotations":{...},"generatorURL":...,"startsAt":...,"endsAt":...}} as text. */
  private String payload(Map<String, String> annotations, String generatorUrl, Instant startsAt,
      Instant endsAt) {
    StringWriter w = new StringWriter(128);
    try (JsonGenerator g = mapper.getFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeObjectFieldStart("annotations");
      for (Map.Entry<String, String> e : annotations.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      if (generatorUrl != null) {
        g.writeStringField("generatorURL", generatorUrl);
      }
      if (startsAt != null) {
        g.writeStringField("startsAt", startsAt.toString());
      }
      if (endsAt != null) {
        g.writeStringField("endsAt", endsAt.toString());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return w.toString();
  }

  private static String cut(String s, int max) {
    return s.length() > max ? s.substring(0, max) : s;
  }

  private static Instant time(JsonNode a, String field, String path, List<String> problems) {
    JsonNode v = a.get(field);
    if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
      return null;
    }
    if (!v.isTextual()) {
      EventParser.add(problems, path + "." + field + ": expected an RFC 3339 string, got "
          + EventParser.kind(v));
      return null;
    }
    try {
      Instant t = Rfc3339.parse(v.textValue());
      // Go's zero time (0001-01-01T00:00:00Z) means "not set" in Alertmanager's models.
      return t.getEpochSecond() < -62_000_000_000L ? null : t;
    } catch (DateTimeParseException e) {
      EventParser.add(problems, path + "." + field + ": not an RFC 3339 timestamp: \""
          + EventParser.abbreviate(v.textValue()) + "\"");
      return null;
    }
  }

  static Severity severity(String label) {
    if (label == null) {
      return null;
    }
    return switch (label.toLowerCase(java.util.Locale.ROOT)) {
      case "critical", "page", "p1" -> Severity.CRITICAL;
      case "error", "high", "major" -> Severity.ERROR;
      case "warning", "warn", "minor" -> Severity.WARNING;
      case "info", "none", "low" -> Severity.INFO;
      default -> null;
    };
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }
}
