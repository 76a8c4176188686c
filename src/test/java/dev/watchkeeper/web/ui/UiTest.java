package dev.watchkeeper.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UiTest {
  @Test
  void onlyAbsoluteHttpUrlsWithAHostBecomeLinks() {
    assertThat(Ui.isHttpUrl("https://prometheus.example.com/graph?g0.expr=up%3D%3D0")).isTrue();
    assertThat(Ui.isHttpUrl("http://10.0.0.1:9090/alerts")).isTrue();
    assertThat(Ui.isHttpUrl("HTTPS://EXAMPLE.COM/")).isTrue();
    for (String bad : new String[] {null, "", "javascript:alert(1)", "JavaScript:alert(1)",
        " javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>x</script>",
        "vbscript:msgbox(1)", "//evil.example/x", "/incidents/1", "https:///nohost",
        "https://example.com/a b", "https://example.com/\"onmouseover=\"x", "mailto:a@b.c",
        "https://example.com/\u0000", "ftp://example.com/x", "https://" + "a".repeat(5000)}) {
      assertThat(Ui.isHttpUrl(bad)).as(String.valueOf(bad)).isFalse();
    }
  }

  @Test
  void formsOnlyGoBackToIncidentPagesOfThisServer() {
    assertThat(UiRoutes.back("/incidents?state=triggered", "/x")).isEqualTo(
        "/incidents?state=triggered");
    assertThat(UiRoutes.back("/incidents/7", "/x")).isEqualTo("/incidents/7");
    for (String bad : new String[] {null, "", "https://evil.example/incidents",
        "//evil.example/incidents", "/incidents//evil", "/\\evil.example", "/login",
        "/incidentsX", "/incidents/\r\nSet-Cookie: x=1"}) {
      assertThat(UiRoutes.back(bad, "/fallback")).as(String.valueOf(bad)).isEqualTo("/fallback");
    }
  }
}
