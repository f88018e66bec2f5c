package dev.solstice.kdl;

/**
 * Code point classes of the KDL v2 grammar. Shared by the parser and the printer so both agree on
 * them.
 */
final class Chars {
  private static final boolean[] ASCII_IDENTIFIER = new boolean[128];

  static {
    for (int c = 0x21; c < 0x7F; c++) {
      ASCII_IDENTIFIER[c] = "\\/(){};[]\"#=".indexOf(c) < 0;
    }
  }

  private Chars() {}

  /** Non-newline whitespace ("unicode-space" in the grammar). */
  static boolean isUnicodeSpace(int c) {
    return c == ' '
        || c == '\t'
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }

  /** First code point of a newline sequence; CRLF is a single newline but starts with CR. */
  static boolean isNewline(int c) {
    return c == '\n'
        || c == '\r'
        || c == 0x0B
        || c == 0x0C
        || c == 0x85
        || c == 0x2028
        || c == 0x2029;
  }

  /** Code points that may not appear literally anywhere in a document (a leading BOM excepted). */
  static boolean isDisallowed(int c) {
    return c <= 0x08
        || (c >= 0x0E && c <= 0x1F)
        || c == 0x7F
        || (c >= 0xD800 && c <= 0xDFFF)
        || c == 0x200E
        || c == 0x200F
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0xFEFF
        || c > 0x10FFFF;
  }

  static boolean isIdentifierChar(int c) {
    if (c < 128) {
      return c >= 0 && ASCII_IDENTIFIER[c];
    }
    return !isUnicodeSpace(c) && !isNewline(c) && !isDisallowed(c);
  }

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  static boolean isSign(int c) {
    return c == '+' || c == '-';
  }

  static int hexValue(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * The bare words that would be keywords if prefixed by '#'; they are illegal as identifier
   * strings.
   */
  static boolean isReservedWord(String s) {
    switch (s) {
      case "true":
      case "false":
      case "null":
      case "inf":
      case "-inf":
      case "nan":
        return true;
      default:
        return false;
    }
  }

  /** Human-readable rendering of a code point for error messages. */
  static String describe(int c) {
    if (c < 0) {
      return "end of input";
    }
    if (c == '\n') {
      return "newline";
    }
    if (c == '\r') {
      return "carriage return";
    }
    if (c == '\t') {
      return "tab";
    }
    if (c == '\'') {
      return "\"'\"";
    }
    if (c < 0x20
        || c == 0x7F
        || isDisallowed(c)
        || isNewline(c)
        || (isUnicodeSpace(c) && c != ' ')) {
      return String.format("U+%04X", c);
    }
    return "'" + new String(Character.toChars(c)) + "'";
  }
}
