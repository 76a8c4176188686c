package dev.watchkeeper.notify;

import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operators' own notification templates ({@code notifications.templates}), in Mustache:
 * {@code subject} (email subject; the title of ntfy, Slack and Teams messages), {@code body}
 * (email text part; ntfy body; the Slack and Teams message text) and {@code html} (email HTML
 * part). A template that is not set leaves the channel's built-in layout in place.
 *
 * <p>Every value is escaped for where it lands: HTML entities in {@code html}; Slack's
 * {@code & < >} in Slack text; Markdown punctuation in Teams text; line breaks removed from
 * subjects. An alert's text therefore cannot add markup, links or mentions, whatever the
 * template. Variables: {@code kind title summary service severity urgency incident_id
 * incident_url ack_url resolve_url at}, and the message's fields (e.g. {@code pages}).
 *
 * <p>Threading: immutable; compiled once.
 */
public final class Templates {

  /** How values are escaped for one destination. */
  public enum Escape {
    /** Plain text (email text part, ntfy body): no markup to escape. */
    TEXT,
    /** One line: line breaks become spaces (subjects, titles). */
    LINE,
    /** HTML entities (email HTML part). */
    HTML,
    /** Slack mrkdwn: {@code & < >} as entities, so no {@code <!channel>} or disguised link. */
    SLACK,
    /** Teams (Adaptive Card) Markdown: punctuation backslash-escaped, so no link or emphasis. */
    TEAMS
  }

  /** The sources as configured; null entries are not set. */
  public record Source(String subject, String body, String html) {
    public static final Source NONE = new Source(null, null, null);
  }

  public static final Templates NONE = new Templates(Source.NONE);

  private final Source source;
  private final Map<Escape, Template> subjects = new HashMap<>();
  private final Map<Escape, Template> bodies = new HashMap<>();
  private final Template html;

  /** @throws IllegalArgumentException with the template's name and the parser's reason */
  public Templates(Source source) {
    this.source = source;
    for (Escape e : Escape.values()) {
      if (source.subject() != null) {
        subjects.put(e, compile("subject", source.subject(), e == Escape.TEXT ? Escape.LINE : e));
      }
      if (source.body() != null) {
        bodies.put(e, compile("body", source.body(), e));
      }
    }
    this.html = source.html() == null ? null : compile("html", source.html(), Escape.HTML);
  }

  public Source source() {
    return source;
  }

  /** The subject for {@code m}, escaped as {@code e} (and on one line), if a template is set. */
  public Optional<String> subject(Message m, Escape e) {
    Template t = subjects.get(e);
    return t == null ? Optional.empty()
        : Optional.of(t.execute(values(m)).replaceAll("[\\r\\n]+", " ").strip());
  }

  public Optional<String> body(Message m, Escape e) {
    Template t = bodies.get(e);
    return t == null ? Optional.empty() : Optional.of(t.execute(values(m)));
  }

  public Optional<String> html(Message m) {
    return html == null ? Optional.empty() : Optional.of(html.execute(values(m)));
  }

  private static Template compile(String name, String text, Escape e) {
    try {
      return Mustache.compiler().defaultValue("").emptyStringIsFalse(true)
          .withEscaper(escaper(e)).compile(text);
    } catch (MustacheException ex) {
      throw new IllegalArgumentException(name + ": " + ex.getMessage(), ex);
    }
  }

  private static Mustache.Escaper escaper(Escape e) {
    return switch (e) {
      case TEXT -> Escapers.NONE;
      case LINE -> text -> text.replaceAll("[\\r\\n]+", " ");
      case HTML -> Escapers.HTML;
      case SLACK -> text -> text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
      case TEAMS -> Templates::teams;
    };
  }

  /** Backslash-escapes the punctuation Markdown gives meaning to (CommonMark allows all). */
  public static String teams(String text) {
    StringBuilder b = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\`*_{}[]()<>#+-.!|~".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private static Map<String, Object> values(Message m) {
    Map<String, Object> v = new HashMap<>(m.fields());
    v.put("kind", m.kind());
    v.put("title", m.title());
    v.put("summary", m.summary());
    v.put("service", m.service());
    v.put("severity", m.severity());
    v.put("urgency", m.urgency());
    v.put("incident_id", Long.toString(m.incidentId()));
    v.put("incident_url", m.incidentUrl());
    v.put("ack_url", m.ackUrl());
    v.put("resolve_url", m.resolveUrl());
    v.put("at", m.at() == null ? null : m.at().toString());
    v.values().removeIf(java.util.Objects::isNull);
    return v;
  }
}
