package dev.solstice.kdl;

/**
 * Reads quoted, raw and multi-line strings. Every method starts at the opening delimiter and leaves
 * the read position just past the closing one.
 */
final class StringScanner {
  private final Source src;

  StringScanner(Source src) {
    this.src = src;
  }

  /** A quoted string, single- or multi-line; the read position is at its first '"'. */
  String quoted() throws KdlParseException {
    int open = src.pos;
    if (src.peek(1) == '"' && src.peek(2) == '"') {
      src.pos += 3;
      return multiLine(open, 0);
    }
    src.pos++;
    StringBuilder sb = null;
    int run = src.pos;
    for (; ; ) {
      int c = src.peek();
      if (c == '"') {
        String s = sb == null ? src.text(run, src.pos) : appendRun(sb, run, src.pos).toString();
        src.pos++;
        return s;
      }
      if (c == '\\') {
        sb = appendRun(sb == null ? new StringBuilder() : sb, run, src.pos);
        escape(sb, false, open);
        run = src.pos;
      } else if (c < 0 || Chars.isNewline(c)) {
        throw src.error(
            src.pos,
            "unterminated string started at "
                + src.describePosition(open)
                + ": add the closing '\"' before the end of the line (use \"\"\" for text that spans lines,"
                + " or end the line with '\\' to continue the string on the next one)");
      } else {
        src.pos++;
      }
    }
  }

  /** A raw string, single- or multi-line; the read position is at its first '#'. */
  String raw() throws KdlParseException {
    int open = src.pos;
    int hashes = 0;
    while (src.peek() == '#') {
      src.pos++;
      hashes++;
    }
    if (src.peek() != '"') {
      throw src.error(
          src.pos,
          "expected '\"' after '"
              + "#".repeat(hashes)
              + "' to start a raw string, found "
              + Chars.describe(src.peek()));
    }
    if (src.peek(1) == '"' && src.peek(2) == '"') {
      src.pos += 3;
      return multiLine(open, hashes);
    }
    src.pos++;
    int start = src.pos;
    for (; ; ) {
      int c = src.peek();
      if (c == '"' && hashesFollow(1, hashes)) {
        String s = src.text(start, src.pos);
        src.pos += 1 + hashes;
        return s;
      }
      if (c < 0 || Chars.isNewline(c)) {
        throw src.error(
            src.pos,
            "unterminated raw string started at "
                + src.describePosition(open)
                + ": close it with '\""
                + "#".repeat(hashes)
                + "' on the same line (use #\"\"\" for text"
                + " that spans lines)");
      }
      src.pos++;
    }
  }

  private boolean hashesFollow(int from, int hashes) {
    for (int i = 0; i < hashes; i++) {
      if (src.peek(from + i) != '#') {
        return false;
      }
    }
    return true;
  }

  private StringBuilder appendRun(StringBuilder sb, int from, int to) {
    for (int i = from; i < to; i++) {
      sb.appendCodePoint(src.cps[i]);
    }
    return sb;
  }

  /**
   * Handles the escape at the read position. Whitespace escapes are dropped. Other escapes are
   * decoded into {@code out}, or, when {@code verbatim}, validated and copied as written so a
   * multi-line string can be dedented before they are decoded (the spec's order: whitespace
   * escapes, dedent, other escapes).
   */
  private void escape(StringBuilder out, boolean verbatim, int open) throws KdlParseException {
    int at = src.pos;
    int n = src.peek(1);
    if (Chars.isUnicodeSpace(n) || Chars.isNewline(n)) {
      src.pos++;
      while (Chars.isUnicodeSpace(src.peek()) || Chars.isNewline(src.peek())) {
        src.pos++;
      }
      return;
    }
    char decoded;
    switch (n) {
      case 'n':
        decoded = '\n';
        break;
      case 'r':
        decoded = '\r';
        break;
      case 't':
        decoded = '\t';
        break;
      case '\\':
        decoded = '\\';
        break;
      case '"':
        decoded = '"';
        break;
      case 'b':
        decoded = '\b';
        break;
      case 'f':
        decoded = '\f';
        break;
      case 's':
        decoded = ' ';
        break;
      case 'u':
        int cp = unicodeEscape(at);
        if (verbatim) {
          appendRun(out, at, src.pos);
        } else {
          out.appendCodePoint(cp);
        }
        return;
      case -1:
        throw src.error(
            src.pos + 1, "unterminated string started at " + src.describePosition(open));
      default:
        throw src.error(
            at,
            "invalid escape '\\"
                + new String(Character.toChars(n))
                + "': the escapes are"
                + " \\n \\r \\t \\\\ \\\" \\b \\f \\s \\u{hex} and '\\' before whitespace; write '\\\\' for a"
                + " literal backslash");
    }
    src.pos += 2;
    if (verbatim) {
      out.append('\\').appendCodePoint(n);
    } else {
      out.append(decoded);
    }
  }

  /** Reads <code>&#92;u{...}</code> starting at its backslash; returns the code point. */
  private int unicodeEscape(int at) throws KdlParseException {
    src.pos += 2;
    if (src.peek() != '{') {
      throw src.error(
          at, "invalid unicode escape: write \\u{...} with 1 to 6 hex digits, e.g. \\u{1F600}");
    }
    src.pos++;
    int value = 0;
    int digits = 0;
    int d;
    while ((d = Chars.hexValue(src.peek())) >= 0) {
      if (++digits > 6) {
        throw src.error(at, "invalid unicode escape: at most 6 hex digits fit between \\u{ and }");
      }
      value = value * 16 + d;
      src.pos++;
    }
    if (src.peek() != '}' || digits == 0) {
      throw src.error(
          at, "invalid unicode escape: write \\u{...} with 1 to 6 hex digits, e.g. \\u{1F600}");
    }
    src.pos++;
    if (value > 0x10FFFF) {
      throw src.error(
          at,
          "invalid unicode escape: "
              + Integer.toHexString(value).toUpperCase()
              + " is above the largest code point, 10FFFF");
    }
    if (value >= 0xD800 && value <= 0xDFFF) {
      throw src.error(
          at,
          "invalid unicode escape: "
              + Integer.toHexString(value).toUpperCase()
              + " is a surrogate, not a Unicode scalar value");
    }
    return value;
  }

  /**
   * A multi-line string; the read position is just past the opening {@code """} (and its hashes, if
   * raw). Collects the body with literal newlines normalised to LF and whitespace escapes removed,
   * then dedents it by the closing line's whitespace, then decodes the remaining escapes: each step
   * is one linear pass.
   */
  private String multiLine(int open, int hashes) throws KdlParseException {
    boolean raw = hashes > 0;
    if (!Chars.isNewline(src.peek())) {
      throw src.error(
          src.pos,
          "a multi-line string needs a newline right after its opening \"\"\""
              + (raw ? "" : "; for a single-line string use a single '\"'"));
    }
    src.skipNewline();
    StringBuilder body = new StringBuilder();
    IntList lineStarts = new IntList();
    lineStarts.add(src.pos);
    int close;
    for (; ; ) {
      int c = src.peek();
      if (c < 0) {
        throw src.error(
            src.pos,
            "unterminated multi-line string started at "
                + src.describePosition(open)
                + ": close it with "
                + "\"\"\""
                + "#".repeat(hashes)
                + " on a line of its own");
      }
      if (c == '"' && src.peek(1) == '"' && src.peek(2) == '"' && hashesFollow(3, hashes)) {
        close = src.pos;
        src.pos += 3 + hashes;
        break;
      }
      if (c == '\\' && !raw) {
        escape(body, true, open);
      } else if (Chars.isNewline(c)) {
        src.skipNewline();
        body.append('\n');
        lineStarts.add(src.pos);
      } else {
        body.appendCodePoint(c);
        src.pos++;
      }
    }
    String dedented = dedent(body, lineStarts, close);
    return raw ? dedented : decodeEscapes(dedented);
  }

  private String dedent(StringBuilder body, IntList lineStarts, int close)
      throws KdlParseException {
    int lastNewline = body.lastIndexOf("\n");
    String prefix = body.substring(lastNewline + 1);
    if (!isAllSpace(prefix, 0, prefix.length())) {
      throw src.error(
          close,
          "the closing \"\"\" of a multi-line string must be on its own line, preceded"
              + " only by whitespace");
    }
    if (lastNewline < 0) {
      return "";
    }
    StringBuilder out = new StringBuilder(lastNewline);
    int line = 0;
    for (int start = 0; start <= lastNewline; line++) {
      int end = body.indexOf("\n", start);
      if (!isAllSpace(body, start, end)) {
        if (!startsWith(body, start, end, prefix)) {
          throw src.error(
              lineStarts.get(line),
              "this line of the multi-line string must start with the"
                  + " same whitespace as the line of the closing \"\"\", which is "
                  + describeIndent(prefix)
                  + " (the same characters, not just the same width)");
        }
        out.append(body, start + prefix.length(), end);
      }
      if (end < lastNewline) {
        out.append('\n');
      }
      start = end + 1;
    }
    return out.toString();
  }

  private static String describeIndent(String prefix) {
    if (prefix.isEmpty()) {
      return "no indentation";
    }
    boolean uniform = prefix.chars().allMatch(ch -> ch == prefix.charAt(0));
    char first = prefix.charAt(0);
    String unit =
        first == ' ' ? "space" : first == '\t' ? "tab" : String.format("U+%04X", (int) first);
    if (uniform) {
      return prefix.length()
          + " "
          + unit
          + (prefix.length() == 1 || unit.startsWith("U+") ? "" : "s");
    }
    StringBuilder sb = new StringBuilder("a mix of");
    prefix
        .chars()
        .forEach(
            ch ->
                sb.append(' ')
                    .append(
                        ch == ' ' ? "space" : ch == '\t' ? "tab" : String.format("U+%04X", ch)));
    return sb.toString();
  }

  private static boolean startsWith(CharSequence s, int start, int end, String prefix) {
    if (end - start < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (s.charAt(start + i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAllSpace(CharSequence s, int start, int end) {
    // Every unicode-space is in the BMP, so checking UTF-16 units is exact.
    for (int i = start; i < end; i++) {
      if (!Chars.isUnicodeSpace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Decodes escapes that {@link #escape} validated and kept verbatim. */
  private static String decodeEscapes(String s) {
    int slash = s.indexOf('\\');
    if (slash < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    out.append(s, 0, slash);
    for (int i = slash; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 's':
          out.append(' ');
          break;
        case 'u':
          int close = s.indexOf('}', i);
          out.appendCodePoint(Integer.parseInt(s.substring(i + 2, close), 16));
          i = close;
          break;
        default:
          out.append(n); // '\\' and '"'
      }
    }
    return out.toString();
  }

  /** A growable int array, to avoid boxing one Integer per line of a long multi-line string. */
  private static final class IntList {
    private int[] values = new int[8];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int get(int i) {
      return values[i];
    }
  }
}
