package dev.solstice.kdl;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated documents survive printing and re-parsing; generated near-KDL text never crashes the
 * parser.
 */
class KdlRoundTripPropertyTest {
  private static final KdlParser PARSER = KdlParser.v2();
  private static final BigInteger LIMIT = BigInteger.TEN.pow(40);

  @Property(tries = 500)
  void parsingTheCanonicalPrintGivesTheSameDocument(@ForAll("documents") KdlDocument doc)
      throws Exception {
    String text = KdlPrinter.v2().printToString(doc);

    assertThat(PARSER.parse(text)).isEqualTo(doc);
  }

  @Property(tries = 300)
  void radixPreservingPrintRoundTripsIncludingTheRadix(@ForAll("documents") KdlDocument doc)
      throws Exception {
    KdlPrinter printer = KdlPrinter.builder().preserveRadix(true).indent(2).build();
    String text = printer.printToString(doc);

    KdlDocument back = PARSER.parse(text);

    assertThat(back).isEqualTo(doc);
    assertThat(printer.printToString(back)).isEqualTo(text);
  }

  @Property(tries = 3000)
  void nearKdlTextIsEitherParsedAndRoundTripsOrRejectedWithAPosition(
      @ForAll("kdlish") String text) {
    assertParsedAndRoundTrippedOrRejectedCleanly(text);
  }

  @Property(tries = 1000)
  void editedDocumentsAreEitherParsedAndRoundTripOrRejectedWithAPosition(
      @ForAll("editedDocuments") String text) {
    assertParsedAndRoundTrippedOrRejectedCleanly(text);
  }

  /**
   * A printed document with a snippet of KDL syntax inserted and a few characters deleted at one
   * place.
   */
  @Provide
  Arbitrary<String> editedDocuments() {
    // One combined parameter: jqwik's cross-parameter shrinking does not cope with two mapped list
    // parameters.
    return Combinators.combine(
            documents(),
            Arbitraries.integers().between(0, 100_000),
            kdlish(),
            Arbitraries.integers().between(0, 3))
        .as(
            (doc, where, insert, deleted) -> {
              String text = KdlPrinter.v2().printToString(doc);
              int at = where % (text.length() + 1);
              // Edits may split a surrogate pair; the parser must reject that like any other
              // invalid input.
              return text.substring(0, at)
                  + insert
                  + text.substring(Math.min(text.length(), at + deleted));
            });
  }

  private static void assertParsedAndRoundTrippedOrRejectedCleanly(String text) {
    KdlDocument doc;
    try {
      doc = PARSER.parse(text);
    } catch (KdlParseException e) {
      assertThat(e.getLine()).isPositive();
      assertThat(e.getColumn()).isPositive();
      assertThat(e.formatted()).contains("^").contains(e.getReason());
      return;
    }
    String printed = KdlPrinter.v2().printToString(doc);
    try {
      assertThat(PARSER.parse(printed)).isEqualTo(doc);
    } catch (KdlParseException e) {
      throw new AssertionError("printed form of an accepted document was rejected: " + printed, e);
    }
  }

  @Provide
  Arbitrary<KdlDocument> documents() {
    return nodes(3).map(KdlDocument::new);
  }

  private Arbitrary<List<KdlNode>> nodes(int depth) {
    Arbitrary<List<KdlNode>> children =
        depth == 0
            ? Arbitraries.just(List.of())
            : Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(List.<KdlNode>of())),
                net.jqwik.api.Tuple.of(1, Arbitraries.lazy(() -> nodes(depth - 1))));
    Arbitrary<KdlNode> node =
        Combinators.combine(
                types(),
                strings(),
                values().list().ofMaxSize(4),
                Arbitraries.maps(strings(), values()).ofMaxSize(3),
                children)
            .as(KdlNode::new);
    return node.list().ofMaxSize(depth == 3 ? 5 : 3);
  }

  private Arbitrary<String> types() {
    return strings().injectNull(0.7);
  }

  private Arbitrary<KdlValue<?>> values() {
    Arbitrary<KdlValue<?>> untyped =
        Arbitraries.oneOf(
            strings().map(KdlString::new),
            Arbitraries.of(true, false).map(KdlBoolean::new),
            Arbitraries.of(
                new KdlNull(),
                new KdlNumber.PositiveInfinity(null),
                new KdlNumber.NegativeInfinity(null),
                new KdlNumber.NotANumber(null)),
            Combinators.combine(
                    Arbitraries.bigIntegers().between(LIMIT.negate(), LIMIT),
                    Arbitraries.of(2, 8, 10, 16))
                .as((v, radix) -> new KdlNumber.Integer(null, v, radix)),
            Combinators.combine(
                    Arbitraries.bigIntegers().between(LIMIT.negate(), LIMIT),
                    Arbitraries.integers().between(-40, 40))
                .as((unscaled, scale) -> new KdlNumber.Decimal(new BigDecimal(unscaled, scale))));
    return Combinators.combine(types(), untyped).as((type, value) -> value.withType(type));
  }

  private Arbitrary<String> strings() {
    Arbitrary<String> identifiers =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars("-_.+~!$%^&*:'|?<>,`@0123456789")
            .ofMinLength(1)
            .ofMaxLength(8);
    Arbitrary<String> tricky =
        Arbitraries.of(
            "", "true", "false", "null", "inf", "-inf", "nan", "#true", "1", "-1", "+1", ".5",
            "+.5", "1abc", "0x1", "a b", "\"", "\\", "\"\"\"", "/-", "//", "/*", "*/", "{", "}",
            ";", "=", "(", ")", "#", "##\"", "\n", "\r\n", "\t", "\u0085", "\u2028", "\u00A0",
            "\u000B", "\uFEFF", "\u202E", "\u0000", "\u007F", "😀", "ノード", "\\u{41}", "  \n  ");
    Arbitrary<String> bmp =
        Arbitraries.strings()
            .withCharRange('\u0000', '\uD7FF')
            .withCharRange('\uE000', '\uFFFF')
            .ofMaxLength(10);
    Arbitrary<String> supplementary =
        Arbitraries.integers()
            .between(0x10000, 0x10FFFF)
            .list()
            .ofMaxSize(3)
            .map(cps -> cps.stream().map(Character::toString).reduce("", String::concat));
    Arbitrary<String> mixed =
        tricky.list().ofMinSize(2).ofMaxSize(4).map(parts -> String.join("", parts));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, identifiers),
        net.jqwik.api.Tuple.of(3, tricky),
        net.jqwik.api.Tuple.of(2, bmp),
        net.jqwik.api.Tuple.of(1, supplementary),
        net.jqwik.api.Tuple.of(2, mixed));
  }

  /**
   * Token soup from KDL's own vocabulary, so most inputs get deep into the grammar before they
   * fail.
   */
  @Provide
  Arbitrary<String> kdlish() {
    return Arbitraries.of(
            "node",
            "a",
            "k=",
            "=",
            "1",
            "-1",
            "0x1f",
            "0b2",
            "1.5e3",
            "1.",
            ".5",
            "1_0",
            "\"s\"",
            "\"",
            "\"\"\"",
            "\"\"\"\n",
            "#\"r\"#",
            "#\"\"\"\n",
            "\"\"\"#",
            "#",
            "##",
            "\n",
            "\r\n",
            "\r",
            " ",
            "  ",
            "\t",
            "{",
            "}",
            ";",
            "(t)",
            "(",
            ")",
            "/-",
            "//",
            "/*",
            "*/",
            "\\",
            "#true",
            "#null",
            "#inf",
            "#-inf",
            "true",
            "-",
            ".",
            "_",
            "e",
            "\\u{41}",
            "\\u{d800}",
            "\\s",
            "\\n",
            "\u0085",
            "\uFEFF",
            "\u00A0",
            "\u3000",
            "😀",
            "\u200E",
            "\u0001",
            "/- kdl-version 1\n")
        .list()
        .ofMaxSize(30)
        .map(parts -> String.join("", parts));
  }
}
