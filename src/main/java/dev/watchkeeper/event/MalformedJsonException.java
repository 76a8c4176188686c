package dev.watchkeeper.event;

/** The body is not valid JSON; the message names the line and column. */
public final class MalformedJsonException extends RuntimeException {
  private final int line;
  private final int column;

  /** Jackson's own location text inside a message, e.g. "[Source: REDACTED (...); line: 1, ...]". */
  private static final java.util.regex.Pattern JACKSON_SOURCE = java.util.regex.Pattern.compile(
      "\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

  public MalformedJsonException(String reason, int line, int column) {
    super("invalid JSON at line " + line + ", column " + column + ": " + readable(reason));
    this.line = line;
    this.column = column;
  }

  /**
   * A Jackson parse message as a sentence for the sender: the parser's source description
   * ("[Source: REDACTED (`StreamReadFeature...` disabled); line: 1, column: 6]", which some
   * messages embed for a start marker) becomes "line 1, column 6".
   */
  public static String readable(String jacksonMessage) {
    if (jacksonMessage == null) {
      return "the body is not valid JSON";
    }
    return JACKSON_SOURCE.matcher(jacksonMessage).replaceAll("line $1, column $2");
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
