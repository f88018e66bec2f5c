package dev.solstice.integration.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The matrix expansion, pure: axes × excludes → the job ids of the combinations, in order. */
class MatrixTest {

  private static Map<String, List<String>> axes(Object... pairs) {
    Map<String, List<String>> axes = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> values = (List<String>) pairs[i + 1];
      axes.put((String) pairs[i], values);
    }
    return axes;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "one axis: one job per value, in the order written",
            axes("os", List.of("linux", "macos", "windows")),
            List.of(),
            List.of("t (os=linux)", "t (os=macos)", "t (os=windows)")),
        Arguments.of(
            "two axes: every combination, the first axis varying slowest",
            axes("jdk", List.of("17", "21"), "os", List.of("linux", "arm64")),
            List.of(),
            List.of(
                "t (jdk=17, os=linux)",
                "t (jdk=17, os=arm64)",
                "t (jdk=21, os=linux)",
                "t (jdk=21, os=arm64)")),
        Arguments.of(
            "an exclude naming every axis removes one combination",
            axes("jdk", List.of("17", "21"), "os", List.of("linux", "arm64")),
            List.of(Map.of("jdk", "17", "os", "arm64")),
            List.of("t (jdk=17, os=linux)", "t (jdk=21, os=linux)", "t (jdk=21, os=arm64)")),
        Arguments.of(
            "an exclude naming one axis removes every combination with that value",
            axes("jdk", List.of("17", "21"), "os", List.of("linux", "arm64"), "db", List.of("pg")),
            List.of(Map.of("os", "arm64")),
            List.of("t (jdk=17, os=linux, db=pg)", "t (jdk=21, os=linux, db=pg)")),
        Arguments.of(
            "several excludes each remove what they match",
            axes("a", List.of("1", "2", "3")),
            List.of(Map.of("a", "1"), Map.of("a", "3")),
            List.of("t (a=2)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void expandsMatrixIntoOneJobPerCell(
      String name,
      Map<String, List<String>> axes,
      List<Map<String, String>> excludes,
      List<String> expected) {
    Matrix matrix = new Matrix(axes, excludes);
    assertThat(matrix.cells().stream().map(c -> Matrix.cellId("t", c)).toList())
        .isEqualTo(expected);
  }

  @Test
  void substitutesOnlyMatrixReferencesAndLeavesOtherTextAlone() {
    Map<String, String> cell = Map.of("os", "arm64", "jdk", "21");
    assertThat(Matrix.substitute("${{ matrix.os }}-${{matrix.jdk}}", cell)).isEqualTo("arm64-21");
    assertThat(Matrix.substitute("echo ${{ github.sha }} $HOME ${x}", cell))
        .isEqualTo("echo ${{ github.sha }} $HOME ${x}");
    assertThat(Matrix.substitute("cost: $5 ${{ matrix.os }}", Map.of("os", "a$1\\b")))
        .isEqualTo("cost: $5 a$1\\b");
    assertThat(Matrix.envName("jdk")).isEqualTo("MATRIX_JDK");
  }
}
