package dev.solstice.kdl;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Prints documents as KDL v2. The default printer ({@link #v2()}) writes the KDL test suite's
 * canonical form: one node per line, children indented by four spaces, no comments, properties
 * sorted by key (code point order) after the arguments, empty children blocks omitted, strings bare
 * when they are valid identifiers and quoted otherwise, integers in decimal and decimals as {@link
 * BigDecimal#toString()} (which re-parses to an equal value).
 *
 * <p>Whatever the options, {@code parser.parse(printer.printToString(doc))} equals {@code doc}.
 * Printing is iterative, so depth is bounded by heap only. Instances are immutable and thread-safe.
 */
public final class KdlPrinter {
  private static final KdlPrinter CANONICAL = builder().build();

  private final String indent;
  private final boolean preserveRadix;

  private KdlPrinter(Builder b) {
    this.indent = " ".repeat(b.indent);
    this.preserveRadix = b.preserveRadix;
  }

  /**
   * @return the canonical-form printer
   */
  public static KdlPrinter v2() {
    return CANONICAL;
  }

  /**
   * @return a builder starting from the canonical form
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @param document the document
   * @return the document's text; every node line ends with {@code \n}, and an empty document prints
   *     as a single {@code \n}, as in the test suite
   * @throws IllegalArgumentException if a string contains an unpaired surrogate, which KDL cannot
   *     represent
   */
  public String printToString(KdlDocument document) {
    StringBuilder out = new StringBuilder();
    print(document, out);
    return out.toString();
  }

  /**
   * @param document the document
   * @param writer where to write; not closed or flushed
   * @throws IOException if writing fails
   */
  public void print(KdlDocument document, Writer writer) throws IOException {
    try {
      print(document, (Appendable) writer);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * @param document the document
   * @param stream where to write UTF-8; flushed, not closed
   * @throws IOException if writing fails
   */
  public void print(KdlDocument document, OutputStream stream) throws IOException {
    Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
    print(document, writer);
    writer.flush();
  }

  /**
   * @param document the document
   * @param path the file to create or replace, written as UTF-8
   * @throws IOException if writing fails
   */
  public void print(KdlDocument document, Path path) throws IOException {
    try (Writer writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      print(document, writer);
    }
  }

  private void print(KdlDocument document, Appendable target) {
    StringBuilder out =
        target instanceof StringBuilder ? (StringBuilder) target : new StringBuilder();
    if (document.nodes().isEmpty()) {
      out.append('\n');
    }
    ArrayDeque<Iterator<KdlNode>> open = new ArrayDeque<>();
    open.push(document.nodes().iterator());
    while (!open.isEmpty()) {
      Iterator<KdlNode> siblings = open.peek();
      if (!siblings.hasNext()) {
        open.pop();
        if (!open.isEmpty()) {
          out.append(indent.repeat(open.size() - 1)).append("}\n");
        }
        continue;
      }
      KdlNode node = siblings.next();
      out.append(indent.repeat(open.size() - 1));
      nodeLine(node, out);
      if (node.children().isEmpty()) {
        out.append('\n');
      } else {
        out.append(" {\n");
        open.push(node.children().iterator());
      }
    }
    if (out != target) {
      try {
        target.append(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void nodeLine(KdlNode node, StringBuilder out) {
    typeAnnotation(node.type(), out);
    string(node.name(), out);
    for (KdlValue<?> argument : node.arguments()) {
      out.append(' ');
      value(argument, out);
    }
    List<Map.Entry<String, KdlValue<?>>> properties = new ArrayList<>(node.properties().entrySet());
    properties.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
    for (Map.Entry<String, KdlValue<?>> property : properties) {
      out.append(' ');
      string(property.getKey(), out);
      out.append('=');
      value(property.getValue(), out);
    }
  }

  private void value(KdlValue<?> value, StringBuilder out) {
    typeAnnotation(value.type(), out);
    if (value instanceof KdlString) {
      string(((KdlString) value).value(), out);
    } else if (value instanceof KdlBoolean) {
      out.append(((KdlBoolean) value).value() ? "#true" : "#false");
    } else if (value instanceof KdlNull) {
      out.append("#null");
    } else if (value instanceof KdlNumber.Integer) {
      integer((KdlNumber.Integer) value, out);
    } else if (value instanceof KdlNumber.Decimal) {
      decimal(((KdlNumber.Decimal) value).value(), out);
    } else if (value instanceof KdlNumber.PositiveInfinity) {
      out.append("#inf");
    } else if (value instanceof KdlNumber.NegativeInfinity) {
      out.append("#-inf");
    } else {
      out.append("#nan");
    }
  }

  private void integer(KdlNumber.Integer number, StringBuilder out) {
    BigInteger v = number.value();
    int radix = preserveRadix ? number.radix() : 10;
    if (radix == 10) {
      out.append(v);
      return;
    }
    if (v.signum() < 0) {
      out.append('-');
    }
    out.append(radix == 16 ? "0x" : radix == 8 ? "0o" : "0b").append(v.abs().toString(radix));
  }

  private static void decimal(BigDecimal v, StringBuilder out) {
    String text = v.toString();
    out.append(text);
    // A zero-scale decimal prints like an integer; an explicit exponent keeps it a decimal of equal
    // scale.
    if (text.indexOf('.') < 0 && text.indexOf('E') < 0) {
      out.append("E+0");
    }
  }

  private static void typeAnnotation(String type, StringBuilder out) {
    if (type != null) {
      out.append('(');
      string(type, out);
      out.append(')');
    }
  }

  private static void string(String s, StringBuilder out) {
    if (isBareIdentifier(s)) {
      out.append(s);
      return;
    }
    out.append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c >= 0xD800 && c <= 0xDFFF) {
            throw new IllegalArgumentException(
                "string contains an unpaired surrogate U+"
                    + Integer.toHexString(c).toUpperCase()
                    + ", which KDL cannot represent");
          }
          if (Chars.isDisallowed(c) || Chars.isNewline(c)) {
            out.append("\\u{").append(Integer.toHexString(c)).append('}');
          } else {
            out.appendCodePoint(c);
          }
      }
    }
    out.append('"');
  }

  /** Whether a string can be written without quotes and read back as the same string. */
  static boolean isBareIdentifier(String s) {
    if (s.isEmpty() || Chars.isReservedWord(s)) {
      return false;
    }
    // Only the first three UTF-16 units matter here, and the characters that matter are all ASCII.
    int c0 = s.charAt(0);
    int c1 = s.length() > 1 ? s.charAt(1) : -1;
    int c2 = s.length() > 2 ? s.charAt(2) : -1;
    if (Chars.isDigit(c0)
        || (Chars.isSign(c0) && Chars.isDigit(c1))
        || (c0 == '.' && Chars.isDigit(c1))) {
      return false;
    }
    if (Chars.isSign(c0) && c1 == '.' && Chars.isDigit(c2)) {
      return false;
    }
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (!Chars.isIdentifierChar(c)) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  /** Configures a {@link KdlPrinter}; not thread-safe. */
  public static final class Builder {
    private int indent = 4;
    private boolean preserveRadix;

    private Builder() {}

    /**
     * @param spaces spaces per nesting level, 0 to 16; the canonical form uses 4
     * @return this builder
     */
    public Builder indent(int spaces) {
      if (spaces < 0 || spaces > 16) {
        throw new IllegalArgumentException("indent must be between 0 and 16, got " + spaces);
      }
      this.indent = spaces;
      return this;
    }

    /**
     * @param preserve whether integers are printed in the radix they were written in ({@code 0x1f})
     *     rather than in decimal as the canonical form requires
     * @return this builder
     */
    public Builder preserveRadix(boolean preserve) {
      this.preserveRadix = preserve;
      return this;
    }

    /**
     * @return the printer
     */
    public KdlPrinter build() {
      return new KdlPrinter(this);
    }
  }
}
