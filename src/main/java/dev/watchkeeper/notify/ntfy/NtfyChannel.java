package dev.watchkeeper.notify.ntfy;

import dev.watchkeeper.notify.Channel;
import dev.watchkeeper.notify.Delivery;
import dev.watchkeeper.notify.Message;
import dev.watchkeeper.notify.Templates;
import dev.watchkeeper.notify.net.Deliveries;
import dev.watchkeeper.notify.net.GuardedHttp;
import dev.watchkeeper.notify.net.Links;
import dev.watchkeeper.people.ContactMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Publishes to an ntfy topic URL (the contact method's address): the summary as the body, and
 * {@code Title}, {@code Priority}, {@code Tags}, {@code Click} and {@code Actions} headers; the
 * actions are {@code http} POSTs to the one-click acknowledge/resolve links, so the phone
 * acknowledges without opening a browser.
 *
 * <p>Header values must be single-line Latin-1: text is stripped of control characters and a
 * non-ASCII title is sent RFC 2047 encoded, which ntfy decodes.
 *
 * <p>Threading: immutable; {@link #send} may run on several threads at once.
 */
public final class NtfyChannel implements Channel {

  private final GuardedHttp http;
  private final String token;
  private final Templates templates;

  /** @param token an ntfy access token sent as {@code Authorization: Bearer}, or null */
  public NtfyChannel(GuardedHttp http, String token) {
    this(http, token, Templates.NONE);
  }

  /** With the operators' templates for the title ({@code subject}) and body ({@code body}). */
  public NtfyChannel(GuardedHttp http, String token, Templates templates) {
    this.http = http;
    this.templates = templates;
    this.token = token == null || token.isBlank() ? null : token.strip();
  }

  @Override
  public ContactMethod.Type type() {
    return ContactMethod.Type.NTFY;
  }

  @Override
  public Delivery send(Message message) {
    return Deliveries.of(
        http.post(message.address(), headers(message), templates.body(message,
            Templates.Escape.TEXT).map(b -> b.getBytes(StandardCharsets.UTF_8))
            .orElseGet(() -> body(message))), "ntfy", http.clock());
  }

  Map<String, String> headers(Message m) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "text/plain; charset=utf-8");
    String title = (m.title() == null ? "Incident #" + m.incidentId() : m.title());
    h.put("Title", headerText(templates.subject(m, Templates.Escape.LINE)
        .orElse(label(m.kind()) + ": " + title)));
    h.put("Priority", Integer.toString(priority(m.severity(), m.urgency())));
    h.put("Tags", String.join(",", tags(m)));
    String click = Links.httpOnly(m.incidentUrl());
    if (click != null && safeInHeader(click)) {
      h.put("Click", click);
    }
    List<String> actions = new ArrayList<>();
    action(actions, "Acknowledge", m.ackUrl());
    action(actions, "Resolve", m.resolveUrl());
    if (!actions.isEmpty()) {
      h.put("Actions", String.join("; ", actions));
    }
    if (token != null) {
      h.put("Authorization", "Bearer " + token);
    }
    return h;
  }

  static byte[] body(Message m) {
    StringBuilder b = new StringBuilder();
    if (m.summary() != null && !m.summary().isBlank()) {
      b.append(m.summary()).append('\n');
    }
    if (m.service() != null) {
      b.append("service: ").append(m.service()).append('\n');
    }
    b.append("incident #").append(m.incidentId());
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * ntfy priority 1–5 from severity (critical 5, error 4, warning 3, info 2, other 3); urgency
   * {@code high} raises it to at least 4, {@code low} caps it at 2.
   */
  static int priority(String severity, String urgency) {
    int p = switch (severity == null ? "" : severity.toLowerCase(Locale.ROOT)) {
      case "critical" -> 5;
      case "error" -> 4;
      case "warning" -> 3;
      case "info" -> 2;
      default -> 3;
    };
    String u = urgency == null ? "" : urgency.toLowerCase(Locale.ROOT);
    if (u.equals("high")) {
      p = Math.max(p, 4);
    } else if (u.equals("low")) {
      p = Math.min(p, 2);
    }
    return p;
  }

  private static List<String> tags(Message m) {
    List<String> tags = new ArrayList<>();
    String sev = m.severity() == null ? "" : m.severity().toLowerCase(Locale.ROOT);
    if ("resolved".equals(m.kind())) {
      tags.add("white_check_mark");
    } else {
      tags.add(switch (sev) {
        case "critical" -> "rotating_light";
        case "error" -> "red_circle";
        case "warning" -> "warning";
        default -> "information_source";
      });
    }
    for (String t : new String[] {m.kind(), m.service(), sev}) {
      String clean = t == null ? "" : t.replaceAll("[^A-Za-z0-9_.-]", "_");
      if (!clean.isEmpty() && !tags.contains(clean)) {
        tags.add(clean);
      }
    }
    return tags;
  }

  /** An ntfy {@code http} action posting to a one-click link; label and URL quoted. */
  private static void action(List<String> actions, String label, String url) {
    String link = Links.httpOnly(url);
    if (link != null && safeInHeader(link)) {
      actions.add("http, " + label + ", \"" + link + "\", method=POST, clear=true");
    }
  }

  /** A URL that cannot break out of a quoted action or the header. */
  private static boolean safeInHeader(String url) {
    return url.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\'');
  }

  /** One header line: control characters become spaces; non-ASCII is RFC 2047 encoded. */
  static String headerText(String text) {
    String oneLine = text.replaceAll("[\\p{Cntrl}]", " ").strip();
    if (oneLine.chars().allMatch(c -> c < 0x7f)) {
      return oneLine;
    }
    return "=?UTF-8?B?"
        + Base64.getEncoder().encodeToString(oneLine.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  private static String label(String kind) {
    return kind == null || kind.isEmpty()
        ? "Incident" : Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
  }

  @Override
  public String toString() {
    return "NtfyChannel[token=" + (token == null ? "none" : "set") + "]";
  }
}
