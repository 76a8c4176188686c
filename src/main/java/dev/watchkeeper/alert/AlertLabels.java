package dev.watchkeeper.alert;

import java.util.Map;

/**
 * An alert's identity and labels: all that silences and inhibition rules look at.
 *
 * @param fingerprint the alert's identity within its service
 */
public record AlertLabels(String service, String fingerprint, Map<String, String> labels) {
  public AlertLabels {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
