package dev.solstice.kdl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class KdlParseExceptionTest {

  private static KdlParseException error(String sourceName, String kdl) {
    return catchThrowableOfType(
        KdlParseException.class, () -> KdlParser.v2().parse(sourceName, kdl));
  }

  @Test
  void formatsTheOffendingLineWithACaretUnderTheColumn() {
    KdlParseException e =
        error(".solstice/workflow.kdl", "workflow \"ci\"\non push\njob \"build\" }\n");

    assertThat(e.formatted())
        .isEqualTo(
            ".solstice/workflow.kdl:3:13: error: unexpected '}': there is no open '{' to close\n"
                + "  3 | job \"build\" }\n"
                + "    |             ^");
  }

  @Test
  void reportsAStrayClosingBraceAtItsPosition() {
    KdlParseException e = error("w.kdl", "job \"build\" }");

    assertThat(e.getReason()).isEqualTo("unexpected '}': there is no open '{' to close");
    assertThat(e.getMessage())
        .isEqualTo("w.kdl:1:13: unexpected '}': there is no open '{' to close");
    assertThat(e.formatted())
        .isEqualTo(
            "w.kdl:1:13: error: unexpected '}': there is no open '{' to close\n"
                + "  1 | job \"build\" }\n"
                + "    |             ^");
  }

  @Test
  void omitsTheSourceNameWhenNoneWasGiven() {
    KdlParseException e = error(null, "a }");

    assertThat(e.getSourceName()).isNull();
    assertThat(e.getMessage()).startsWith("1:3: ");
    assertThat(e.formatted()).startsWith("1:3: error: ");
  }

  @Test
  void countsColumnsInCodePoints() {
    KdlParseException e = error(null, "n \"😀😀\" }");

    assertThat(e.getColumn()).isEqualTo(8);
    assertThat(e.formatted()).endsWith("\n    |        ^");
  }

  @Test
  void widensTheGutterForLongLineNumbers() {
    KdlParseException e = error(null, "a\n".repeat(99) + "b }");

    assertThat(e.formatted()).endsWith("\n  100 | b }\n      |   ^");
  }

  @Test
  void tellsWhereAnUnterminatedStringStarted() {
    KdlParseException e = error(null, "a\nb\njob \"build\n");

    assertThat(e.getReason()).startsWith("unterminated string started at 3:5");
    assertThat(e.getLine()).isEqualTo(3);
    assertThat(e.getColumn()).isEqualTo(11);
  }

  @Test
  void tellsWhereAnUnclosedBlockWasOpened() {
    KdlParseException e = error(null, "a {\n  b {\n  }\n");

    assertThat(e.getReason()).contains("the '{' at 1:3 has no matching '}'");
  }

  @Test
  void explainsAMissingSpaceBeforeAnArgument() {
    KdlParseException e = error(null, "node\"x\"");

    assertThat(e.getReason()).startsWith("expected whitespace before '\"'");
    assertThat(e.getColumn()).isEqualTo(5);
  }

  @Test
  void suggestsQuotingAValueThatContainsASlash() {
    KdlParseException e = error(null, "image ghcr.io/solstice/builder:1.2 pull=#true\n");

    assertThat(e.getColumn()).isEqualTo(14);
    assertThat(e.getReason())
        .endsWith(
            "to use '/' in a value, quote the whole value:" + " \"ghcr.io/solstice/builder:1.2\"");
  }

  @Test
  void explainsAnUnescapedQuoteInsideAString() {
    KdlParseException e = error(null, "run \"echo \"hi\"\"");

    assertThat(e.getColumn()).isEqualTo(12);
    assertThat(e.getReason()).contains("must be escaped as \\\"").contains("raw string");
  }

  @Test
  void suggestsQuotingForABackslashInABareValue() {
    KdlParseException e = error(null, "path C:\\Users");

    assertThat(e.getReason())
        .startsWith("a line continuation '\\' must be followed by a newline")
        .contains("#\"C:\\dir\"#");
  }

  @Test
  void namesTheIndentationAMultiLineStringExpects() {
    assertThat(error(null, "s \"\"\"\n    ok\n  bad\n    \"\"\"").getReason())
        .contains("which is 4 spaces");
    assertThat(error(null, "s \"\"\"\n  bad\n\t\t\"\"\"").getReason()).contains("which is 2 tabs");
    assertThat(error(null, "s \"\"\"\nbad\n \t\"\"\"").getReason()).contains("a mix of space tab");
  }

  @Test
  void suggestsTheKeywordForABareBoolean() {
    KdlParseException e = error(null, "enabled true");

    assertThat(e.getReason()).contains("write #true").contains("\"true\"");
  }

  @Test
  void showsTabsAsSpacesSoTheCaretLinesUp() {
    KdlParseException e = error(null, "\tnode }");

    assertThat(e.formatted()).endsWith("  1 |     node }\n    |          ^");
  }

  @Test
  void escapesInvisibleCodePointsInTheExcerpt() {
    KdlParseException e = error(null, "node \u202Eevil");

    assertThat(e.getColumn()).isEqualTo(6);
    assertThat(e.formatted()).contains("  1 | node \\u{202e}evil\n    |      ^");
  }

  @Test
  void cutsVeryLongLinesToAWindowAroundTheColumn() {
    String kdl = "n " + "a ".repeat(50_000) + "} " + "b ".repeat(50_000);
    KdlParseException e = error(null, kdl);

    String[] lines = e.formatted().split("\n");
    assertThat(lines[1].length()).isLessThan(300);
    assertThat(lines[1]).startsWith("  1 | ...").endsWith("...");
    assertThat(lines[2].indexOf('^')).isEqualTo(lines[1].indexOf('}'));
  }

  @Test
  void pointsPastTheEndOfTheLineForErrorsAtEndOfInput() {
    KdlParseException e = error(null, "node key=");

    assertThat(e.getColumn()).isEqualTo(10);
    assertThat(e.formatted()).endsWith("  1 | node key=\n    |          ^");
  }
}
