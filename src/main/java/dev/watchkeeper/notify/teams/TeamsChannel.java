package dev.watchkeeper.notify.teams;

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
 * Posts an Adaptive Card to a Microsoft Teams incoming webhook (or a Workflows webhook), wrapped
 * in the {@code {"type":"message","attachments":[...]}} envelope both accept: title, a fact set
 * (severity, service, urgency, incident), the summary, and {@code Action.OpenUrl} buttons for the
 * incident and the one-click acknowledge/resolve pages.
 *
 * <p>Threading: immutable; {@link #send} may run on several threads at once.
 */
public final class TeamsChannel implements Channel {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CARD_VERSION = "1.4";

  private final GuardedHttp http;

  private final Templates templates;

  public TeamsChannel(GuardedHttp http) {
    this(http, Templates.NONE);
  }

  /** With the operators' templates for the title ({@code subject}) and text ({@code body}). */
  public TeamsChannel(GuardedHttp http, Templates templates) {
    this.http = http;
    this.templates = templates;
  }

  @Override
  public ContactMethod.Type type() {
    return ContactMethod.Type.TEAMS;
  }

  @Override
  public Delivery send(Message message) {
    return Deliveries.of(
        http.post(message.address(), Map.of("Content-Type", "application/json; charset=utf-8"),
            payload(message, templates)),
        "teams", http.clock());
  }

  static byte[] payload(Message m) {
    return payload(m, Templates.NONE);
  }

  /**
   * Text blocks are Markdown in Teams: alert text is escaped ({@link Templates#teams}) so that
   * it cannot add a link ({@code [click](https://evil)}) or emphasis.
   */
  static byte[] payload(Message m, Templates templates) {
    ObjectNode root = JSON.createObjectNode().put("type", "message");
    ObjectNode attachment = root.putArray("attachments").addObject()
        .put("contentType", "application/vnd.microsoft.card.adaptive");
    attachment.putNull("contentUrl");
    ObjectNode card = attachment.putObject("content")
        .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
        .put("type", "AdaptiveCard")
        .put("version", CARD_VERSION);
    ArrayNode body = card.putArray("body");
    String title = m.title() == null ? "Incident #" + m.incidentId() : m.title();
    body.addObject().put("type", "TextBlock").put("text", templates.subject(m,
            Templates.Escape.TEAMS).orElse(Templates.teams(label(m.kind()) + ": " + title)))
        .put("weight", "Bolder").put("size", "Medium").put("wrap", true)
        .put("color", "critical".equals(m.severity()) || "error".equals(m.severity())
            ? "Attention" : "Default");
    ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
    fact(facts, "Severity", m.severity());
    fact(facts, "Service", m.service());
    fact(facts, "Urgency", m.urgency());
    fact(facts, "Incident", "#" + m.incidentId());
    String text = templates.body(m, Templates.Escape.TEAMS)
        .orElse(m.summary() == null ? null : Templates.teams(m.summary()));
    if (text != null && !text.isBlank()) {
      body.addObject().put("type", "TextBlock").put("text", text).put("wrap", true);
    }
    ArrayNode actions = JSON.createArrayNode();
    action(actions, "Acknowledge", m.ackUrl());
    action(actions, "Resolve", m.resolveUrl());
    action(actions, "Open incident", m.incidentUrl());
    if (!actions.isEmpty()) {
      card.set("actions", actions);
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write Teams payload", e);
    }
  }

  private static void fact(ArrayNode facts, String title, String value) {
    if (value != null && !value.isBlank()) {
      facts.addObject().put("title", title).put("value", Templates.teams(value));
    }
  }

  private static void action(ArrayNode actions, String title, String url) {
    String link = Links.httpOnly(url);
    if (link != null) {
      actions.addObject().put("type", "Action.OpenUrl").put("title", title).put("url", link);
    }
  }

  private static String label(String kind) {
    return kind == null || kind.isEmpty()
        ? "Incident" : Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
  }
}
