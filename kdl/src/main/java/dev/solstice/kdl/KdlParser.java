package dev.solstice.kdl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Parses KDL v2 documents into {@link KdlDocument}s.
 *
 * <p>Instances are immutable and thread-safe; each call parses independently. Work is linear in the
 * input size, and hostile input is bounded by the limits set on the {@link Builder}: the document
 * size, the nesting depth of children blocks, and the length of number literals. Exceeding a limit
 * is a {@link KdlParseException}, like any syntax error; the parser never recurses per nesting
 * level, so deep input cannot cause a {@link StackOverflowError}.
 */
public final class KdlParser {
  /** Default {@link Builder#maxNestingDepth(int)}. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 128;

  /** Default {@link Builder#maxDocumentBytes(int)}: 16 MiB. */
  public static final int DEFAULT_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

  /** Default {@link Builder#maxNumberLength(int)}. */
  public static final int DEFAULT_MAX_NUMBER_LENGTH = 1000;

  private static final KdlParser DEFAULT = builder().build();

  private final int maxNestingDepth;
  private final int maxDocumentBytes;
  private final int maxNumberLength;

  private KdlParser(Builder b) {
    this.maxNestingDepth = b.maxNestingDepth;
    this.maxDocumentBytes = b.maxDocumentBytes;
    this.maxNumberLength = b.maxNumberLength;
  }

  /**
   * @return a shared parser with the default limits (same name as kdl4j's factory)
   */
  public static KdlParser v2() {
    return DEFAULT;
  }

  /**
   * @return a builder starting from the default limits
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return how many children blocks may be open at once (see {@link Builder#maxNestingDepth(int)})
   */
  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /**
   * @return the largest accepted document, in UTF-8 bytes
   */
  public int maxDocumentBytes() {
    return maxDocumentBytes;
  }

  /**
   * @return the longest accepted number literal, in characters including sign, prefix and
   *     underscores
   */
  public int maxNumberLength() {
    return maxNumberLength;
  }

  /**
   * Parses a document held in a string.
   *
   * @param document the document; never {@code null}
   * @return the parsed document
   * @throws KdlParseException if the document is not valid KDL v2 or exceeds a limit
   */
  public KdlDocument parse(String document) throws KdlParseException {
    return parse(null, document);
  }

  /**
   * Parses a document held in a string.
   *
   * @param sourceName how errors name the input (e.g. a file path), or {@code null} for none
   * @param document the document; never {@code null}
   * @return the parsed document
   * @throws KdlParseException if the document is not valid KDL v2 or exceeds a limit
   */
  public KdlDocument parse(String sourceName, String document) throws KdlParseException {
    Objects.requireNonNull(document, "document");
    if (document.length() > maxDocumentBytes) {
      throw tooLarge(sourceName);
    }
    int[] cps = new int[document.length()];
    int n = 0;
    long bytes = 0;
    int firstDisallowed = -1;
    for (int i = 0; i < document.length(); ) {
      int c = document.codePointAt(i);
      i += Character.charCount(c);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (firstDisallowed < 0 && Chars.isDisallowed(c) && !(c == 0xFEFF && n == 0)) {
        firstDisallowed = n;
      }
      cps[n++] = c;
    }
    if (bytes > maxDocumentBytes) {
      throw tooLarge(sourceName);
    }
    Source source = new Source(cps, n, sourceName);
    if (firstDisallowed >= 0) {
      throw source.error(firstDisallowed, disallowedMessage(cps[firstDisallowed]));
    }
    return new DocumentParser(source, maxNestingDepth, maxNumberLength).parse();
  }

  /**
   * Parses a UTF-8 document from a stream, reading at most {@link #maxDocumentBytes()} + 1 bytes.
   * The stream is not closed.
   *
   * @param stream the UTF-8 encoded document
   * @return the parsed document
   * @throws IOException if reading fails
   * @throws KdlParseException if the input is not valid UTF-8, not valid KDL v2, or exceeds a limit
   */
  public KdlDocument parse(InputStream stream) throws IOException, KdlParseException {
    return parse(null, stream);
  }

  /**
   * Parses a UTF-8 document from a stream, reading at most {@link #maxDocumentBytes()} + 1 bytes.
   * The stream is not closed.
   *
   * @param sourceName how errors name the input, or {@code null} for none
   * @param stream the UTF-8 encoded document
   * @return the parsed document
   * @throws IOException if reading fails
   * @throws KdlParseException if the input is not valid UTF-8, not valid KDL v2, or exceeds a limit
   */
  public KdlDocument parse(String sourceName, InputStream stream)
      throws IOException, KdlParseException {
    byte[] bytes =
        stream.readNBytes(
            maxDocumentBytes == Integer.MAX_VALUE ? maxDocumentBytes : maxDocumentBytes + 1);
    if (bytes.length > maxDocumentBytes) {
      throw tooLarge(sourceName);
    }
    return parse(sourceName, decode(sourceName, bytes));
  }

  /**
   * Parses a UTF-8 file; errors name it by {@code path.toString()}.
   *
   * @param path the file
   * @return the parsed document
   * @throws IOException if reading fails
   * @throws KdlParseException if the file is not valid UTF-8, not valid KDL v2, or exceeds a limit
   */
  public KdlDocument parse(Path path) throws IOException, KdlParseException {
    try (InputStream in = Files.newInputStream(path)) {
      return parse(path.toString(), in);
    }
  }

  private static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  private String decode(String sourceName, byte[] bytes) throws KdlParseException {
    CharsetDecoder decoder = strictUtf8();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      // Find where the bad bytes start, so the error points at them like any other.
      CharsetDecoder probe = strictUtf8();
      ByteBuffer again = ByteBuffer.wrap(bytes);
      CharBuffer out = CharBuffer.allocate(bytes.length);
      probe.decode(again, out, true);
      String valid = out.flip().toString();
      int[] cps = valid.codePoints().toArray();
      throw new Source(cps, cps.length, sourceName)
          .error(
              cps.length,
              "invalid UTF-8 at byte offset "
                  + again.position()
                  + ": KDL documents must be encoded in UTF-8");
    }
  }

  private KdlParseException tooLarge(String sourceName) {
    return new Source(new int[0], 0, sourceName)
        .error(
            0,
            "document is larger than the limit of "
                + maxDocumentBytes
                + " bytes (KdlParser.Builder#maxDocumentBytes)");
  }

  private static String disallowedMessage(int c) {
    String name = Character.getName(c);
    return String.format(
        "the code point U+%04X%s may not appear literally in a KDL document%s",
        c,
        name == null ? "" : " (" + name + ")",
        c >= 0xD800 && c <= 0xDFFF
            ? ""
            : "; in a quoted string, write it as \\u{" + Integer.toHexString(c) + "}");
  }

  /** Configures a {@link KdlParser}. Not thread-safe; the parsers it builds are. */
  public static final class Builder {
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
    private int maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES;
    private int maxNumberLength = DEFAULT_MAX_NUMBER_LENGTH;

    private Builder() {}

    /**
     * @param depth how many children blocks may be open at once, slashdashed ones included: 0
     *     forbids children, 1 allows {@code a { b }} but not {@code a { b { c } }}; at least 0
     * @return this builder
     */
    public Builder maxNestingDepth(int depth) {
      if (depth < 0) {
        throw new IllegalArgumentException("maxNestingDepth must be >= 0, got " + depth);
      }
      this.maxNestingDepth = depth;
      return this;
    }

    /**
     * @param bytes the largest accepted document in UTF-8 bytes (for string input, the UTF-8 length
     *     of the string); at least 0
     * @return this builder
     */
    public Builder maxDocumentBytes(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxDocumentBytes must be >= 0, got " + bytes);
      }
      this.maxDocumentBytes = bytes;
      return this;
    }

    /**
     * @param length the longest number literal, in characters (sign, radix prefix, digits and
     *     underscores); at least 1. Parsing a number costs time quadratic in its length, so keep
     *     this modest.
     * @return this builder
     */
    public Builder maxNumberLength(int length) {
      if (length < 1) {
        throw new IllegalArgumentException("maxNumberLength must be >= 1, got " + length);
      }
      this.maxNumberLength = length;
      return this;
    }

    /**
     * @return the parser
     */
    public KdlParser build() {
      return new KdlParser(this);
    }
  }
}
