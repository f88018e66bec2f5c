package dev.solstice.kdl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KdlParserTest {
  private final KdlParser parser = KdlParser.v2();

  private KdlNode single(String kdl) throws KdlParseException {
    List<KdlNode> nodes = parser.parse(kdl).nodes();
    assertThat(nodes).hasSize(1);
    return nodes.get(0);
  }

  @Test
  void buildsTheObjectModelOfANode() throws Exception {
    KdlNode node = single("(ci)job \"build\" 3 timeout=(sec)30 {\n    step run\n}\n");

    assertThat(node.type()).isEqualTo("ci");
    assertThat(node.name()).isEqualTo("job");
    assertThat(node.arguments())
        .containsExactly(new KdlString("build"), new KdlNumber.Integer(BigInteger.valueOf(3)));
    assertThat(node.properties())
        .containsExactly(
            Map.entry("timeout", new KdlNumber.Integer("sec", BigInteger.valueOf(30))));
    assertThat(node.children())
        .containsExactly(KdlNode.builder().name("step").argument("run").build());
  }

  @Test
  void recordsWhereEachNodeStarts() throws Exception {
    KdlDocument doc = parser.parse("\uFEFFa\n  /-x\n  (t)b {\r\n    c; 😀 \"d\"\n  }");
    KdlNode b = doc.nodes().get(1);

    assertThat(doc.nodes().get(0).location()).isEqualTo(new KdlLocation(1, 1));
    assertThat(b.location()).isEqualTo(new KdlLocation(3, 3));
    assertThat(b.children())
        .extracting(KdlNode::location)
        .containsExactly(new KdlLocation(4, 5), new KdlLocation(4, 8));
  }

  @Test
  void keepsTheLastOfDuplicateProperties() throws Exception {
    KdlNode node = single("node a=1 b=2 a=3");

    assertThat(node.getProperty("a")).contains(new KdlNumber.Integer(BigInteger.valueOf(3)));
    assertThat(node.properties().keySet()).containsExactly("a", "b");
  }

  @Test
  void keepsArgumentsInOrderBetweenProperties() throws Exception {
    KdlNode node = single("node 1 key=val 3");

    assertThat(node.arguments()).extracting(v -> ((KdlNumber<?>) v).asInt()).containsExactly(1, 3);
  }

  @Test
  void parsesNumbersExactlyAndKeepsTheirRadix() throws Exception {
    KdlNode node = single("n 0xFF_ff -0o17 0b1010 12345678901234567890123 1.50 -2.5e-3 1e10");
    List<KdlValue<?>> args = node.arguments();

    assertThat(args.get(0)).isEqualTo(new KdlNumber.Integer(null, BigInteger.valueOf(0xFFFF), 16));
    assertThat(((KdlNumber.Integer) args.get(0)).radix()).isEqualTo(16);
    assertThat(((KdlNumber.Integer) args.get(1)).value()).isEqualTo(BigInteger.valueOf(-15));
    assertThat(((KdlNumber.Integer) args.get(1)).radix()).isEqualTo(8);
    assertThat(((KdlNumber.Integer) args.get(2)).radix()).isEqualTo(2);
    assertThat(((KdlNumber.Integer) args.get(3)).value())
        .isEqualTo(new BigInteger("12345678901234567890123"));
    assertThat(((KdlNumber.Decimal) args.get(4)).value()).isEqualTo(new BigDecimal("1.50"));
    assertThat(((KdlNumber.Decimal) args.get(5)).value()).isEqualTo(new BigDecimal("-0.0025"));
    assertThat(args.get(6)).isInstanceOf(KdlNumber.Decimal.class);
  }

  @Test
  void parsesKeywords() throws Exception {
    KdlNode node = single("n #true #false #null #inf #-inf #nan (t)#null");

    assertThat(node.arguments())
        .containsExactly(
            new KdlBoolean(true),
            new KdlBoolean(false),
            new KdlNull(),
            new KdlNumber.PositiveInfinity(null),
            new KdlNumber.NegativeInfinity(null),
            new KdlNumber.NotANumber(null),
            new KdlNull("t"));
  }

  @Test
  void parsesEveryStringSyntax() throws Exception {
    KdlNode node = single("n bare \"quoted\\t\\u{1F600}\\s\" #\"raw \\n\"# ##\"has \"# inside\"##");

    assertThat(node.arguments())
        .containsExactly(
            new KdlString("bare"),
            new KdlString("quoted\t😀 "),
            new KdlString("raw \\n"),
            new KdlString("has \"# inside"));
  }

  @Test
  void dedentsMultiLineStringsByTheClosingLine() throws Exception {
    KdlNode node =
        single("n \"\"\"\n      indented\n    base\n\n    \\tescaped \\\n    joined\n    \"\"\"");

    assertThat(node.arguments())
        .containsExactly(new KdlString("  indented\nbase\n\n\tescaped joined"));
  }

  @Test
  void normalisesLiteralNewlinesInMultiLineStringsButNotEscapedOnes() throws Exception {
    KdlNode node = single("n \"\"\"\r\n  a\\r\\n\r  b\u2028  \"\"\"");

    assertThat(node.arguments()).containsExactly(new KdlString("a\r\n\nb"));
  }

  @Test
  void rejectsMultiLineStringLineWithADifferentIndentation() {
    assertThatThrownBy(() -> parser.parse("n \"\"\"\n\tfoo\n    \"\"\""))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("2:1")
        .hasMessageContaining("same whitespace as the line of the closing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\r", "\u0085", "\u000B", "\u000C", "\u2028", "\u2029"})
  void separatesNodesWithEveryNewline(String newline) throws Exception {
    KdlDocument doc = parser.parse("a" + newline + "b" + newline + "c");

    assertThat(doc.nodes()).extracting(KdlNode::name).containsExactly("a", "b", "c");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\t", " ", "\u00A0", "\u1680", "\u2000", "\u2005", "\u200A", "\u202F", "\u205F", "\u3000"
      })
  void separatesEntriesWithEveryUnicodeSpace(String space) throws Exception {
    KdlNode node = single("node" + space + "a" + space + "b=1");

    assertThat(node.arguments()).containsExactly(new KdlString("a"));
    assertThat(node.properties()).containsKey("b");
  }

  @Test
  void countsCrLfAsOneLineBreakInPositions() {
    assertThatThrownBy(() -> parser.parse("a\r\nb\r\nc }"))
        .isInstanceOfSatisfying(
            KdlParseException.class,
            e -> {
              assertThat(e.getLine()).isEqualTo(3);
              assertThat(e.getColumn()).isEqualTo(3);
            });
  }

  @Test
  void commentsOutNodesArgumentsPropertiesAndChildrenWithSlashdash() throws Exception {
    KdlDocument doc =
        parser.parse("/-gone 1 { x }\nkept /-1 2 /-key=3 other=4 /-{ hidden } {\n  child\n}");

    assertThat(doc.nodes())
        .containsExactly(
            KdlNode.builder()
                .name("kept")
                .argument(BigInteger.TWO)
                .property("other", BigInteger.valueOf(4))
                .child(KdlNode.builder().name("child"))
                .build());
  }

  @Test
  void continuesANodeAcrossLinesWithABackslash() throws Exception {
    KdlNode node = single("node 1 \\ // comment\n  2 \\\n  3");

    assertThat(node.arguments()).hasSize(3);
  }

  @Test
  void nestsBlockComments() throws Exception {
    KdlNode node = single("node /* outer /* inner */ still comment */ 1");

    assertThat(node.arguments()).hasSize(1);
  }

  @Test
  void skipsALeadingByteOrderMarkButRejectsALaterOne() throws Exception {
    assertThat(parser.parse("\uFEFFnode").nodes()).hasSize(1);
    assertThatThrownBy(() -> parser.parse("node\n\uFEFFnode"))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("U+FEFF");
  }

  @Test
  void acceptsTheVersionTwoMarkerAndRejectsVersionOne() throws Exception {
    assertThat(parser.parse("/- kdl-version 2\nnode").nodes()).hasSize(1);
    assertThatThrownBy(() -> parser.parse("/- kdl-version 1\nnode"))
        .isInstanceOf(KdlParseException.class)
        .hasMessageContaining("KDL version 1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "node true",
        "node null",
        "node inf",
        "node -inf",
        "node nan",
        "true",
        "node #bogus",
        "node .5",
        "node -.5",
        "node 1abc",
        "node \"\\/\"",
        "node r\"raw\"",
        "node 1=2",
        "#true=1",
        "node (a)b=1",
        "node a=",
        "node \"\\u{110000}\"",
        "node \"\\u{}\"",
        "node \\ x",
        "a\u0000b",
        "node \"\"\"\nx\"\"\"",
        "node {} 1",
        "node { a } { b }",
        "node }",
        "}",
        "node {",
        "node \"open",
        "node #\"open\"",
        "node /* open",
        "node 0x",
        "node 1e",
        "node 1.",
        "node 0x_1"
      })
  void rejectsInvalidDocuments(String kdl) {
    assertThatThrownBy(() -> parser.parse(kdl)).isInstanceOf(KdlParseException.class);
  }

  @Test
  void acceptsIdentifiersThatOnlyResembleKeywordsOrNumbers() throws Exception {
    KdlNode node = single("node true_id -- + +. .md -x +a ..5 null1");

    assertThat(node.arguments())
        .extracting(v -> ((KdlString) v).value())
        .containsExactly("true_id", "--", "+", "+.", ".md", "-x", "+a", "..5", "null1");
  }

  @Test
  void parsesLongIdentifiersWhole() throws Exception {
    String name = "x".repeat(100_000);

    assertThat(single(name + " " + name + "=" + name).name()).isEqualTo(name);
  }

  @Test
  void keepsErrorMessagesShortForHugeTokens() {
    assertThatThrownBy(() -> parser.parse("n #" + "k".repeat(1_000_000)))
        .isInstanceOfSatisfying(
            KdlParseException.class, e -> assertThat(e.getReason()).hasSizeLessThan(200));
    assertThatThrownBy(() -> parser.parse(".5" + "k".repeat(1_000_000)))
        .isInstanceOfSatisfying(
            KdlParseException.class, e -> assertThat(e.getReason()).hasSizeLessThan(300));
  }

  @Test
  void readsUtf8StreamsAndFiles(@TempDir Path dir) throws Exception {
    byte[] bytes = "größe 1 // ü\n".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("w.kdl"), bytes);

    assertThat(parser.parse(new ByteArrayInputStream(bytes)).nodes().get(0).name())
        .isEqualTo("größe");
    assertThat(parser.parse(file)).isEqualTo(parser.parse("größe 1"));
  }

  @Test
  void namesTheFileInErrorsFromAPath(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.kdl"), "node }");

    assertThatThrownBy(() -> parser.parse(file))
        .isInstanceOfSatisfying(
            KdlParseException.class, e -> assertThat(e.getSourceName()).isEqualTo(file.toString()))
        .hasMessageStartingWith(file + ":1:6: ");
  }

  @Test
  void rejectsInvalidUtf8WithItsPosition() {
    byte[] bytes = {'a', '\n', 'b', 'c', (byte) 0xC3, '(', '\n'};

    assertThatThrownBy(() -> parser.parse(new ByteArrayInputStream(bytes)))
        .isInstanceOfSatisfying(
            KdlParseException.class,
            e -> {
              assertThat(e.getReason()).contains("invalid UTF-8 at byte offset 4");
              assertThat(e.getLine()).isEqualTo(2);
              assertThat(e.getColumn()).isEqualTo(3);
            });
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    String kdl = "a 1 { b \"x\"; c #true }\n".repeat(200);
    KdlDocument expected = parser.parse(kdl);
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.ConcurrentLinkedQueue<Object> results =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 50; i++) {
                  try {
                    results.add(parser.parse(kdl));
                  } catch (KdlParseException e) {
                    results.add(e);
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(results).hasSize(200).allMatch(expected::equals);
  }
}
