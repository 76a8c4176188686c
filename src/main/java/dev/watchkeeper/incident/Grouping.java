package dev.watchkeeper.incident;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How alerts of a service are grouped into incidents: alerts with equal values of the {@code by}
 * labels join the same open incident if it was opened within {@code window}; later ones open a
 * new incident. An empty {@code by} groups by service only. An alert that fires again within
 * {@code reopenWindow} after its incident resolved re-opens that incident (0 = never).
 */
public record Grouping(List<String> by, Duration window, Duration reopenWindow) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  public static final Grouping DEFAULT = new Grouping(List.of(), DEFAULT_WINDOW, Duration.ZERO);

  public Grouping {
    by = List.copyOf(by);
  }

  /** The group key of an alert's labels, e.g. {@code alertname=Down,job=api}. */
  public String key(Map<String, String> labels) {
    StringBuilder sb = new StringBuilder();
    for (String name : by) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(name).append('=').append(labels.getOrDefault(name, ""));
    }
    return sb.toString();
  }
}
