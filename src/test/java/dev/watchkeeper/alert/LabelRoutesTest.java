package dev.watchkeeper.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LabelRoutesTest {
  static final LabelRoutes ROUTES = new LabelRoutes(Map.of(
      "gateway", List.of(
          new LabelRoutes.Route(Map.of("team", "db", "env", "prod"), Map.of(), "db-prod"),
          new LabelRoutes.Route(Map.of("team", "db"), Map.of(), "db"),
          new LabelRoutes.Route(Map.of(), Map.of("team", Pattern.compile("web|frontend")), "web"),
          new LabelRoutes.Route(Map.of(), Map.of("service", Pattern.compile(".*")), "catchall")),
      "db", List.of()));

  @Test
  void eventWithoutMatchingLabelsStaysWithItsKeysService() {
    assertThat(ROUTES.serviceOf("gateway", Map.of("team", "payments", "service", "x")))
        .isEqualTo("catchall");
    assertThat(ROUTES.serviceOf("db", Map.of("team", "web"))).isEqualTo("db");
    assertThat(ROUTES.serviceOf("unknown", Map.of("team", "db"))).isEqualTo("unknown");
    assertThat(LabelRoutes.NONE.serviceOf("gateway", Map.of("team", "db"))).isEqualTo("gateway");
  }

  @Test
  void firstMatchingRouteWinsAndEveryMatchLabelMustBeEqual() {
    assertThat(ROUTES.serviceOf("gateway", Map.of("team", "db", "env", "prod")))
        .isEqualTo("db-prod");
    assertThat(ROUTES.serviceOf("gateway", Map.of("team", "db", "env", "staging")))
        .isEqualTo("db");
  }

  @Test
  void regularExpressionsMustMatchTheWholeValue() {
    assertThat(ROUTES.serviceOf("gateway", Map.of("team", "frontend"))).isEqualTo("web");
    // "frontend-2" is not web's: the next route (any service label) takes it
    assertThat(ROUTES.serviceOf("gateway", Map.of("team", "frontend-2"))).isEqualTo("catchall");
  }

  @Test
  void aMissingLabelCountsAsEmptyLikeInAlertmanager() {
    // `service: .*` matches an event without a service label; `team: db` needs the label.
    assertThat(ROUTES.serviceOf("gateway", Map.of())).isEqualTo("catchall");
    assertThat(new LabelRoutes(Map.of("a", List.of(
        new LabelRoutes.Route(Map.of("team", ""), Map.of(), "b")))).serviceOf("a", Map.of()))
        .isEqualTo("b");
  }

  @Test
  void reachableIsTheKeysServiceThenEachTargetOnceInRouteOrder() {
    assertThat(ROUTES.reachable("gateway"))
        .containsExactly("gateway", "db-prod", "db", "web", "catchall");
    assertThat(ROUTES.reachable("db")).containsExactly("db");
    assertThat(ROUTES.routes("gateway")).isTrue();
    assertThat(ROUTES.routes("db")).isFalse();
  }

  @Test
  void aRouteWithoutAnyLabelIsRefused() {
    assertThatThrownBy(() -> new LabelRoutes.Route(Map.of(), Map.of(), "db"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
