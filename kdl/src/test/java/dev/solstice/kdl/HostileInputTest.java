package dev.solstice.kdl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Input an attacker controls (a workflow file in a pull request) must be rejected with a {@link
 * KdlParseException} or parsed, never crash the parser with a {@link StackOverflowError} or run
 * away.
 */
class HostileInputTest {
  private final KdlParser parser = KdlParser.v2();

  @Test
  void rejectsDeepNestingWithAClearErrorInsteadOfOverflowingTheStack() {
    String kdl = "a {".repeat(100_000) + "}".repeat(100_000);

    assertThatThrownBy(() -> parser.parse(kdl))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("nested more than 128 deep");
  }

  @Test
  void parsesDeepNestingUpToAHighConfiguredLimitWithoutRecursion() throws Exception {
    int depth = 50_000;
    KdlParser deep = KdlParser.builder().maxNestingDepth(depth).build();
    String kdl = "a{".repeat(depth) + "}".repeat(depth);

    KdlDocument doc = deep.parse(kdl);

    int levels = 0;
    for (KdlNode n = doc.nodes().get(0); ; n = n.children().get(0)) {
      levels++;
      if (n.children().isEmpty()) {
        break;
      }
    }
    assertThat(levels).isEqualTo(depth);
    // The printer is iterative too; no indentation keeps the output linear in the depth.
    String printed = KdlPrinter.builder().indent(0).build().printToString(doc);
    assertThat(printed).isEqualTo("a {\n".repeat(depth - 1) + "a\n" + "}\n".repeat(depth - 1));
  }

  @Test
  void acceptsNestingExactlyAtTheLimitAndRejectsOneMore() throws Exception {
    KdlParser limited = KdlParser.builder().maxNestingDepth(3).build();

    assertThat(limited.parse("a { b { c { d } } }").nodes()).hasSize(1);
    assertThatThrownBy(() -> limited.parse("a { b { c { d { e } } } }"))
        .isInstanceOfSatisfying(
            KdlParseException.class, e -> assertThat(e.getColumn()).isEqualTo(15));
  }

  @Test
  void rejectsOpeningBracesWithoutNodes() {
    assertThatThrownBy(() -> parser.parse("{".repeat(100_000)))
        .isInstanceOf(KdlParseException.class);
  }

  @Test
  void boundsSlashdashedNestingToo() {
    String kdl = "/-a {".repeat(100_000);

    assertThatThrownBy(() -> parser.parse(kdl))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("nested more than");
  }

  @Test
  void handlesDeeplyNestedBlockCommentsWithoutRecursion() throws Exception {
    assertThat(parser.parse("/*".repeat(100_000) + "*/".repeat(100_000) + " node").nodes())
        .hasSize(1);
    assertThatThrownBy(() -> parser.parse("/*".repeat(100_000)))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("unterminated /* comment");
  }

  @Test
  void parsesATenMegabyteString() throws Exception {
    String big = "x".repeat(10 * 1024 * 1024);

    KdlDocument doc = parser.parse("node \"" + big + "\"");

    assertThat(((KdlString) doc.nodes().get(0).arguments().get(0)).value()).hasSize(big.length());
  }

  @Test
  void rejectsDocumentsOverTheSizeLimitBeforeParsingThem() {
    KdlParser small = KdlParser.builder().maxDocumentBytes(1024).build();
    String kdl = "node \"" + "x".repeat(2000) + "\"";

    assertThatThrownBy(() -> small.parse(kdl))
        .hasMessageContaining("larger than the limit of 1024 bytes");
    assertThatThrownBy(
            () -> small.parse(new ByteArrayInputStream(kdl.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("larger than the limit of 1024 bytes");
  }

  @Test
  void measuresTheSizeLimitInUtf8Bytes() {
    KdlParser small = KdlParser.builder().maxDocumentBytes(100).build();
    String kdl = "n \"" + "é".repeat(60) + "\"";

    assertThat(kdl.length()).isLessThan(100);
    assertThatThrownBy(() -> small.parse(kdl)).isInstanceOf(KdlParseException.class);
  }

  @Test
  void rejectsOverlongNumberLiterals() {
    assertThatThrownBy(() -> parser.parse("n " + "9".repeat(1_000_000)))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("over the limit of 1000");
    assertThatThrownBy(() -> parser.parse("n 0x" + "f".repeat(1_000_000)))
        .isInstanceOf(KdlParseException.class);
  }

  @Test
  void rejectsExponentsOutsideTheRepresentableRange() {
    assertThatThrownBy(() -> parser.parse("n 1e99999999999"))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("out of range");
  }

  @Test
  void parsesManyLongRawStringDelimitersInLinearTime() throws Exception {
    // Every '"' is followed by almost enough hashes: a naive search would rescan them for each
    // quote.
    String hashes = "#".repeat(1000);
    String body = ("\"" + hashes.substring(1)).repeat(2000);

    KdlDocument doc = parser.parse("n " + hashes + "\"" + body + "\"" + hashes);

    assertThat(((KdlString) doc.nodes().get(0).arguments().get(0)).value()).hasSize(body.length());
  }

  @Test
  void rejectsAnUnterminatedStringSpanningTheWholeDocument() {
    assertThatThrownBy(() -> parser.parse("n \"" + "\\\\".repeat(1_000_000)))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("unterminated string");
  }

  @Test
  void parsesHugeNumbersOfSiblingsAndArguments() throws Exception {
    KdlDocument doc = parser.parse("n 1\n".repeat(100_000) + "m" + " 1".repeat(100_000));

    assertThat(doc.nodes()).hasSize(100_001);
    assertThat(doc.nodes().get(100_000).arguments()).hasSize(100_000);
  }
}
