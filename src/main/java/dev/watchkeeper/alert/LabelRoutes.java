package dev.watchkeeper.alert;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which service an event belongs to: the service of the integration key it arrived with, unless
 * one of that service's label routes matches the event's labels (the first match wins). Routes are
 * declared by the key's service, so a key can only hand events to the services its own config
 * names; routes do not chain (a routed event is not routed again by its new service's routes).
 *
 * <p>Pure and immutable: built once per config, shared by every thread.
 */
public final class LabelRoutes {
  /** No service routes anything: every event stays with its key's service. */
  public static final LabelRoutes NONE = new LabelRoutes(Map.of());

  /**
   * One route: every {@code match} label has exactly its value and every {@code matchRe} label
   * fully matches its pattern. A missing label counts as the empty string (as in Alertmanager).
   */
  public record Route(Map<String, String> match, Map<String, Pattern> matchRe, String service) {
    public Route {
      match = Map.copyOf(match);
      matchRe = Map.copyOf(matchRe);
      Objects.requireNonNull(service, "service");
      if (match.isEmpty() && matchRe.isEmpty()) {
        throw new IllegalArgumentException("a route must match at least one label");
      }
    }

    public boolean matches(Map<String, String> labels) {
      for (Map.Entry<String, String> m : match.entrySet()) {
        if (!m.getValue().equals(labels.getOrDefault(m.getKey(), ""))) {
          return false;
        }
      }
      for (Map.Entry<String, Pattern> m : matchRe.entrySet()) {
        if (!m.getValue().matcher(labels.getOrDefault(m.getKey(), "")).matches()) {
          return false;
        }
      }
      return true;
    }
  }

  private final Map<String, List<Route>> byService;

  /** @param byService each service's routes, in the order they are tried */
  public LabelRoutes(Map<String, List<Route>> byService) {
    this.byService = byService.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .collect(java.util.stream.Collectors.toUnmodifiableMap(
            Map.Entry::getKey, e -> List.copyOf(e.getValue())));
  }

  /** Whether events of this key's service can belong to another service at all. */
  public boolean routes(String keyService) {
    return byService.containsKey(keyService);
  }

  /** The target of the first route of {@code keyService} that matches, if any. */
  public Optional<String> match(String keyService, Map<String, String> labels) {
    for (Route r : byService.getOrDefault(keyService, List.of())) {
      if (r.matches(labels)) {
        return Optional.of(r.service());
      }
    }
    return Optional.empty();
  }

  /** The service an event with these labels belongs to: its first matching route's, else its key's. */
  public String serviceOf(String keyService, Map<String, String> labels) {
    return match(keyService, labels).orElse(keyService);
  }

  /**
   * The services an event of {@code keyService} can reach: its own first, then its routes' targets
   * in route order, each once. Where to look for an alert an event names only by its dedup key.
   */
  public List<String> reachable(String keyService) {
    Set<String> out = new LinkedHashSet<>();
    out.add(keyService);
    for (Route r : byService.getOrDefault(keyService, List.of())) {
      out.add(r.service());
    }
    return new ArrayList<>(out);
  }
}
