package dev.solstice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replaces the bench's part of docs/benchmarks.md, between two markers, and leaves everything else
 * (such as the KDL parser section) as it is. Without the markers the part is appended.
 */
final class DocSplicer {
  static final String BEGIN =
      "<!-- bench:begin (written by scripts/bench.sh: rerun it rather than editing) -->";
  static final String END = "<!-- bench:end -->";

  private DocSplicer() {}

  static void splice(Path doc, String section) throws IOException {
    splice(doc, section, BEGIN, END);
  }

  /** As {@link #splice(Path, String)}, between other markers (another phase's own section). */
  static void splice(Path doc, String section, String begin, String end) throws IOException {
    String old = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n";
    String block = begin + "\n\n" + section.strip() + "\n\n" + end + "\n";
    int b = old.indexOf(begin);
    int e = old.indexOf(end);
    String updated;
    if (b >= 0 && e > b) {
      updated =
          old.substring(0, b) + block + old.substring(e + end.length()).replaceFirst("^\n", "");
    } else {
      updated = old.stripTrailing() + "\n\n" + block;
    }
    if (doc.getParent() != null) {
      Files.createDirectories(doc.getParent());
    }
    Files.writeString(doc, updated);
  }
}
