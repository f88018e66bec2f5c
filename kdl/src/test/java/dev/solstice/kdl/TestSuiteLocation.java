package dev.solstice.kdl;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the KDL conformance suite: {@code KDL_SUITE_DIR}, else {@code ../shared/kdl-test-suite}
 * from the repo root.
 */
final class TestSuiteLocation {
  private TestSuiteLocation() {}

  static Path suiteDirectory() {
    String configured = System.getenv("KDL_SUITE_DIR");
    Path relative =
        Path.of(
            configured == null || configured.isBlank() ? "../shared/kdl-test-suite" : configured);
    return relative.isAbsolute() ? relative : repositoryRoot().resolve(relative).normalize();
  }

  /**
   * The parent POM passes {@code solstice.root}; without it (an IDE run), walk up to the aggregator
   * POM.
   */
  static Path repositoryRoot() {
    String root = System.getProperty("solstice.root");
    if (root != null && !root.isBlank() && !root.contains("${")) {
      return Path.of(root).toAbsolutePath();
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pom.xml"))
          && Files.isRegularFile(p.resolve("kdl/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root above " + dir + "; set -Dsolstice.root or KDL_SUITE_DIR");
  }
}
