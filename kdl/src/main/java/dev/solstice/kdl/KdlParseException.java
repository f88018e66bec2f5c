package dev.solstice.kdl;

/**
 * A document was rejected: invalid KDL, or over a limit set on the {@link KdlParser}.
 *
 * <p>{@link #getMessage()} is one line, {@code source:line:column: reason}. {@link #formatted()}
 * adds the offending source line with a caret under the column, for showing to the person who wrote
 * the document.
 */
public final class KdlParseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What is wrong, without location. */
  private final String reason;

  /** The caller's name for the input, or null. */
  private final String sourceName;

  /** 1-based line of the error. */
  private final int line;

  /** 1-based column of the error, in code points. */
  private final int column;

  /** The offending line, or a window of it. */
  private final String excerpt;

  /** 1-based column of the excerpt's first code point. */
  private final int excerptColumn;

  /** Whether the line continues after the excerpt. */
  private final boolean excerptCut;

  /**
   * @param reason what is wrong and, where possible, how to fix it; never {@code null}
   * @param sourceName the name the caller gave the input (e.g. a file path), or {@code null}
   * @param line 1-based line of the error
   * @param column 1-based column of the error, counted in code points
   * @param excerpt the text of that line (possibly a window of it, without newline); never {@code
   *     null}
   * @param excerptColumn 1-based column of the first code point of {@code excerpt} within the line
   * @param excerptCut whether the line goes on after {@code excerpt}
   */
  KdlParseException(
      String reason,
      String sourceName,
      int line,
      int column,
      String excerpt,
      int excerptColumn,
      boolean excerptCut) {
    super(location(sourceName, line, column) + ": " + reason);
    this.reason = reason;
    this.sourceName = sourceName;
    this.line = line;
    this.column = column;
    this.excerpt = excerpt;
    this.excerptColumn = excerptColumn;
    this.excerptCut = excerptCut;
  }

  private static String location(String sourceName, int line, int column) {
    return (sourceName == null ? "" : sourceName + ":") + line + ":" + column;
  }

  /**
   * @return the reason alone, without location, e.g. {@code unexpected '}'}
   */
  public String getReason() {
    return reason;
  }

  /**
   * @return the reason alone; kdl4j-style alias of {@link #getReason()}
   */
  public String getErrorMessage() {
    return reason;
  }

  /**
   * @return the source name passed to the parser, or {@code null} if none was given
   */
  public String getSourceName() {
    return sourceName;
  }

  /**
   * @return the 1-based line of the error (CRLF and every other KDL newline count as one line
   *     break)
   */
  public int getLine() {
    return line;
  }

  /**
   * @return the 1-based column of the error, in code points (a tab counts as one)
   */
  public int getColumn() {
    return column;
  }

  /**
   * The error for a human reader, e.g.
   *
   * <pre>
   * .solstice/workflow.kdl:3:13: error: unexpected '}'
   *   3 | job "build" }
   *     |             ^
   * </pre>
   *
   * <p>Long lines are cut to a window around the column; tabs are shown as four spaces and
   * invisible or direction-changing code points as <code>&#92;u{...}</code>, so the caret lines up
   * and the terminal shows what the parser saw.
   *
   * @return three lines separated by {@code \n}, without trailing newline
   */
  public String formatted() {
    StringBuilder shown = new StringBuilder(excerptColumn > 1 ? "..." : "");
    // The caret is placed by code points shown, matching how the column is counted.
    int width = shown.length();
    int caret = -1;
    int col = excerptColumn;
    for (int i = 0; i < excerpt.length(); col++) {
      if (col == column) {
        caret = width;
      }
      int c = excerpt.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\t') {
        shown.append("    ");
        width += 4;
      } else if (Chars.isDisallowed(c)
          || Chars.isNewline(c)
          || Character.getType(c) == Character.FORMAT
          || Character.isISOControl(c)) {
        String escaped = "\\u{" + Integer.toHexString(c) + "}";
        shown.append(escaped);
        width += escaped.length();
      } else {
        shown.appendCodePoint(c);
        width++;
      }
    }
    if (caret < 0) {
      caret = width + Math.max(0, column - col);
    }
    if (excerptCut) {
      shown.append("...");
    }
    String number = Integer.toString(line);
    String gutter = " ".repeat(number.length());
    return location(sourceName, line, column)
        + ": error: "
        + reason
        + "\n"
        + "  "
        + number
        + " | "
        + shown
        + "\n"
        + "  "
        + gutter
        + " | "
        + " ".repeat(caret)
        + "^";
  }
}
