package dev.solstice.kdl;

/**
 * Where a node starts in its source document (its type annotation, or its name), so that checks
 * made after parsing can point the user at the right place.
 *
 * @param line 1-based line
 * @param column 1-based column, in code points
 */
public record KdlLocation(int line, int column) {

  /**
   * @param line 1-based line
   * @param column 1-based column, in code points
   */
  public KdlLocation {
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("line and column are 1-based, got " + line + ":" + column);
    }
  }
}
