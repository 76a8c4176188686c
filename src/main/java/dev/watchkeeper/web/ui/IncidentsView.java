package dev.watchkeeper.web.ui;

import dev.watchkeeper.incident.Incident;
import java.util.List;

/**
 * The incidents list page: one page of incidents (newest first) under the filters in force.
 *
 * @param state the filters in force (null: any), as given
 * @param services the services the viewer may filter by
 * @param next the URL of the next (older) page, or null on the last one
 * @param paged whether this is not the first page
 * @param since the newest timeline entry when the page was made: the live stream starts there
 */
public record IncidentsView(List<Incident> incidents, String state, String service,
    String severity, String priority, List<String> services, String next, boolean paged,
    long since) {

  public static final List<String> STATES = List.of("triggered", "acknowledged", "resolved");
  public static final List<String> SEVERITIES = List.of("critical", "error", "warning", "info");
  public static final List<String> PRIORITIES = List.of("P1", "P2", "P3", "P4", "P5");
}
