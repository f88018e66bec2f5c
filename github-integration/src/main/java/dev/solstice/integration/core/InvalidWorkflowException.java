package dev.solstice.integration.core;

/**
 * A workflow file that cannot run: a KDL syntax error, or a workflow rule broken. Carries where, so
 * the failed check run can annotate the line, and a text with the line and a caret under the
 * column, as a compiler prints it. Not retryable: the same file fails the same way.
 */
public final class InvalidWorkflowException extends IntegrationException {

  private final String path;
  private final int line;
  private final int column;
  private final String formatted;

  public InvalidWorkflowException(
      String path, int line, int column, String reason, String formatted) {
    super(path + ":" + line + ":" + column + ": " + reason);
    this.path = path;
    this.line = line;
    this.column = column;
    this.formatted = formatted;
  }

  public String path() {
    return path;
  }

  /** 1-based; 1 when the problem is the whole file (e.g. its size). */
  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** The reason, then the offending line with a caret. */
  public String formatted() {
    return formatted;
  }

  @Override
  public boolean retryable() {
    return false;
  }

  /** The reason alone, without location. */
  public String reason() {
    String m = getMessage();
    return m.substring(m.indexOf(": ") + 2);
  }
}
