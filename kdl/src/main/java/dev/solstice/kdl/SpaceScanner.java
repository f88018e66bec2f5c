package dev.solstice.kdl;

/**
 * Skips what the grammar treats as space: whitespace, newlines, comments (block comments nest) and
 * line continuations. Comments and continuations carry no data, so nothing is kept.
 */
final class SpaceScanner {
  private final Source src;

  SpaceScanner(Source src) {
    this.src = src;
  }

  /** node-space: whitespace, block comments and line continuations. */
  boolean skipNodeSpace() throws KdlParseException {
    boolean any = false;
    for (; ; ) {
      if (!skipInlineSpace()) {
        if (src.peek() != '\\') {
          return any;
        }
        lineContinuation();
      }
      any = true;
    }
  }

  /** line-space: node-space plus newlines and line comments. */
  void skipLineSpace() throws KdlParseException {
    for (; ; ) {
      int c = src.peek();
      if (skipInlineSpace()) {
        continue;
      }
      if (Chars.isNewline(c)) {
        src.skipNewline();
      } else if (c == '/' && src.peek(1) == '/') {
        skipLineComment();
      } else if (c == '\\') {
        lineContinuation();
      } else {
        return;
      }
    }
  }

  /** Skips one unicode space or block comment, if one starts here. */
  private boolean skipInlineSpace() throws KdlParseException {
    int c = src.peek();
    if (Chars.isUnicodeSpace(c)) {
      src.pos++;
      return true;
    }
    if (c == '/' && src.peek(1) == '*') {
      skipBlockComment();
      return true;
    }
    return false;
  }

  private void lineContinuation() throws KdlParseException {
    int at = src.pos;
    src.pos++;
    while (skipInlineSpace()) {
      // whitespace and block comments may stand between the backslash and the newline
    }
    int c = src.peek();
    if (c < 0) {
      return;
    }
    if (Chars.isNewline(c)) {
      src.skipNewline();
    } else if (c == '/' && src.peek(1) == '/') {
      skipLineComment();
    } else {
      throw src.error(
          at,
          "a line continuation '\\' must be followed by a newline or a // comment, found "
              + Chars.describe(c)
              + "; a value containing '\\' must be quoted with the backslash doubled"
              + " (\"C:\\\\dir\") or written as a raw string (#\"C:\\dir\"#)");
    }
  }

  void skipLineComment() {
    src.pos += 2;
    while (!src.atEnd() && !Chars.isNewline(src.peek())) {
      src.pos++;
    }
    if (!src.atEnd()) {
      src.skipNewline();
    }
  }

  /** Block comments nest; a counter keeps that linear and recursion-free. */
  private void skipBlockComment() throws KdlParseException {
    int at = src.pos;
    src.pos += 2;
    int depth = 1;
    while (depth > 0) {
      int c = src.peek();
      if (c < 0) {
        throw src.error(
            at,
            "unterminated /* comment: add the closing */ (comments nest, so every /*"
                + " inside needs its own */)");
      }
      if (c == '/' && src.peek(1) == '*') {
        depth++;
        src.pos += 2;
      } else if (c == '*' && src.peek(1) == '/') {
        depth--;
        src.pos += 2;
      } else {
        src.pos++;
      }
    }
  }
}
