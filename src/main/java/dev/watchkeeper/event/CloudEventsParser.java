package dev.watchkeeper.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CloudEvents 1.0 over HTTP (structured, batch and binary content modes), mapped onto the native
 * envelope and validated by the same rules as native events:
 *
 * <ul>
 *   <li>{@code id}, {@code source}, {@code type}, {@code time} map to the same fields;
 *   <li>extensions {@code severity}, {@code dedupkey} and {@code summary} map to severity, dedup
 *       key and summary; without {@code summary}, the {@code subject} is the summary;
 *   <li>every other extension (and {@code subject}) becomes a label;
 *   <li>JSON data becomes the payload; other data is kept as {@code {"data": text}} for text
 *       types or {@code {"data_base64": ...}} otherwise.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class CloudEventsParser {
  public static final String STRUCTURED = "application/cloudevents+json";
  public static final String BATCH = "application/cloudevents-batch+json";

  private final ObjectMapper mapper;
  private final EventParser events;

  public CloudEventsParser(ObjectMapper mapper, EventParser events) {
    this.mapper = mapper.copy().registerModule(JsonFormat.getCloudEventJacksonModule());
    this.events = events;
  }

  /** Structured mode: the body is one CloudEvent in JSON. */
  public List<Event> structured(byte[] body) {
    JsonNode root = EventParser.readTree(mapper, body);
    if (!root.isObject()) {
      throw new InvalidEventsException(
          List.of("expected a CloudEvent object, got " + EventParser.kind(root)));
    }
    return events.parseNodes(List.of(toNative(decode(root, "event"))), "event");
  }

  /** Batch mode: the body is a JSON array of CloudEvents. */
  public List<Event> batch(byte[] body, int maxEvents) {
    JsonNode root = EventParser.readTree(mapper, body);
    if (!root.isArray()) {
      throw new InvalidEventsException(
          List.of("expected a JSON array of CloudEvents, got " + EventParser.kind(root)));
    }
    if (root.isEmpty()) {
      throw new InvalidEventsException(List.of("the array holds no events"));
    }
    if (root.size() > maxEvents) {
      throw new InvalidEventsException(List.of(
          "too many events: " + root.size() + " in one request, the limit is " + maxEvents));
    }
    List<String> problems = new ArrayList<>();
    List<ObjectNode> nodes = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      try {
        nodes.add(toNative(decode(root.get(i), "events[" + i + "]")));
      } catch (InvalidEventsException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidEventsException(problems);
    }
    return events.parseNodes(nodes, "events");
  }

  /**
   * Binary mode: attributes in {@code ce-*} headers (already lower-cased names without the
   * prefix), the body is the data.
   */
  public List<Event> binary(Map<String, String> ceHeaders, String contentType, byte[] body) {
    List<String> problems = new ArrayList<>();
    String spec = ceHeaders.get("specversion");
    SpecVersion version = null;
    try {
      version = SpecVersion.parse(spec);
    } catch (RuntimeException e) {
      problems.add("ce-specversion: unsupported CloudEvents version \"" + spec + "\" (use 1.0)");
    }
    for (String required : List.of("id", "source", "type")) {
      if (ceHeaders.get(required) == null || ceHeaders.get(required).isBlank()) {
        problems.add("ce-" + required + ": required header is missing");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidEventsException(problems);
    }
    CloudEventBuilder b = CloudEventBuilder.fromSpecVersion(version);
    for (Map.Entry<String, String> h : ceHeaders.entrySet()) {
      String name = h.getKey();
      String value = h.getValue();
      try {
        switch (name) {
          case "specversion" -> { }
          case "id" -> b.withId(value);
          case "source" -> b.withSource(new URI(value));
          case "type" -> b.withType(value);
          case "subject" -> b.withSubject(value);
          case "dataschema" -> b.withDataSchema(new URI(value));
          case "time" -> b.withTime(OffsetDateTime.parse(value));
          default -> b.withExtension(name, value);
        }
      } catch (URISyntaxException e) {
        problems.add("ce-" + name + ": not a URI reference: " + e.getReason());
      } catch (DateTimeParseException e) {
        problems.add("ce-time: not an RFC 3339 timestamp: \"" + EventParser.abbreviate(value)
            + "\"");
      } catch (RuntimeException e) {
        problems.add("ce-" + name + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidEventsException(problems);
    }
    if (body.length > 0) {
      b.withData(contentType, body);
    }
    CloudEvent ce;
    try {
      ce = b.build();
    } catch (RuntimeException e) {
      throw new InvalidEventsException(List.of("CloudEvent: " + e.getMessage()));
    }
    return events.parseNodes(List.of(toNative(ce)), "event");
  }

  private CloudEvent decode(JsonNode node, String path) {
    try {
      return mapper.treeToValue(node, CloudEvent.class);
    } catch (Exception e) {
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int nl = msg.indexOf('\n');
      throw new InvalidEventsException(
          List.of(path + ": not a valid CloudEvent: " + (nl > 0 ? msg.substring(0, nl) : msg)));
    }
  }

  private ObjectNode toNative(CloudEvent ce) {
    ObjectNode n = mapper.createObjectNode();
    n.put("id", ce.getId());
    n.put("source", ce.getSource() == null ? null : ce.getSource().toString());
    n.put("type", ce.getType());
    if (ce.getTime() != null) {
      n.put("time", ce.getTime().toString());
    }
    ObjectNode labels = mapper.createObjectNode();
    String summary = null;
    for (String ext : ce.getExtensionNames()) {
      Object v = ce.getExtension(ext);
      String value = v == null ? null : v.toString();
      switch (ext.toLowerCase(Locale.ROOT)) {
        case "severity" -> n.put("severity", value);
        case "dedupkey" -> n.put("dedup_key", value);
        case "summary" -> summary = value;
        default -> labels.put(ext, value);
      }
    }
    if (ce.getSubject() != null) {
      labels.put("subject", ce.getSubject());
      if (summary == null) {
        summary = ce.getSubject();
      }
    }
    if (summary != null) {
      n.put("summary", summary);
    }
    if (!labels.isEmpty()) {
      n.set("labels", labels);
    }
    CloudEventData data = ce.getData();
    if (data != null) {
      byte[] bytes = data.toBytes();
      String ct = ce.getDataContentType();
      if (ct == null || isJson(ct)) {
        try {
          n.set("payload", mapper.readTree(bytes));
        } catch (Exception e) {
          throw new InvalidEventsException(
              List.of("data: the content type says JSON but the data is not valid JSON"));
        }
      } else if (ct.toLowerCase(Locale.ROOT).startsWith("text/")) {
        n.set("payload", mapper.createObjectNode()
            .put("data", new String(bytes, StandardCharsets.UTF_8)).put("datacontenttype", ct));
      } else {
        n.set("payload", mapper.createObjectNode()
            .put("data_base64", Base64.getEncoder().encodeToString(bytes))
            .put("datacontenttype", ct));
      }
    }
    return n;
  }

  private static boolean isJson(String contentType) {
    String ct = contentType.toLowerCase(Locale.ROOT);
    int semi = ct.indexOf(';');
    if (semi >= 0) {
      ct = ct.substring(0, semi).trim();
    }
    return ct.equals("application/json") || ct.endsWith("+json") || ct.equals("text/json");
  }
}
