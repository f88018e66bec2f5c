package dev.solstice.kdl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parse of one document: a hand-written scanner over code points with no backtracking beyond a
 * fixed look-ahead. Children blocks are handled with an explicit stack instead of recursion, so
 * nesting depth costs heap (bounded by the configured maximum), never Java stack.
 */
final class DocumentParser {
  private final Source src;
  private final StringScanner strings;
  private final NumberScanner numbers;
  private final SpaceScanner space;
  private final int maxDepth;

  /** Extent of the most recent bare identifier, for error hints. */
  private int lastIdentifierStart = -1;

  private int lastIdentifierEnd = -1;

  /** End of the most recent quoted string, for error hints. */
  private int lastQuotedEnd = -1;

  DocumentParser(Source src, int maxDepth, int maxNumberLength) {
    this.src = src;
    this.strings = new StringScanner(src);
    this.numbers = new NumberScanner(src, maxNumberLength);
    this.space = new SpaceScanner(src);
    this.maxDepth = maxDepth;
  }

  KdlDocument parse() throws KdlParseException {
    if (src.peek() == 0xFEFF) {
      src.pos++;
    }
    rejectVersionOneMarker();
    Frame root = new Frame(false);
    ArrayDeque<Frame> open = new ArrayDeque<>();
    Frame parent = root;
    Frame node = null;
    for (; ; ) {
      if (node == null) {
        space.skipLineSpace();
        int c = src.peek();
        if (c < 0) {
          if (parent != root) {
            throw src.error(
                src.pos,
                "unclosed children block: the '{' at "
                    + src.describePosition(parent.blockStart)
                    + " has no matching '}'");
          }
          return new KdlDocument(root.children);
        }
        if (c == '}') {
          if (parent == root) {
            throw src.error(src.pos, "unexpected '}': there is no open '{' to close");
          }
          src.pos++;
          node = parent;
          parent = open.pop();
          node.closeBlock();
          continue;
        }
        node = startNode(parent);
      } else if (parseEntries(node)) {
        if (open.size() >= maxDepth) {
          throw src.error(
              node.blockStart,
              "children blocks are nested more than "
                  + maxDepth
                  + " deep (KdlParser.Builder#maxNestingDepth)");
        }
        open.push(parent);
        parent = node;
        node = null;
      } else {
        if (!node.discarded) {
          parent.children.add(node.build());
        }
        node = null;
      }
    }
  }

  /**
   * The spec's version marker; a v1 document would otherwise fail with a confusing syntax error
   * later.
   */
  private void rejectVersionOneMarker() throws KdlParseException {
    int start = src.pos;
    if (src.peek() != '/' || src.peek(1) != '-') {
      return;
    }
    src.pos += 2;
    try {
      skipSpaces();
      for (char ch : "kdl-version".toCharArray()) {
        if (src.peek() != ch) {
          return;
        }
        src.pos++;
      }
      if (!skipSpaces() || src.peek() != '1') {
        return;
      }
      src.pos++;
      skipSpaces();
      if (src.atEnd() || Chars.isNewline(src.peek())) {
        throw src.error(start, "this document declares KDL version 1; only KDL v2 is supported");
      }
    } finally {
      src.pos = start;
    }
  }

  private boolean skipSpaces() {
    int from = src.pos;
    while (Chars.isUnicodeSpace(src.peek())) {
      src.pos++;
    }
    return src.pos > from;
  }

  private Frame startNode(Frame parent) throws KdlParseException {
    boolean slashdash = false;
    if (src.peek() == '/' && src.peek(1) == '-') {
      int at = src.pos;
      src.pos += 2;
      space.skipLineSpace();
      int c = src.peek();
      if (c < 0 || c == '}') {
        throw src.error(at, "'/-' must be followed by the node it comments out");
      }
      slashdash = true;
    }
    Frame node = new Frame(slashdash || parent.discarded || parent.blockDiscarded);
    if (!node.discarded) {
      node.location = src.locate(src.pos);
    }
    if (src.peek() == '(') {
      node.type = typeAnnotation();
      space.skipNodeSpace();
    }
    node.name = stringOnly("a node name");
    return node;
  }

  /**
   * Reads what follows a node name up to the end of the node or the opening of a children block.
   *
   * @return true if a children block was opened (the caller then reads its nodes), false if the
   *     node ended
   */
  private boolean parseEntries(Frame node) throws KdlParseException {
    boolean spaceCarried = false;
    for (; ; ) {
      boolean spaced = space.skipNodeSpace() | spaceCarried;
      spaceCarried = false;
      int c = src.peek();
      if (c < 0 || c == '}') {
        return false;
      }
      if (Chars.isNewline(c)) {
        src.skipNewline();
        return false;
      }
      if (c == ';') {
        src.pos++;
        return false;
      }
      if (c == '/' && src.peek(1) == '/') {
        space.skipLineComment();
        return false;
      }
      if (c == '/' && src.peek(1) == '-') {
        int at = src.pos;
        src.pos += 2;
        space.skipLineSpace();
        int d = src.peek();
        if (d == '{') {
          openBlock(node, true);
          return true;
        }
        if (d == '=') {
          throw src.error(
              at,
              "'/-' cannot go between a property key and '='; put it before the key to"
                  + " comment out the whole property");
        }
        if (d < 0 || d == '}' || d == ';') {
          throw src.error(
              at,
              "'/-' must be followed by the argument, property or children block it"
                  + " comments out");
        }
        requireNoBlockYet(node);
        spaceCarried = entry(node, true);
        continue;
      }
      if (c == '{') {
        if (node.sawRealBlock) {
          throw src.error(
              src.pos,
              "a node can have only one children block; put all children in the" + " first one");
        }
        openBlock(node, false);
        return true;
      }
      requireNoBlockYet(node);
      if (c == '=') {
        throw src.error(
            src.pos,
            "unexpected '=': a property key must be a string written right before"
                + " '=', without a type annotation (quote numbers and keywords used as keys)");
      }
      if (!spaced) {
        throw src.error(
            src.pos,
            "expected whitespace before "
                + Chars.describe(c)
                + ": arguments and"
                + " properties are separated from the node name and from each other by whitespace"
                + quotingHint(c));
      }
      spaceCarried = entry(node, node.discarded);
    }
  }

  private void requireNoBlockYet(Frame node) throws KdlParseException {
    if (node.sawBlock) {
      throw src.error(
          src.pos,
          "unexpected "
              + Chars.describe(src.peek())
              + " after a children block: end the"
              + " node with a newline or ';' first (arguments and properties go before the '{')");
    }
  }

  private void openBlock(Frame node, boolean discarded) {
    node.blockStart = src.pos;
    node.blockDiscarded = discarded;
    src.pos++;
  }

  /**
   * Reads one argument or property.
   *
   * @return whether whitespace after the entry was already consumed (looking for a property's '=')
   */
  private boolean entry(Frame node, boolean discard) throws KdlParseException {
    if (src.peek() == '(') {
      String type = typeAnnotation();
      space.skipNodeSpace();
      KdlValue<?> value = value(type, "after the type annotation");
      if (!discard) {
        node.arguments.add(value);
      }
      return false;
    }
    KdlValue<?> value = value(null, "");
    if (!(value instanceof KdlString)) {
      if (!discard) {
        node.arguments.add(value);
      }
      return false;
    }
    boolean spaced = space.skipNodeSpace();
    if (src.peek() != '=') {
      if (!discard) {
        node.arguments.add(value);
      }
      return spaced;
    }
    src.pos++;
    space.skipNodeSpace();
    if (src.peek() == '/' && src.peek(1) == '-') {
      throw src.error(
          src.pos,
          "'/-' cannot comment out a property value alone; put it before the key to"
              + " comment out the whole property");
    }
    String type = null;
    if (src.peek() == '(') {
      type = typeAnnotation();
      space.skipNodeSpace();
    }
    KdlValue<?> propertyValue = value(type, "after '='");
    if (!discard) {
      node.properties().put(((KdlString) value).value(), propertyValue);
    }
    return false;
  }

  /** A type annotation; the read position is at '('. */
  private String typeAnnotation() throws KdlParseException {
    int open = src.pos;
    src.pos++;
    space.skipNodeSpace();
    if (src.peek() == ')') {
      throw src.error(
          open,
          "empty type annotation '()': write a type name inside, or remove the" + " parentheses");
    }
    String type = stringOnly("a type name");
    space.skipNodeSpace();
    if (src.peek() != ')') {
      throw src.error(
          src.pos,
          "expected ')' to close the type annotation opened at "
              + src.describePosition(open)
              + ", found "
              + Chars.describe(src.peek()));
    }
    src.pos++;
    return type;
  }

  /**
   * A string where only strings are allowed: node names, property keys already checked, type names.
   */
  private String stringOnly(String what) throws KdlParseException {
    int at = src.pos;
    int c = src.peek();
    if (c == '"') {
      String string = strings.quoted();
      lastQuotedEnd = src.pos;
      return string;
    }
    if (c == '#') {
      if (src.peek(1) == '"' || src.peek(1) == '#') {
        return strings.raw();
      }
      int end = identifierEnd(at + 1);
      throw src.error(
          at,
          what
              + " cannot be the keyword '"
              + src.snippet(at, end)
              + "'; quote it to use it"
              + " as text: \""
              + src.snippet(at, end)
              + "\"");
    }
    if (Chars.isIdentifierChar(c)) {
      int end = identifierEnd(at);
      if (classify(at, end) == Bare.NUMBER) {
        throw src.error(
            at,
            what
                + " cannot be a number; quote it to use it as text: \""
                + src.snippet(at, end)
                + "\"");
      }
      return identifier(at, end);
    }
    throw src.error(at, "expected " + what + ", found " + Chars.describe(c));
  }

  /** A value after its optional type annotation. */
  private KdlValue<?> value(String type, String context) throws KdlParseException {
    int at = src.pos;
    int c = src.peek();
    if (c == '"') {
      KdlString string = new KdlString(type, strings.quoted());
      lastQuotedEnd = src.pos;
      return string;
    }
    if (c == '#') {
      if (src.peek(1) == '"' || src.peek(1) == '#') {
        return new KdlString(type, strings.raw());
      }
      return keyword(type);
    }
    if (Chars.isIdentifierChar(c)) {
      int end = identifierEnd(at);
      if (classify(at, end) == Bare.NUMBER) {
        KdlNumber<?> number = numbers.parse(at, end, type);
        src.pos = end;
        return number;
      }
      return new KdlString(type, identifier(at, end));
    }
    if (c == '/' && src.peek(1) == '-' && type != null) {
      throw src.error(at, "'/-' must come before the type annotation of the value it comments out");
    }
    throw src.error(
        at,
        "expected a value"
            + (context.isEmpty() ? "" : " " + context)
            + " (a string, a number,"
            + " #true, #false, #null, #inf, #-inf or #nan), found "
            + Chars.describe(c));
  }

  private KdlValue<?> keyword(String type) throws KdlParseException {
    int at = src.pos;
    int end = identifierEnd(at + 1);
    String word = src.snippet(at + 1, end);
    KdlValue<?> value;
    switch (word) {
      case "true":
        value = new KdlBoolean(type, true);
        break;
      case "false":
        value = new KdlBoolean(type, false);
        break;
      case "null":
        value = new KdlNull(type);
        break;
      case "inf":
        value = new KdlNumber.PositiveInfinity(type);
        break;
      case "-inf":
        value = new KdlNumber.NegativeInfinity(type);
        break;
      case "nan":
        value = new KdlNumber.NotANumber(type);
        break;
      default:
        throw src.error(
            at,
            "unknown keyword '#"
                + word
                + "': the keywords are #true, #false, #null, #inf,"
                + " #-inf and #nan (quote text that starts with '#')");
    }
    src.pos = end;
    return value;
  }

  private enum Bare {
    NUMBER,
    IDENTIFIER
  }

  /**
   * Whether a run of identifier characters is a number literal; rejects the "almost a number"
   * forms.
   */
  private Bare classify(int start, int end) throws KdlParseException {
    int[] cps = src.cps;
    int c0 = cps[start];
    int c1 = start + 1 < end ? cps[start + 1] : -1;
    int c2 = start + 2 < end ? cps[start + 2] : -1;
    if (Chars.isDigit(c0) || (Chars.isSign(c0) && Chars.isDigit(c1))) {
      return Bare.NUMBER;
    }
    if ((c0 == '.' && Chars.isDigit(c1)) || (Chars.isSign(c0) && c1 == '.' && Chars.isDigit(c2))) {
      throw src.error(
          start,
          "'"
              + src.snippet(start, end)
              + "' is neither a number nor an identifier: numbers"
              + " need a digit before the '.' (write 0.5, not .5), and text that looks like a number must be"
              + " quoted");
    }
    return Bare.IDENTIFIER;
  }

  /**
   * When a bare word runs into a character that bare words cannot contain (as in {@code
   * ghcr.io/app:1}), the user most likely meant one value: suggest quoting it.
   */
  private String quotingHint(int c) {
    if (lastQuotedEnd == src.pos && src.cps[src.pos - 1] == '"') {
      return "; a '\"' inside a quoted string must be escaped as \\\" (or use a raw string: #\"...\"#)";
    }
    if (lastIdentifierEnd != src.pos || c == '{' || c == '}' || c == ';') {
      return "";
    }
    int end = lastIdentifierStart;
    while (end < src.length
        && end - lastIdentifierStart < 80
        && !Chars.isUnicodeSpace(src.cps[end])
        && !Chars.isNewline(src.cps[end])
        && src.cps[end] != ';') {
      end++;
    }
    String word = src.text(lastIdentifierStart, end).replace("\\", "\\\\").replace("\"", "\\\"");
    return "; to use " + Chars.describe(c) + " in a value, quote the whole value: \"" + word + "\"";
  }

  private String identifier(int start, int end) throws KdlParseException {
    String text = src.text(start, end);
    if (Chars.isReservedWord(text)) {
      String hint =
          text.equals("true") || text.equals("false") || text.equals("null")
              ? "#" + text
              : "#" + text + " (the number)";
      throw src.error(
          start,
          "'"
              + text
              + "' cannot be written bare: write "
              + hint
              + ", or \""
              + text
              + "\" for the string");
    }
    src.pos = end;
    lastIdentifierStart = start;
    lastIdentifierEnd = end;
    return text;
  }

  private int identifierEnd(int from) {
    int i = from;
    while (i < src.length && Chars.isIdentifierChar(src.cps[i])) {
      i++;
    }
    return i;
  }

  /** A node under construction. */
  private static final class Frame {
    /**
     * Whether this node, or an ancestor, is slashdashed: it is parsed and validated, then dropped.
     */
    final boolean discarded;

    String type;
    String name;
    KdlLocation location;
    final List<KdlValue<?>> arguments = new ArrayList<>();
    private Map<String, KdlValue<?>> properties;
    final List<KdlNode> children = new ArrayList<>();
    int blockStart = -1;
    boolean blockDiscarded;
    boolean sawBlock;
    boolean sawRealBlock;

    Frame(boolean discarded) {
      this.discarded = discarded;
    }

    Map<String, KdlValue<?>> properties() {
      if (properties == null) {
        properties = new LinkedHashMap<>();
      }
      return properties;
    }

    void closeBlock() {
      sawBlock = true;
      sawRealBlock |= !blockDiscarded;
      blockDiscarded = false;
    }

    KdlNode build() {
      return new KdlNode(
          type, name, arguments, properties == null ? Map.of() : properties, children, location);
    }
  }
}
