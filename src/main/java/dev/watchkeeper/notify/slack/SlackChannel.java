package dev.watchkeeper.notify.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchkeeper.notify.Channel;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.Templates;
import dev.watchkeeper.notify.net.Deliveries;
import dev.watchkeeper.notify.net.GuardedHttp;
import dev.watchkeeper.notify.net.Links;
import dev.watchkeeper.people.ContactMethod;
import java.util.Map;

/**
 * Posts a Block Kit message to a Slack incoming webhook (the contact method's address): a header
 * with the title, fields for severity, service and urgency, the summary, and buttons linking to
 * the incident and the one-click acknowledge/resolve pages.
 *
 * <p>Alert text goes into {@code mrkdwn} only after {@link #escape}: Slack reads {@code <...>} as
 * links and mentions ({@code <!channel>}), so an alert must not be able to ping a channel or
 * disguise a link. Headers and button labels are {@code plain_text}, which Slack does not parse.
 *
 * <p>Threading: immutable; {@link #send} may run on several threads at once.
 */
public final class SlackChannel implements Channel {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HEADER_MAX = 150;
  private static final int SECTION_MAX = 3000;
  private static final int FIELD_MAX = 2000;

  private final GuardedHttp http;
  private final Templates templates;

  public SlackChannel(GuardedHttp http) {
    this(http, Templates.NONE);
  }

  /** With the operators' templates for the header ({@code subject}) and text ({@code body}). */
  public SlackChannel(GuardedHttp http, Templates templates) {
    this.http = http;
    this.templates = templates;
  }

  @Override
  public ContactMethod.Type type() {
    return ContactMethod.Type.SLACK;
  }

  @Override
  public Delivery send(Message message) {
    return Deliveries.of(
        http.post(message.address(), Map.of("Content-Type", "application/json; charset=utf-8"),
            payload(message, templates)),
        "slack", http.clock());
  }

  /** Slack mrkdwn escaping: the three characters Slack requires as entities. */
  static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static byte[] payload(Message m) {
    return payload(m, Templates.NONE);
  }

  static byte[] payload(Message m, Templates templates) {
    ObjectNode root = JSON.createObjectNode();
    String title = m.title() == null ? "Incident #" + m.incidentId() : m.title();
    String headline = templates.subject(m, Templates.Escape.LINE)
        .orElse(kindLabel(m.kind()) + ": " + title);
    root.put("text", escape(headline)); // notification fallback, mrkdwn
    ArrayNode blocks = root.putArray("blocks");

    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text")
        .put("text", cut(headline, HEADER_MAX));
    var body = templates.body(m, Templates.Escape.SLACK);
    if (body.isPresent()) {
      if (!body.get().isBlank()) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
            .put("text", cut(body.get(), SECTION_MAX));
      }
      actions(blocks, m);
      return write(root);
    }

    ObjectNode facts = blocks.addObject().put("type", "section");
    ArrayNode fields = facts.putArray("fields");
    field(fields, "Severity", m.severity());
    field(fields, "Service", m.service());
    field(fields, "Urgency", m.urgency());
    field(fields, "Incident", "#" + m.incidentId());

    if (m.summary() != null && !m.summary().isBlank()) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
          .put("text", cut(escape(m.summary()), SECTION_MAX));
    }

    actions(blocks, m);
    return write(root);
  }

  private static void actions(ArrayNode blocks, Message m) {
    ObjectNode actions = JSON.createObjectNode().put("type", "actions");
    ArrayNode buttons = actions.putArray("elements");
    button(buttons, "ack", "Acknowledge", m.ackUrl(), "primary");
    button(buttons, "resolve", "Resolve", m.resolveUrl(), "danger");
    button(buttons, "open", "Open incident", m.incidentUrl(), null);
    if (!buttons.isEmpty()) {
      blocks.add(actions);
    }
  }

  private static byte[] write(ObjectNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write Slack payload", e);
    }
  }

  private static void field(ArrayNode fields, String label, String value) {
    if (value != null && !value.isBlank()) {
      fields.addObject().put("type", "mrkdwn")
          .put("text", cut("*" + label + "*\n" + escape(value), FIELD_MAX));
    }
  }

  private static void button(ArrayNode buttons, String id, String label, String url, String style) {
    String link = Links.httpOnly(url);
    if (link == null || link.length() > 3000) {
      return;
    }
    ObjectNode b = buttons.addObject().put("type", "button").put("action_id", id).put("url", link);
    b.putObject("text").put("type", "plain_text").put("text", label);
    if (style != null) {
      b.put("style", style);
    }
  }

  static String kindLabel(String kind) {
    if (kind == null) {
      return "Incident";
    }
    return switch (kind) {
      case "triggered" -> "Triggered";
      case "escalated" -> "Escalated";
      case "acknowledged" -> "Acknowledged";
      case "resolved" -> "Resolved";
      case "digest" -> "Digest";
      default -> "Incident";
    };
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
