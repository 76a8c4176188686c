package dev.watchkeeper.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.watchkeeper.notify.Templates.Escape;
import org.junit.jupiter.api.Test;

/** Operators' templates: every value escaped for where it lands, whatever the template says. */
class TemplatesTest {
  static final Message M = Messages.dbDown("ann@example.com");
  final Templates t = new Templates(new Templates.Source(
      "[{{severity}}] {{title}} ({{service}})",
      "{{summary}}\nService: {{service}} · {{alerts}} alerts\n"
          + "{{#ack_url}}Acknowledge: {{ack_url}}{{/ack_url}}{{^ack_url}}no link{{/ack_url}}",
      "<p>{{title}}</p><a href=\"{{ack_url}}\">ack</a>"));

  @Test
  void subjectsAreOneLineWithTheirVariables() {
    assertThat(t.subject(M, Escape.LINE)).hasValue(
        "[critical] DB <primary> down & \"replica\" lagging *now* (payments-db)");
  }

  @Test
  void eachDestinationEscapesAlertText() {
    assertThat(t.body(M, Escape.TEXT).orElseThrow())
        .startsWith("Connection refused on 10.0.0.5:5432 <@here> & <!channel>\nline two")
        .contains("Service: payments-db · 3 alerts")
        .contains("Acknowledge: https://wk.example.com/a/42?sig=abc");
    assertThat(t.body(M, Escape.SLACK).orElseThrow())
        .contains("&lt;@here&gt; &amp; &lt;!channel&gt;").doesNotContain("<!channel>");
    assertThat(t.body(M, Escape.TEAMS).orElseThrow()).contains("10\\.0\\.0\\.5");
    assertThat(t.html(M).orElseThrow())
        .isEqualTo("<p>DB &lt;primary&gt; down &amp; &quot;replica&quot; lagging *now*</p>"
            + "<a href=\"https://wk.example.com/a/42?sig&#x3D;abc\">ack</a>");
  }

  @Test
  void aMissingLinkTakesTheInvertedSection() {
    Message noLinks = new Message(M.idempotencyKey(), M.userId(), M.address(), 42, "digest",
        null, null, null, "3 pages", "x", M.at(), null, null, null, java.util.Map.of());
    assertThat(t.body(noLinks, Escape.TEXT).orElseThrow()).endsWith("no link")
        .contains("Service:  ·  alerts");
  }

  @Test
  void unsetTemplatesLeaveTheBuiltInLayout() {
    assertThat(Templates.NONE.subject(M, Escape.LINE)).isEmpty();
    assertThat(Templates.NONE.body(M, Escape.TEXT)).isEmpty();
    assertThat(Templates.NONE.html(M)).isEmpty();
  }

  @Test
  void aBrokenTemplateIsRefusedWithItsName() {
    assertThatThrownBy(() -> new Templates(new Templates.Source(null, "{{#open}} never closed",
        null))).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("body: ");
  }
}
