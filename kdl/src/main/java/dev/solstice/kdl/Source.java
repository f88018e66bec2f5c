package dev.solstice.kdl;

/**
 * The document as code points, with the read position and error construction. Working on code
 * points rather than UTF-16 keeps columns and every grammar check in the unit the spec is written
 * in.
 */
final class Source {
  /** Code points of the excerpt shown either side of an error column. */
  private static final int EXCERPT_RADIUS = 100;

  final int[] cps;
  final int length;
  private final String sourceName;
  int pos;

  private int trackedOffset;
  private int trackedLine = 1;
  private int trackedLineStart;

  Source(int[] cps, int length, String sourceName) {
    this.cps = cps;
    this.length = length;
    this.sourceName = sourceName;
  }

  /**
   * @return the code point at the read position, or -1 at the end
   */
  int peek() {
    return pos < length ? cps[pos] : -1;
  }

  /**
   * @return the code point {@code ahead} places after the read position, or -1 past the end
   */
  int peek(int ahead) {
    int i = pos + ahead;
    return i < length ? cps[i] : -1;
  }

  boolean atEnd() {
    return pos >= length;
  }

  /** Consumes the newline at the read position; CRLF is one newline. */
  void skipNewline() {
    if (cps[pos] == '\r' && pos + 1 < length && cps[pos + 1] == '\n') {
      pos += 2;
    } else {
      pos++;
    }
  }

  String text(int from, int to) {
    return new String(cps, from, to - from);
  }

  /**
   * Source text for quoting in an error message, shortened so hostile input cannot bloat the
   * message.
   */
  String snippet(int from, int to) {
    return to - from <= 40 ? text(from, to) : text(from, from + 37) + "...";
  }

  /**
   * @return "line:column" of an offset, for messages that refer back to where something started
   */
  String describePosition(int offset) {
    int[] lc = lineAndColumn(offset);
    return lc[0] + ":" + lc[1];
  }

  /**
   * The location of an offset, for offsets that never decrease between calls (node starts, in parse
   * order): the newline count resumes where the previous call stopped, so locating every node stays
   * linear.
   */
  KdlLocation locate(int offset) {
    for (; trackedOffset < offset; trackedOffset++) {
      int c = cps[trackedOffset];
      if (Chars.isNewline(c)
          && !(c == '\r' && trackedOffset + 1 < length && cps[trackedOffset + 1] == '\n')) {
        trackedLine++;
        trackedLineStart = trackedOffset + 1;
      }
    }
    int column = offset - trackedLineStart + 1;
    if (trackedLineStart == 0 && length > 0 && cps[0] == 0xFEFF) {
      column--;
    }
    return new KdlLocation(trackedLine, column);
  }

  KdlParseException error(int offset, String reason) {
    int[] lc = lineAndColumn(offset);
    int lineStart = lc[2];
    int lineEnd = lineStart;
    while (lineEnd < length && !Chars.isNewline(cps[lineEnd])) {
      lineEnd++;
    }
    int from = Math.max(lineStart, offset - EXCERPT_RADIUS);
    int to = Math.min(lineEnd, Math.max(offset, from) + EXCERPT_RADIUS);
    // The BOM is not part of what an editor shows, so columns on the first line start after it.
    if (from == 0 && length > 0 && cps[0] == 0xFEFF) {
      from = 1;
    }
    int excerptColumn = lc[1] - (offset - from);
    return new KdlParseException(
        reason,
        sourceName,
        lc[0],
        lc[1],
        text(from, Math.max(from, to)),
        excerptColumn,
        to < lineEnd);
  }

  /**
   * @return {line, column, offset of line start}; linear, but only ever run when reporting an error
   */
  private int[] lineAndColumn(int offset) {
    int line = 1;
    int lineStart = 0;
    int end = Math.min(offset, length);
    for (int i = 0; i < end; i++) {
      int c = cps[i];
      if (Chars.isNewline(c)) {
        if (c == '\r' && i + 1 < length && cps[i + 1] == '\n') {
          continue;
        }
        line++;
        lineStart = i + 1;
      }
    }
    int column = offset - lineStart + 1;
    if (lineStart == 0 && length > 0 && cps[0] == 0xFEFF && offset > 0) {
      column--;
    }
    return new int[] {line, column, lineStart};
  }
}
