package dev.watchkeeper.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchkeeper.check.probe.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A probe written as in the config file's {@code checks.list[].probe} (the same keys, rules and
 * messages), read from a JSON body of the checks API or from the database, and written back.
 */
public final class ProbeDefinition {
  private ProbeDefinition() {}

  /** A probe, or every problem of the definition (each prefixed with its path). */
  public record Parsed(Probe probe, List<String> errors) {}

  /**
   * Binds a definition. {@code ${...}} is not substituted from the environment (an API caller
   * must not read the server's variables): such a value is reported as a problem.
   */
  public static Parsed parse(JsonNode definition, String path) {
    Problems problems = new Problems(name -> null);
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set(path, definition);
    ConfigNode top = ConfigNode.root(root, problems, path);
    Probe probe = null;
    if (top != null) {
      probe = ChecksConfigLoader.probe(top.map(path, ChecksConfigLoader.PROBE_KEYS), problems);
    }
    List<String> errors = new ArrayList<>();
    problems.errors.forEach(e -> errors.add(e.toString()));
    return new Parsed(errors.isEmpty() ? probe : null, errors);
  }

  /** The definition of a probe, as {@link #parse} reads it. */
  public static ObjectNode json(Probe p) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put(p.type().wire(), p.target());
    n.put("interval", ConfigNode.show(p.interval()));
    n.put("timeout", ConfigNode.show(p.timeout()));
    n.put("retries", p.retries());
    n.put("failure_threshold", p.failureThreshold());
    n.put("success_threshold", p.successThreshold());
    if (p.type() == Probe.Type.HTTP) {
      n.put("method", p.method());
      if (!p.headers().isEmpty()) {
        ObjectNode h = n.putObject("headers");
        for (Map.Entry<String, String> e : p.headers().entrySet()) {
          h.put(e.getKey(), e.getValue());
        }
      }
      if (!p.expectedStatus().isEmpty()) {
        var a = n.putArray("expected_status");
        p.expectedStatus().forEach(a::add);
      }
      if (p.bodyContains() != null) {
        n.put("body_contains", p.bodyContains());
      }
      if (p.jsonPath() != null) {
        n.put("json_path", p.jsonPath());
      }
      if (p.jsonEquals() != null) {
        n.put("json_equals", p.jsonEquals());
      }
    }
    if (p.maxLatency() != null) {
      n.put("max_latency", ConfigNode.show(p.maxLatency()));
    }
    if (p.type() == Probe.Type.TLS) {
      n.put("warn_days", p.warnDays());
    }
    return n;
  }
}
