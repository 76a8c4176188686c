package dev.watchkeeper.web;

import dev.watchkeeper.check.CheckStatus;
import org.owasp.encoder.Encode;

/**
 * A flat two-part status badge ("name | up") as SVG. The name is the user's text: it is escaped
 * for XML, so a check named {@code <script>} draws those characters and runs nothing.
 */
final class Badge {
  /** Approximate width of one character of 11px Verdana; badges need not be exact. */
  private static final int CHAR_WIDTH = 7;

  private Badge() {}

  static String svg(String label, CheckStatus status) {
    String text = status.wire();
    String color = switch (status) {
      case UP -> "#4c1";
      case LATE -> "#dfb317";
      case DOWN -> "#e05d44";
      default -> "#9f9f9f";
    };
    if (label.length() > 60) {
      label = label.substring(0, 60) + "…";
    }
    int left = 10 + CHAR_WIDTH * label.length();
    int right = 10 + CHAR_WIDTH * text.length();
    int width = left + right;
    String l = Encode.forXml(label);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"20\""
        + " role=\"img\" aria-label=\"" + Encode.forXmlAttribute(label) + ": " + text + "\">"
        + "<title>" + l + ": " + text + "</title>"
        + "<rect width=\"" + left + "\" height=\"20\" fill=\"#555\"/>"
        + "<rect x=\"" + left + "\" width=\"" + right + "\" height=\"20\" fill=\"" + color
        + "\"/>"
        + "<g fill=\"#fff\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\">"
        + "<text x=\"5\" y=\"14\">" + l + "</text>"
        + "<text x=\"" + (left + 5) + "\" y=\"14\">" + text + "</text></g></svg>";
  }
}
