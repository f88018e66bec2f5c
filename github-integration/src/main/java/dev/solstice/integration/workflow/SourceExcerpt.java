package dev.solstice.integration.workflow;

/** Prints a problem as compilers do: {@code path:line:col: error: reason}, the line, a caret. */
final class SourceExcerpt {

  private static final int MAX_WIDTH = 160;

  private SourceExcerpt() {}

  static String format(String path, String source, int line, int column, String reason) {
    String text = lineText(source, line);
    int col = Math.max(1, column);
    int start = 0;
    if (text.length() > MAX_WIDTH) {
      start = Math.max(0, Math.min(col - 1 - MAX_WIDTH / 2, text.length() - MAX_WIDTH));
      text = text.substring(start, Math.min(text.length(), start + MAX_WIDTH));
    }
    String gutter = Integer.toString(line);
    String pad = " ".repeat(gutter.length());
    return path
        + ":"
        + line
        + ":"
        + column
        + ": error: "
        + reason
        + "\n"
        + " "
        + gutter
        + " | "
        + text
        + "\n"
        + " "
        + pad
        + " | "
        + " ".repeat(Math.max(0, Math.min(col - 1 - start, text.length())))
        + "^";
  }

  /**
   * The column of the property {@code key=} on {@code line} at or after {@code from} (the node's
   * column), or {@code from} when it is not on that line (a node continued over lines, a quoted
   * key).
   */
  static int propertyColumn(String source, int line, int from, String key) {
    String text = lineText(source, line);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?<![\\w-])" + java.util.regex.Pattern.quote(key) + "\\s*=")
            .matcher(text);
    return m.find(Math.min(Math.max(0, from - 1), text.length())) ? m.start() + 1 : from;
  }

  private static String lineText(String source, int line) {
    int start = 0;
    for (int i = 1; i < line && start >= 0; i++) {
      int nl = source.indexOf('\n', start);
      start = nl < 0 ? -1 : nl + 1;
    }
    if (start < 0 || start > source.length()) {
      return "";
    }
    int end = source.indexOf('\n', start);
    String text = end < 0 ? source.substring(start) : source.substring(start, end);
    return text.replace("\r", "").replace("\t", " ");
  }
}
