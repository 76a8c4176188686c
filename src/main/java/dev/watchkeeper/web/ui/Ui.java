package dev.watchkeeper.web.ui;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Small helpers the templates call. Every value a template prints is HTML-escaped by JTE; these
 * only decide what may become a link and how times read. Public for the compiled templates.
 */
public final class Ui {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Ui() {}

  /** A time as people read it, in UTC; "" for null. */
  public static String time(Instant t) {
    return t == null ? "" : TIME.format(t);
  }

  /** The machine-readable form for {@code <time datetime>}; "" for null. */
  public static String iso(Instant t) {
    return t == null ? "" : t.toString();
  }

  /**
   * Whether {@code url} may be rendered as a link: an absolute http(s) URL with a host and no
   * whitespace or control characters. Anything else ({@code javascript:}, {@code data:},
   * relative or malformed) is shown as text only.
   */
  public static boolean isHttpUrl(String url) {
    if (url == null || url.isEmpty() || url.length() > 4096) {
      return false;
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        return false;
      }
    }
    try {
      URI u = new URI(url);
      String scheme = u.getScheme();
      return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          && u.getHost() != null && !u.getHost().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** "" for null, else the text. */
  public static String or(String s, String otherwise) {
    return s == null || s.isEmpty() ? otherwise : s;
  }
}
