package dev.watchkeeper.event;

/** The body is not valid JSON; the message names the line and column. */
public final class MalformedJsonException extends RuntimeException {
  private final int line;
  private final int column;

  public MalformedJsonException(String reason, int line, int column) {
    super("invalid JSON at line " + line + ", column " + column + ": " + reason);
    this.line = line;
    this.column = column;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
