package dev.solstice.kdl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KdlPrinterTest {
  private final KdlPrinter printer = KdlPrinter.v2();

  private String canonical(String kdl) throws KdlParseException {
    return printer.printToString(KdlParser.v2().parse(kdl));
  }

  @Test
  void printsTheCanonicalForm() throws Exception {
    String kdl =
        "// comment\n(t)node  z=1 \"a\"=#true 0x10 /-gone \"two words\" {\n\tchild; other {}\n}\n";

    assertThat(canonical(kdl))
        .isEqualTo("(t)node 16 \"two words\" a=#true z=1 {\n    child\n    other\n}\n");
  }

  @Test
  void printsAnEmptyDocumentAsOneNewline() {
    assertThat(printer.printToString(new KdlDocument(java.util.List.of()))).isEqualTo("\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "true",
        "null",
        "inf",
        "-inf",
        "nan",
        "1abc",
        "-1",
        "+1",
        ".5",
        "-.5",
        "a b",
        "a=b",
        "a\"b",
        "x#",
        "(p)",
        "a/b",
        "a;b",
        "{",
        "\u00A0",
        "line\nbreak"
      })
  void quotesStringsThatAreNotIdentifiers(String s) throws Exception {
    String printed =
        printer.printToString(
            KdlDocument.builder()
                .node(KdlNode.builder().name(s).argument(s).property(s, s))
                .build());

    assertThat(printed).startsWith("\"");
    assertThat(KdlParser.v2().parse(printed).nodes().get(0).name()).isEqualTo(s);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "--",
        "+",
        "-",
        ".",
        "+.",
        "..5",
        ".md",
        "true_id",
        "ノード",
        "😀",
        "a.b-c",
        "foo123~!@$%^&*.:'|?+<>,`-_"
      })
  void printsIdentifiersBare(String s) {
    assertThat(printer.printToString(KdlDocument.builder().node(KdlNode.builder().name(s)).build()))
        .isEqualTo(s + "\n");
  }

  @Test
  void escapesControlAndDisallowedCharacters() {
    String s = "q\" b\\ \n\r\t\b\f \u0000 \u007F \u202E \u2028 \u0085 \u000B";

    String printed =
        printer.printToString(KdlDocument.builder().node(KdlNode.builder().name(s)).build());

    assertThat(printed)
        .isEqualTo(
            "\"q\\\" b\\\\ \\n\\r\\t\\b\\f \\u{0} \\u{7f} \\u{202e} \\u{2028} \\u{85} \\u{b}\"\n");
  }

  @Test
  void refusesStringsWithUnpairedSurrogates() {
    KdlDocument doc =
        KdlDocument.builder().node(KdlNode.builder().name("n").argument("\uD800")).build();

    assertThatThrownBy(() -> printer.printToString(doc))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void printsNumbersInTheirSimplestExactForm() throws Exception {
    assertThat(canonical("n 0xff -0o17 0b101 +7 1_000 1.50 1e10 1.0e-10 -2.5E+3 #inf #-inf #nan"))
        .isEqualTo("n 255 -15 5 7 1000 1.50 1E+10 1.0E-10 -2.5E+3 #inf #-inf #nan\n");
  }

  @Test
  void keepsADecimalWithoutFractionOrExponentADecimal() throws Exception {
    KdlDocument doc =
        KdlDocument.builder()
            .node(
                KdlNode.builder()
                    .name("n")
                    .argument(new BigDecimal("5"))
                    .argument(new BigDecimal("5E+3")))
            .build();

    String printed = printer.printToString(doc);

    assertThat(printed).isEqualTo("n 5E+0 5E+3\n");
    assertThat(KdlParser.v2().parse(printed)).isEqualTo(doc);
  }

  @Test
  void preservesTheRadixWhenAsked() throws Exception {
    KdlPrinter radix = KdlPrinter.builder().preserveRadix(true).indent(2).build();

    String printed = radix.printToString(KdlParser.v2().parse("n 0xFF -0o17 0b101 9 { c 0x1 }"));

    assertThat(printed).isEqualTo("n 0xff -0o17 0b101 9 {\n  c 0x1\n}\n");
  }

  @Test
  void writesToWritersStreamsAndFiles(@TempDir Path dir) throws Exception {
    KdlDocument doc = KdlParser.v2().parse("größe 1");
    StringWriter writer = new StringWriter();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    Path file = dir.resolve("out.kdl");

    printer.print(doc, writer);
    printer.print(doc, stream);
    printer.print(doc, file);

    assertThat(writer.toString()).isEqualTo("größe 1\n");
    assertThat(stream.toString(StandardCharsets.UTF_8)).isEqualTo("größe 1\n");
    assertThat(Files.readString(file)).isEqualTo("größe 1\n");
  }

  @Test
  void sortsPropertiesByCodePointNotUtf16Order() {
    KdlDocument doc =
        KdlDocument.builder()
            .node(KdlNode.builder().name("n").property("\uFF5E", 1).property("😀", 2))
            .build();

    assertThat(printer.printToString(doc)).isEqualTo("n ～=1 😀=2\n");
  }

  @Test
  void printsTypeAnnotationsOnNodesAndValues() {
    KdlDocument doc =
        KdlDocument.builder()
            .node(
                KdlNode.builder()
                    .type("my type")
                    .name("n")
                    .argument("u8", BigInteger.ONE)
                    .property("k", "date", "2024-01-01"))
            .build();

    assertThat(printer.printToString(doc))
        .isEqualTo("(\"my type\")n (u8)1 k=(date)\"2024-01-01\"\n");
  }
}
