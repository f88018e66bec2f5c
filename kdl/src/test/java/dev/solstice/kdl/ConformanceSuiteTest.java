package dev.solstice.kdl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of the official KDL v2 test suite: valid inputs must print as the expected
 * canonical text (and re-parse to an equal document); {@code _fail} inputs must be rejected with a
 * {@link KdlParseException}.
 */
class ConformanceSuiteTest {
  private static final KdlParser PARSER = KdlParser.v2();

  static List<Path> cases() throws IOException {
    Path input = TestSuiteLocation.suiteDirectory().resolve("input");
    try (Stream<Path> files = Files.list(input)) {
      return files.filter(p -> p.toString().endsWith(".kdl")).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void suiteIsPresentAndComplete() throws IOException {
    List<Path> cases = cases();
    assertThat(cases).as("cases in %s", TestSuiteLocation.suiteDirectory()).hasSizeGreaterThan(100);
    for (Path input : cases) {
      if (!isFailCase(input)) {
        assertThat(expectedFile(input))
            .as("expected output for %s", input.getFileName())
            .isRegularFile();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void conformsToSuiteCase(Path input) throws Exception {
    if (isFailCase(input)) {
      assertThatThrownBy(() -> PARSER.parse(input))
          .as("%s must be rejected", input.getFileName())
          .isInstanceOf(KdlParseException.class);
      return;
    }
    KdlDocument document = PARSER.parse(input);
    String printed = KdlPrinter.v2().printToString(document);
    assertThat(printed).isEqualTo(Files.readString(expectedFile(input), StandardCharsets.UTF_8));
    assertThat(PARSER.parse(printed)).isEqualTo(document);
  }

  private static boolean isFailCase(Path input) {
    return input.getFileName().toString().endsWith("_fail.kdl");
  }

  private static Path expectedFile(Path input) {
    return input.getParent().resolveSibling("expected_kdl").resolve(input.getFileName());
  }
}
