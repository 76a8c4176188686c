package dev.watchkeeper.web.ui;

import java.util.List;

/**
 * What the layout around every page needs: the title, the section the page belongs to (for the
 * navigation), who is logged in (null on pages shown without a login) and the CSRF token their
 * forms carry (null for API-token callers, which need none), and whether they are an admin of
 * every team (the audit log's entry is shown to them only). Public because the compiled templates
 * (another package) read it.
 */
public record Chrome(String title, String section, String user, String csrf,
    Assets.Urls assets, boolean globalAdmin) {

  /** One entry of the navigation; {@code path} null while the page does not exist yet. */
  public record NavItem(String section, String label, String path) {}

  /** The navigation, in order. A new page sets its path here (see README.md). */
  public static final List<NavItem> NAV = List.of(
      new NavItem("incidents", "Incidents", "/incidents"),
      new NavItem("oncall", "On call", "/oncall"),
      new NavItem("services", "Services", "/services"),
      new NavItem("checks", "Checks", "/checks"),
      new NavItem("silences", "Silences", "/silences"),
      new NavItem("dead-letters", "Dead letters", "/dead-letters"),
      new NavItem("audit", "Audit", "/audit"));

  /** The entries this user may open: the audit log is for admins of every team. */
  public List<NavItem> nav() {
    return globalAdmin ? NAV : NAV.stream().filter(i -> !i.section().equals("audit")).toList();
  }
}
